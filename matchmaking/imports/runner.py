"""Run one import: read the file, validate every row, and write only if all are clean."""

import time

from django.db import DatabaseError, connection, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.errors import NotAllowed

from .base import Context
from .kinds import KINDS
from .permissions import can_import, import_scope
from .reading import ImportFileError, read_sheets
from .report import ImportReport, SheetSummary

# One import at a time: the natural keys of needs, offerings and resources have no unique
# index, so two imports of the same file must not both find "new" rows. On SQLite the
# IMMEDIATE transaction already takes the write lock at BEGIN.
_LOCK_KEY = 0x5A_1D_0F_07


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def import_file(
    *, kind: str, data: bytes, filename: str, actor=None, dry_run: bool = False
) -> ImportReport:
    """Import `data` (the bytes of an .xlsx or .csv named `filename`) as `kind`.

    `actor` None is the command line (anywhere); otherwise the user must be an official or a
    superuser, and an official's rows must lie in their jurisdiction. All or nothing: with any
    error the report lists every problem and nothing is stored. `dry_run` validates only.
    """
    started = time.perf_counter()
    spec = KINDS[kind]
    if actor is not None and not can_import(actor):
        raise NotAllowed(_("Only civil-affairs officials can import data."))
    report = ImportReport(kind=kind, dry_run=dry_run)
    try:
        _run(spec, data, filename, actor, dry_run, report)
    finally:
        report.seconds = round(time.perf_counter() - started, 3)
    return report


def _run(spec, data: bytes, filename: str, actor, dry_run: bool, report: ImportReport) -> None:
    try:
        sheets = read_sheets(data, filename, spec.sheets, report)
    except ImportFileError as exc:
        report.error(None, "", exc.message)
        return
    english = (get_language() or "").startswith("en")
    for sheet in sheets:
        headers, preview = sheet.preview()
        report.sheets.append(
            SheetSummary(
                key=sheet.spec.key,
                label=sheet.spec.en if english else sheet.spec.zh,
                rows=len(sheet.rows),
                headers=headers,
                preview=preview,
                ignored=sheet.ignored,
            )
        )
    if not report.ok:
        return
    try:
        with transaction.atomic():
            _lock()
            ctx = Context(actor, import_scope(actor))
            plans = spec.plan({sheet.spec.key: sheet for sheet in sheets}, ctx, report)
            if report.ok and not dry_run:
                for plan in plans:
                    plan.write(ctx)
                report.stored = True
    except DatabaseError as exc:
        # A constraint the row checks did not foresee, or a concurrent edit of the same rows.
        report.stored = False
        report.error(
            None,
            "",
            _(
                "The database refused the import, so nothing was stored (%(reason)s). "
                "Someone may have changed the same rows meanwhile; try again."
            )
            % {"reason": str(exc).splitlines()[0][:200]},
        )
