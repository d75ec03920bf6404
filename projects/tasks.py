from celery import shared_task
from django.conf import settings
from django.utils import timezone


@shared_task(name="projects.yearly_community_funds")
def yearly_community_funds(year: int | None = None) -> int:
    """Beat, each January 1st: every community's 200,000-yuan fund for the new year."""
    from .services import community_funds_ensure

    year = year or timezone.localdate().year
    return community_funds_ensure(year=year, within=settings.PLATFORM_CITY_CODE)
