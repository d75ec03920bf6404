"""Reads of the communities app. Jurisdiction is always a region-code prefix test."""

from django.db.models import Q, QuerySet

from core import regions

from .choices import NeedStatus, RegionLevel
from .models import Community, Region, ServiceCategory, ServiceNeed

# Needs anyone may read (信息公开): everything that has left the draft state.
PUBLIC_NEED_STATUSES = (NeedStatus.PUBLISHED, NeedStatus.MATCHED, NeedStatus.CLOSED)


def region_subtree(code: str) -> QuerySet[Region]:
    """The region with this code and everything below it."""
    return Region.objects.filter(code__startswith=regions.prefix_of(code))


def region_choices(root_code: str, levels=(RegionLevel.DISTRICT, RegionLevel.STREET)) -> list:
    """(code, label) pairs for a region picker: districts, each followed by its streets."""
    rows = region_subtree(root_code).filter(level__in=levels).values_list("code", "name", "level")
    return [
        (code, name if level == RegionLevel.DISTRICT else f"　{name}") for code, name, level in rows
    ]


def category_with_children(category: ServiceCategory) -> Q:
    """A parent category matches needs filed under it or any of its children."""
    return Q(category=category) | Q(category__parent=category)


def official_region_codes(user) -> list[str]:
    if not user.is_authenticated:
        return []
    return list(user.official_memberships.values_list("region_id", flat=True))


def staff_community_ids(user) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(user.community_memberships.values_list("community_id", flat=True))


def region_code_path(field: str) -> str:
    """The path of a region's code for a prefix test: `community__region_id` → `…region__code`.

    `startswith` is not a lookup of a foreign key (Django raises FieldError), but the related
    primary key is: `region__code__startswith` compiles to `region_id LIKE '4301%'`, no join.
    """
    return f"{field.removesuffix('_id')}__code" if field.endswith("_id") else field


def within_q(field: str, codes) -> Q:
    """OR of prefix tests: rows whose `field` (a region code) lies under any of `codes`."""
    query = Q(pk__in=[])
    for code in codes:
        query |= Q(**{f"{region_code_path(field)}__startswith": regions.prefix_of(code)})
    return query


def need_list() -> QuerySet[ServiceNeed]:
    return ServiceNeed.objects.select_related(
        "community", "community__region", "category", "category__parent"
    ).prefetch_related("target_groups")


def needs_visible_to(user) -> QuerySet[ServiceNeed]:
    """Public needs, plus drafts of the user's own community and of their jurisdiction."""
    query = Q(status__in=PUBLIC_NEED_STATUSES)
    if user.is_authenticated:
        if user.is_superuser:
            return need_list()
        query |= Q(community_id__in=staff_community_ids(user))
        query |= within_q("community__region_id", official_region_codes(user))
    return need_list().filter(query)


def community_list() -> QuerySet[Community]:
    return Community.objects.select_related("region", "region__parent", "region__parent__parent")


def category_tree() -> QuerySet[ServiceCategory]:
    """Categories in display order: each parent followed by its children."""
    from django.db.models import F
    from django.db.models.functions import Coalesce

    return (
        ServiceCategory.objects.select_related("parent")
        .annotate(root_order=Coalesce("parent__sort_order", "sort_order"))
        .annotate(root_code=Coalesce("parent__code", "code"))
        .order_by("root_order", "root_code", F("parent_id").asc(nulls_first=True), "sort_order")
    )
