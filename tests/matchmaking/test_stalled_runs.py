"""What happens to a run whose worker died: the task comes back once and reruns, a second loss
fails the run, and the `fail-stalled-runs` beat job fails whatever no task will finish. Also a
run that cannot be queued (broker down) is failed with that reason at once.

The same with real processes (SIGKILL, Redis restart): tests/integration/.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from matchmaking import services, tasks
from matchmaking.choices import RunStatus
from matchmaking.models import MatchRun, MatchSuggestion, Report
from tests import factories as f

pytestmark = pytest.mark.django_db

TIANXIN = "430103000000"
STALLED = timedelta(seconds=settings.STALLED_RUN_AFTER)


@pytest.fixture
def region(tree):
    meals = f.category("elderly_meals")
    f.ServiceNeedFactory(community=tree.pozijie_community, category=meals)
    f.ServiceOfferingFactory(category=meals)
    return f.region(TIANXIN)


def make_run(region, **fields) -> MatchRun:
    run = services.match_run_start(actor=None, scope=region, enqueue=False)
    MatchRun.objects.filter(pk=run.pk).update(**fields)
    run.refresh_from_db()
    return run


def make_report(region, **fields) -> Report:
    return Report.objects.create(
        kind="needs_handbook", year=2026, scope=region, format="pdf", **fields
    )


def test_a_run_found_running_is_run_again_once(region):
    # The worker that set it running died; the broker delivered the task again.
    run = make_run(region, status=RunStatus.RUNNING, started_at=timezone.now())
    run = services.match_run_execute(run.pk)
    assert run.status == RunStatus.DONE and run.error == ""
    assert MatchSuggestion.objects.filter(run=run).count() == run.stats["suggestions"] >= 1


def test_a_run_whose_worker_was_lost_twice_fails_and_keeps_the_old_suggestions(region):
    previous = services.match_run_execute(make_run(region).pk)
    kept = set(MatchSuggestion.objects.values_list("pk", flat=True))
    run = make_run(
        region,
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        error=services.WORKER_LOST_NOTE,
    )
    run = services.match_run_execute(run.pk)
    assert run.status == RunStatus.FAILED and run.finished_at
    assert "lost twice" in run.error or "两次" in run.error
    assert set(MatchSuggestion.objects.values_list("pk", flat=True)) == kept
    assert not MatchSuggestion.objects.exclude(run=previous).exists()


def test_stalled_runs_and_reports_are_failed_with_their_reason(region):
    now = timezone.now()
    old, recent = now - STALLED - timedelta(minutes=1), now - STALLED + timedelta(minutes=5)
    lost_running = make_run(region, status=RunStatus.RUNNING, started_at=old)
    lost_queued = make_run(region)
    MatchRun.objects.filter(pk=lost_queued.pk).update(created_at=old)
    busy = make_run(region, status=RunStatus.RUNNING, started_at=recent)
    waiting = make_run(region)
    done = make_run(region, status=RunStatus.DONE, started_at=old, finished_at=old)
    lost_report = make_report(region, status=RunStatus.RUNNING, started_at=old)
    fresh_report = make_report(region, status=RunStatus.RUNNING, started_at=recent)

    assert services.stalled_runs_fail(now=now) == {"runs": 2, "reports": 1}

    def row(obj):
        obj.refresh_from_db()
        return obj.status, bool(obj.error)

    assert row(lost_running) == (RunStatus.FAILED, True)
    assert row(lost_queued) == (RunStatus.FAILED, True)
    assert lost_running.error != lost_queued.error  # says which it was
    assert row(busy) == (RunStatus.RUNNING, False)
    assert row(waiting) == (RunStatus.QUEUED, False)
    assert row(done) == (RunStatus.DONE, False)
    assert row(lost_report) == (RunStatus.FAILED, True) and not lost_report.file
    assert row(fresh_report) == (RunStatus.RUNNING, False)
    # Nothing more the second time; a late delivery of the task leaves the failed run alone.
    assert services.stalled_runs_fail(now=now) == {"runs": 0, "reports": 0}
    assert services.match_run_execute(lost_running.pk).status == RunStatus.FAILED
    assert not MatchSuggestion.objects.filter(run=lost_running).exists()


def test_the_beat_job_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["fail-stalled-runs"]
    assert entry["task"] == tasks.fail_stalled_runs.name == "matchmaking.fail_stalled_runs"
    assert tasks.fail_stalled_runs.apply().get() == {"runs": 0, "reports": 0}


def test_a_run_that_cannot_be_queued_fails_with_the_reason(
    region, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_match, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.match_run_start(actor=None, scope=region)
    assert run.status == RunStatus.FAILED and "Connection refused" in run.error
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "Connection refused" in run.error
    assert run.finished_at is not None


def test_reject_on_worker_lost_and_a_visibility_timeout_longer_than_any_task():
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert timeout > settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_TIME_LIMIT + timeout < settings.STALLED_RUN_AFTER


def test_a_report_that_cannot_be_queued_fails_with_the_reason(
    region, monkeypatch, django_capture_on_commit_callbacks, settings, tmp_path
):
    from matchmaking.models import Report
    from matchmaking.reports.services import report_request

    settings.MEDIA_ROOT = tmp_path

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.build_report, "delay", broker_down)
    official = f.OfficialFactory(region=region).user
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            actor=official, kind="needs_handbook", year=2026, within=region.code, fmt="xlsx"
        )
    assert report.status == RunStatus.FAILED and "Connection refused" in report.error
    stored = Report.objects.get(pk=report.pk)
    assert stored.status == RunStatus.FAILED and "Connection refused" in stored.error
    assert not stored.file and stored.finished_at is not None
