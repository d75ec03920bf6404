from celery import shared_task
from django.conf import settings

from communities.models import Region

from .choices import RunStatus
from .models import MatchRun


@shared_task(name="matchmaking.run_match", acks_late=True)
def run_match(run_id: int) -> str:
    """Execute one queued batch. Safe to deliver twice: a finished run is not run again."""
    from .services import match_run_execute

    return match_run_execute(run_id).status


@shared_task(name="matchmaking.build_report", acks_late=True)
def build_report(report_id: int) -> str:
    """Build one queued report (handbook or ranking, PDF or XLSX). Safe to deliver twice: a
    finished report is not rebuilt, and a race of two deliveries records one file."""
    from .reports.services import report_execute

    return report_execute(report_id).status


@shared_task(name="matchmaking.fail_stalled_runs")
def fail_stalled_runs() -> dict:
    """Beat, every ten minutes: fail runs and reports whose worker died and whose task the
    broker lost, with that reason, instead of leaving them `running` for ever."""
    from .services import stalled_runs_fail

    return stalled_runs_fail()


@shared_task(name="matchmaking.nightly_matching")
def nightly_matching() -> int | None:
    """Beat job: rematch the platform's city each night unless a run is already going."""
    from .services import match_run_start

    scope = Region.objects.filter(code=settings.PLATFORM_CITY_CODE).first()
    if scope is None:
        return None
    busy = MatchRun.objects.filter(
        scope=scope, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
    ).exists()
    if busy:
        return None
    return match_run_start(actor=None, scope=scope).pk
