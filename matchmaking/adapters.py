"""Build the engine's plain rows from the database, a few set-based queries per batch.

The engine never sees a model instance: rows are read with `values_list` so a district's
thousands of needs and offers cost a handful of queries and little memory.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, QuerySet

from communities.models import ServiceNeed
from orgs.models import ServiceOffering, SocialOrg
from projects.selectors import track_records

from .engine import NeedRow, OfferRow, OrgRow, Weights


def engine_weights() -> Weights:
    """The score weights from settings (MATCHING_WEIGHTS)."""
    return Weights(**getattr(settings, "MATCHING_WEIGHTS", {}))


GRADE_LEVEL = {"": 0, "1A": 1, "2A": 2, "3A": 3, "4A": 4, "5A": 5}


def _m2m_codes(through, owner_field: str, owner_ids: Iterable[int], code_path: str) -> dict:
    codes: dict[int, set[str]] = defaultdict(set)
    rows = through.objects.filter(**{f"{owner_field}__in": list(owner_ids)}).values_list(
        owner_field, code_path
    )
    for owner_id, code in rows.iterator(chunk_size=5000):
        codes[owner_id].add(code)
    return codes


def need_rows(needs: QuerySet[ServiceNeed]) -> list[NeedRow]:
    rows = list(
        needs.values_list(
            "id",
            "community__region_id",
            "category__code",
            "category__parent__code",
            "budget",
            "period_start",
            "period_end",
            "title",
            "description",
        )
    )
    groups = _m2m_codes(
        ServiceNeed.target_groups.through,
        "serviceneed_id",
        (r[0] for r in rows),
        "targetgroup__code",
    )
    return [
        NeedRow(
            id=pk,
            region=region,
            category=category,
            category_root=parent or category,
            target_groups=frozenset(groups.get(pk, ())),
            budget=float(budget),
            start=start,
            end=end,
            text=f"{title}\n{description}",
        )
        for pk, region, category, parent, budget, start, end, title, description in rows
    ]


def offer_rows(offers: QuerySet[ServiceOffering], used: dict[int, int] | None = None) -> list:
    """Offer rows; `used` counts proposals already made to each offer earlier in the run."""
    used = used or {}
    rows = list(
        offers.values_list(
            "id",
            "org_id",
            "category__code",
            "category__parent__code",
            "price_min",
            "price_max",
            "capacity",
            "title",
            "description",
            "status",
        )
    )
    ids = [r[0] for r in rows]
    through_groups = ServiceOffering.target_groups.through
    groups = _m2m_codes(through_groups, "serviceoffering_id", ids, "targetgroup__code")
    areas = _m2m_codes(ServiceOffering.service_area.through, "serviceoffering_id", ids, "region_id")
    return [
        OfferRow(
            id=pk,
            org_id=org_id,
            category=category,
            category_root=parent or category,
            target_groups=frozenset(groups.get(pk, ())),
            service_area=tuple(sorted(areas.get(pk, ()))),
            price_min=float(price_min),
            price_max=float(price_max),
            capacity_left=max(0, capacity - used.get(pk, 0)),
            text=f"{title}\n{description}",
            published=status == "published",
        )
        for (
            pk,
            org_id,
            category,
            parent,
            price_min,
            price_max,
            capacity,
            title,
            description,
            status,
        ) in rows
    ]


def org_rows(org_ids: Iterable[int]) -> list[OrgRow]:
    """Org strength inputs, with the track record of projects completed on the platform."""
    org_ids = list(org_ids)
    records = track_records(org_ids)
    rows = (
        SocialOrg.objects.filter(id__in=org_ids)
        .annotate(workers_count=Count("workers"))
        .values_list("id", "grade", "workers_count")
    )
    return [
        OrgRow(
            id=pk,
            grade=GRADE_LEVEL.get(grade, 0),
            certified_workers=workers,
            acceptance_scores=records.get(pk, ()),
        )
        for pk, grade, workers in rows
    ]
