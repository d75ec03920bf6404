"""Every write of reports: requesting one, and building it in the background.

`report_request` validates, checks the jurisdiction, stores a queued Report and queues
`build_report` once the transaction commits. `report_execute` (the task's body) collects the
data, renders the PDF or workbook in memory, then stores the file and marks the report done in
a single UPDATE: a report is `done` with its file, or it has no file at all. Running it twice is
harmless — a finished report is left alone, and if two workers race on the same report the one
that finishes second deletes its own file instead of recording it.
"""

import logging
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from communities.choices import RegionLevel
from communities.models import Region
from core import regions
from core.errors import NotAllowed, ValidationFailed

from ..choices import RunStatus
from ..models import Report, ReportFormat, ReportKind
from ..permissions import can_request_report, can_use_reports
from .collect import collect
from .errors import ReportError

logger = logging.getLogger(__name__)

FIRST_YEAR = 2000  # the programme dates from the 2010s; earlier years are typing mistakes
REPORT_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET)
CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def last_year() -> int:
    """Reports may be asked up to next year (needs and money are planned a year ahead)."""
    return timezone.localdate().year + 1


def _validate(kind, year, within, fmt) -> Region | None:
    fields: dict[str, list[str]] = {}
    if kind not in ReportKind.values:
        fields["kind"] = [_("One of: %(values)s.") % {"values": ", ".join(ReportKind.values)}]
    if fmt not in ReportFormat.values:
        fields["format"] = [_("One of: %(values)s.") % {"values": ", ".join(ReportFormat.values)}]
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= last_year():
        fields["year"] = [
            _("A year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": last_year()}
        ]
    region = within if isinstance(within, Region) else None
    if region is None:
        code = within if isinstance(within, str) else ""
        if regions.is_valid_code(code):
            region = Region.objects.filter(code=code).first()
        if region is None:
            fields["within"] = [_("Enter the 12-digit code of an existing region.")]
    if region is not None and region.level not in REPORT_LEVELS:
        fields["within"] = [_("Reports cover a city, a district or a street.")]
    if fields:
        raise ValidationFailed(
            _("The report request is not valid: %(fields)s.") % {"fields": ", ".join(fields)},
            fields=fields,
        )
    return region


@transaction.atomic
def report_request(
    *, actor, kind: str, year: int, within, fmt: str, enqueue: bool = True
) -> Report:
    """Queue a report of `kind` for `year` and region `within` (a Region or its code) as `fmt`.

    Officials (and superusers) only, for their region or one below it. `actor=None` is the
    system (the bench command). The report is built in the active language.
    """
    if actor is not None and not can_use_reports(actor):
        raise NotAllowed(_("Only civil-affairs officials can request reports."))
    region = _validate(kind, year, within, fmt)
    if actor is not None and not can_request_report(actor, region.code):
        raise NotAllowed(_("You can only request reports for your own jurisdiction."))
    report = Report.objects.create(
        kind=kind,
        year=year,
        scope=region,
        format=fmt,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        created_by=actor,
        status=RunStatus.QUEUED,
    )
    if enqueue:
        transaction.on_commit(lambda: _enqueue(report))
    return report


def _enqueue(report: Report) -> None:
    """An unreachable broker fails the report at once, as it does a match run."""
    from ..services import enqueue_or_fail
    from ..tasks import build_report

    enqueue_or_fail(
        build_report,
        report,
        _("The task queue is unavailable, so the report could not be built: %(error)s"),
    )


class _Progress:
    """Writes the progress to the row when the whole percentage changes (few UPDATEs)."""

    def __init__(self, report_id: int):
        self.report_id = report_id
        self.last = -1

    def __call__(self, percent: float) -> None:
        value = max(0, min(99, int(percent)))
        if value != self.last:
            self.last = value
            Report.objects.filter(pk=self.report_id, status=RunStatus.RUNNING).update(
                progress=value
            )

    def span(self, start: int, end: int):
        """A callback mapping 0…1 onto start…end percent."""
        return lambda fraction: self(start + (end - start) * fraction)


def build(report: Report, *, progress=None) -> tuple[bytes, dict]:
    """The file's bytes and a summary (counts per section, pages or rows) of a report."""
    from .pdf import ensure_cjk_font, render_pdf
    from .xlsx import render_xlsx

    progress = progress or _Progress(0)
    if report.format == ReportFormat.PDF:
        ensure_cjk_font()  # fail before collecting anything
    data = collect(report.kind, report.scope, report.year, progress=progress.span(5, 40))
    summary = {
        "title": data.title,
        "total": data.total,
        "sections": [
            {
                "key": section.key,
                "name": section.name,
                "count": section.count,
                **({"amount": str(section.amount)} if section.amount is not None else {}),
            }
            for section in data.sections
        ],
    }
    if report.format == ReportFormat.PDF:
        content, summary["pages"] = render_pdf(data, progress=progress.span(40, 95))
    else:
        content, summary["rows"] = render_xlsx(data, progress=progress.span(40, 95))
    summary["bytes"] = len(content)
    return content, summary


def report_filename(report: Report) -> str:
    """The download's name, in the active language: 天心区-2026-社区服务需求手册.pdf."""
    from .collect import TITLES

    return f"{report.scope.name}-{report.year}-{TITLES[report.kind]}.{report.format}"


def _storage_name(report: Report) -> str:
    name = f"{report.kind}-{report.scope_id}-{report.year}-{report.pk}.{report.format}"
    return report.file.field.generate_filename(report, name)


def report_execute(report_id: int) -> Report:
    """Build a queued report. A report already done (or failed) is returned as it is."""
    report = Report.objects.select_related("scope").get(pk=report_id)
    if report.status in (RunStatus.DONE, RunStatus.FAILED):
        return report
    claimed = Report.objects.filter(
        pk=report.pk, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
    ).update(status=RunStatus.RUNNING, started_at=timezone.now(), progress=1, error="")
    if not claimed:
        report.refresh_from_db()
        return report
    started = time.perf_counter()
    storage = report.file.storage
    try:
        with translation.override(report.language):
            content, summary = build(report, progress=_Progress(report.pk))
        name = storage.save(_storage_name(report), ContentFile(content))
    except Exception as exc:
        logger.exception("report %s failed", report.pk)
        message = exc.message if isinstance(exc, ReportError) else f"{type(exc).__name__}: {exc}"
        Report.objects.filter(pk=report.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, error=message[:4000], finished_at=timezone.now()
        )
        report.refresh_from_db()
        return report
    summary["seconds"] = round(time.perf_counter() - started, 3)
    try:
        recorded = Report.objects.filter(pk=report.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.DONE,
            progress=100,
            file=name,
            summary=summary,
            finished_at=timezone.now(),
        )
    except Exception:
        storage.delete(name)  # not recorded: leave no orphan behind
        raise
    if not recorded:  # another delivery of the task finished first: keep its file, not ours
        storage.delete(name)
    report.refresh_from_db()
    return report
