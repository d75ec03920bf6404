"""Building a report: idempotent, atomic about its file, and clear about why it failed."""

import pytest

from matchmaking.choices import RunStatus
from matchmaking.models import Report
from matchmaking.reports import pdf, services
from matchmaking.tasks import build_report
from tests import factories as f

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def _queued(actor, kind="needs_handbook", fmt="pdf"):
    return services.report_request(
        actor=actor, kind=kind, year=YEAR, within=f.TIANXIN, fmt=fmt, enqueue=False
    )


def _files(media):
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


def test_task_builds_once_and_a_second_delivery_changes_nothing(world, district_official, media):
    report = _queued(district_official)
    assert build_report.delay(report.pk).get() == RunStatus.DONE
    report.refresh_from_db()
    first = (report.file.name, report.finished_at, report.summary)
    assert report.file.name.startswith(f"reports/{report.created_at:%Y}/")
    assert build_report.delay(report.pk).get() == RunStatus.DONE
    report.refresh_from_db()
    assert (report.file.name, report.finished_at, report.summary) == first
    assert _files(media) == [report.file.name.rsplit("/", 1)[1]]


def test_a_delivery_that_finishes_second_keeps_no_file(
    world, district_official, media, monkeypatch
):
    """Two workers got the same report: the first one to finish records its file; the other
    finds the report done and deletes its own file instead of overwriting."""
    report = _queued(district_official, fmt="xlsx")
    Report.objects.filter(pk=report.pk).update(status=RunStatus.RUNNING)  # worker 1 crashed?
    original = services.build

    def build_and_lose_the_race(report, **kwargs):
        result = original(report, **kwargs)
        Report.objects.filter(pk=report.pk).update(status=RunStatus.DONE, file="reports/x.xlsx")
        return result

    monkeypatch.setattr(services, "build", build_and_lose_the_race)
    services.report_execute(report.pk)
    report.refresh_from_db()
    assert report.file.name == "reports/x.xlsx"
    assert _files(media) == []


def test_missing_cjk_font_fails_clearly_and_leaves_no_file(
    world, district_official, media, monkeypatch
):
    monkeypatch.setattr(pdf, "cjk_font_available", lambda: False)
    report = services.report_execute(_queued(district_official).pk)
    assert report.status == RunStatus.FAILED
    assert "fonts-noto-cjk" in report.error
    assert "中文字体" in report.error and "CJK" in report.error
    assert not report.file and report.finished_at is not None
    assert _files(media) == []
    # A failed report stays failed (the user asks again once the font is there).
    monkeypatch.undo()
    assert services.report_execute(report.pk).status == RunStatus.FAILED


def test_xlsx_does_not_need_the_font(world, district_official, monkeypatch):
    monkeypatch.setattr(pdf, "cjk_font_available", lambda: False)
    report = services.report_execute(_queued(district_official, fmt="xlsx").pk)
    assert report.status == RunStatus.DONE, report.error


def test_any_error_is_recorded_on_the_report(world, district_official, media, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(pdf, "render_html", broken)
    report = services.report_execute(_queued(district_official).pk)
    assert report.status == RunStatus.FAILED
    assert report.error == "RuntimeError: layout exploded"
    assert not report.file and _files(media) == []


def test_the_font_check_finds_noto_cjk():
    """This machine has fonts-noto-cjk (the platform's documented requirement)."""
    assert pdf.cjk_font_available()
    assert pdf._fontconfig_family("No Such Font Family") is not None  # a fallback, not CJK


def test_progress_is_recorded_while_building(world, district_official, monkeypatch):
    seen = []
    original = services._Progress.__call__

    def spy(self, percent):
        original(self, percent)
        seen.append(Report.objects.get(pk=self.report_id).progress)

    monkeypatch.setattr(services._Progress, "__call__", spy)
    report = services.report_execute(_queued(district_official, fmt="xlsx").pk)
    assert report.progress == 100
    assert seen == sorted(seen) and seen[-1] >= 90 and len(set(seen)) >= 4


def test_report_is_built_in_the_language_it_was_requested_in(tree, district_official):
    from django.utils import translation

    with translation.override("en"):
        report = _queued(district_official, fmt="xlsx")
    assert report.language == "en"
    report = services.report_execute(report.pk)
    assert report.summary["title"] == "Community Service Needs Handbook"
