"""Reads of reports: who sees which."""

from django.db.models import QuerySet

from communities.selectors import official_region_codes, within_q

from ..models import Report


def report_list() -> QuerySet[Report]:
    return Report.objects.select_related("scope", "created_by")


def reports_visible_to(user) -> QuerySet[Report]:
    """Reports whose scope lies in the user's jurisdiction (whoever requested them); all of
    them for superusers; none for anyone else."""
    if not user.is_authenticated:
        return report_list().none()
    if user.is_superuser:
        return report_list()
    return report_list().filter(within_q("scope_id", official_region_codes(user)))
