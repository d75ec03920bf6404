"""Reads of the orgs app."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from communities.selectors import official_region_codes, within_q
from core import regions

from .choices import OfferingStatus
from .models import ServiceOffering, SocialOrg

PUBLIC_OFFER_STATUSES = (OfferingStatus.PUBLISHED, OfferingStatus.CLOSED)


def member_org_ids(user) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(user.org_memberships.values_list("org_id", flat=True))


def org_list() -> QuerySet[SocialOrg]:
    # Django drops Meta.ordering from aggregated (GROUP BY) queries, so order explicitly:
    # unordered pages may repeat or skip rows on PostgreSQL.
    return (
        SocialOrg.objects.select_related("region")
        .annotate(certified_workers=Count("workers", distinct=True))
        .order_by("name", "id")
    )


def orgs_visible_to(user) -> QuerySet[SocialOrg]:
    """Verified orgs are public; members see their own, officials those registered below them."""
    query = Q(verified=True)
    if user.is_authenticated:
        if user.is_superuser:
            return org_list()
        query |= Q(id__in=member_org_ids(user))
        query |= within_q("region_id", official_region_codes(user))
    return org_list().filter(query)


def offering_list() -> QuerySet[ServiceOffering]:
    return ServiceOffering.objects.select_related(
        "org", "org__region", "category", "category__parent"
    ).prefetch_related("target_groups", "service_area", "workers")


def offerings_visible_to(user) -> QuerySet[ServiceOffering]:
    # `published_at`: an offer closed straight from draft was never made public.
    query = Q(status__in=PUBLIC_OFFER_STATUSES, org__verified=True, published_at__isnull=False)
    if user.is_authenticated:
        if user.is_superuser:
            return offering_list()
        query |= Q(org_id__in=member_org_ids(user))
        query |= within_q("org__region_id", official_region_codes(user))
    return offering_list().filter(query)


def offerings_serving(queryset: QuerySet[ServiceOffering], code: str) -> QuerySet:
    """Offers whose service area covers `code` (an ancestor or itself) or lies inside it."""
    area = ServiceOffering.service_area.through.objects.filter(
        serviceoffering_id=OuterRef("pk")
    ).filter(
        Q(region__code__startswith=regions.prefix_of(code))
        | Q(region_id__in=regions.ancestors(code))
    )
    return queryset.filter(Exists(area))
