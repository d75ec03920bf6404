"""Supply and demand: needs against the offerings that serve each sub-region, by category.

Rows are the root categories (a need or offering filed under a child category counts for its
parent), columns the sub-regions of the scope. Demand and supply are GROUP BY queries keyed by
(sub-region, root category), the sub-region being a prefix of the region code (Substr), so the
work does not grow with the number of sub-regions.
"""

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext as _

from communities.models import ServiceNeed
from core import regions
from orgs.choices import OfferingStatus
from orgs.models import ServiceOffering
from projects.models import Project

from .scope import Scope, in_month

BIGGEST_GAPS = 5

# The gap column key of offerings whose service area covers the whole scope (they serve every
# sub-region); no region code looks like it.
EVERYWHERE = "*"


def _root(category_path: str):
    """The root category of a row's category: its parent, or itself when it has none."""
    return Coalesce(f"{category_path}__parent_id", f"{category_path}_id")


def demand_by_cell(scope: Scope, months: list, matched_states) -> tuple[dict, list, int]:
    """Needs published in the year by (sub-region, root category), and by month; and how many
    of them reached a project in one of `matched_states` (an index probe per need, so the
    pass over the projects need not join the needs)."""
    reached = Project.objects.filter(
        need_id=OuterRef("pk"), need__isnull=False, status__in=matched_states
    )
    rows = (
        ServiceNeed.objects.filter(
            scope.q("community__region_id"),
            published_at__gte=months[0],
            published_at__lt=months[12],
        )
        .order_by()
        .annotate(
            column=Substr("community__region_id", 1, scope.column_length),
            root=_root("category"),
        )
        .values("column", "root")
        .annotate(
            demand=Count("id"),
            matched=Count("id", filter=Exists(reached)),
            **{
                f"month_{month}": Count("id", filter=in_month("published_at", months, month))
                for month in range(1, 13)
            },
        )
    )
    cells, by_month, matched = {}, [0] * 12, 0
    for row in rows:
        cells[row["column"], row["root"]] = row["demand"]
        matched += row["matched"]
        for month in range(1, 13):
            by_month[month - 1] += row[f"month_{month}"]
    return cells, by_month, matched


def supply_by_cell(scope: Scope) -> tuple[dict, dict]:
    """Published offerings serving the scope, counted distinct.

    An offering serves region R when one of its service-area codes lies in R or R lies in that
    code. Offerings with an area covering the whole scope (the scope itself or an ancestor)
    serve every sub-region and are counted once under EVERYWHERE; the others under the
    sub-region of each of their areas. Returns ({(column, root): n}, {root: n over the scope}).
    """
    area = ServiceOffering.service_area.through
    covering = [scope.code, *regions.ancestors(scope.code)]
    served = (
        area.objects.filter(serviceoffering__status=OfferingStatus.PUBLISHED)
        .filter(scope.q("region_id") | Q(region_id__in=covering))
        .order_by()
        .annotate(root=_root("serviceoffering__category"))
    )
    covers_scope = Exists(
        area.objects.filter(
            serviceoffering_id=OuterRef("serviceoffering_id"), region_id__in=covering
        )
    )
    cells = {
        (row["column"], row["root"]): row["supply"]
        for row in served.annotate(
            column=Case(
                When(covers_scope, then=Value(EVERYWHERE)),
                default=Substr("region_id", 1, scope.column_length),
                output_field=CharField(),
            )
        )
        .values("column", "root")
        .annotate(supply=Count("serviceoffering_id", distinct=True))
    }
    by_root = {
        row["root"]: row["supply"]
        for row in served.values("root").annotate(supply=Count("serviceoffering_id", distinct=True))
    }
    return cells, by_root


def gap_table(scope: Scope, categories, demand: dict, supply: dict, supply_by_root: dict) -> dict:
    """The category × sub-region table, its margins and the biggest positive gaps in words."""

    def cell(d, s):
        return {"demand": d, "supply": s, "gap": d - s}

    columns = scope.columns
    matrix = [
        [
            cell(
                demand.get((column["code"][: scope.column_length], category.pk), 0),
                supply.get((column["code"][: scope.column_length], category.pk), 0)
                + supply.get((EVERYWHERE, category.pk), 0),
            )
            for column in columns
        ]
        for category in categories
    ]
    by_category = [
        {
            "code": category.code,
            "name": category.label,
            **cell(
                sum(n for (_col, root), n in demand.items() if root == category.pk),
                supply_by_root.get(category.pk, 0),
            ),
        }
        for category in categories
    ]
    # Each offering has one category, so a sub-region's distinct offerings are the sum of its
    # cells; across sub-regions they are not (one offering may serve several), hence by_root.
    by_region = [
        {
            "code": column["code"],
            "name": column["name"],
            **cell(
                sum(row[i]["demand"] for row in matrix), sum(row[i]["supply"] for row in matrix)
            ),
        }
        for i, column in enumerate(columns)
    ]
    # Largest gap first; ties by category order (r), then region code.
    positive = sorted(
        (
            (r, c)
            for r in range(len(categories))
            for c in range(len(columns))
            if matrix[r][c]["gap"] > 0
        ),
        key=lambda rc: (-matrix[rc[0]][rc[1]]["gap"], rc[0], columns[rc[1]]["code"]),
    )[:BIGGEST_GAPS]
    biggest = []
    for r, c in positive:
        region, category, numbers = columns[c], categories[r], matrix[r][c]
        text = _("%(region)s · %(category)s: demand %(demand)s, supply %(supply)s") % {
            "region": region["name"],
            "category": category.label,
            "demand": numbers["demand"],
            "supply": numbers["supply"],
        }
        biggest.append(
            {"category": category.code, "region": region["code"], **numbers, "text": text}
        )
    return {
        "categories": [{"code": c.code, "name": c.label} for c in categories],
        "regions": [{"code": c["code"], "name": c["name"]} for c in columns],
        "cells": matrix,
        "by_category": by_category,
        "by_region": by_region,
        "biggest": biggest,
    }
