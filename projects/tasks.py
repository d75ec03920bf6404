from celery import shared_task
from django.conf import settings
from django.utils import timezone


@shared_task(name="projects.yearly_community_funds")
def yearly_community_funds(year: int | None = None) -> int:
    """Beat, each January 1st: every community's 200,000-yuan fund for the new year."""
    from .services import community_funds_ensure

    year = year or timezone.localdate().year
    return community_funds_ensure(year=year, within=settings.PLATFORM_CITY_CODE)


@shared_task(name="projects.close_due_bidding")
def close_due_bidding() -> dict:
    """Beat, every few minutes: close the bidding of projects past their deadline.

    Safe to run twice or concurrently: each project is closed under its row lock and one
    already closed is skipped."""
    from core.errors import InvalidTransition

    from .choices import ProjectStatus
    from .models import Project
    from .services import project_close_bidding

    due = Project.objects.filter(
        status=ProjectStatus.PUBLISHED, bid_deadline__lte=timezone.now()
    ).values_list("pk", flat=True)
    outcome = {"reviewing": 0, "failed": 0}
    for pk in list(due):
        try:
            project = project_close_bidding(actor=None, project=Project.objects.get(pk=pk))
        except InvalidTransition:
            continue  # closed meanwhile by a person or another worker
        outcome[project.status] = outcome.get(project.status, 0) + 1
    return outcome


@shared_task(name="projects.remind_progress_reports")
def remind_progress_reports() -> int:
    """Beat, daily: tell organizations whose running project has not reported for the interval.

    Idempotent: nobody is reminded twice within one interval."""
    from .services import remind_progress_reports as remind

    return remind()
