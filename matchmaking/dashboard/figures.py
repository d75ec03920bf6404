"""The dashboard's figures, each aggregated by the database.

A scope is a region code (city, district, street or community) and everything below it — a
prefix test on the 12-digit code — and a calendar year in the local time zone (scope.py).
Every figure is an aggregate or GROUP BY query; Python only arranges rows that are already
aggregated (the ≤ 12 months, the sub-regions, the root categories, a few hundred groups of
projects, ≤ 10 overdue items). The number of queries is fixed — query_count() — whatever the
data and however many sub-regions the scope has. The projects are read in one grouped pass
for all that is counted on them, plus one for the median wait for an award.

docs/dashboard.md defines every figure for officials.
"""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from communities.models import Community, ServiceCategory
from orgs.models import SocialOrg
from projects.choices import BidStatus, ProjectStatus, ResourceStatus
from projects.models import Bid, FundingResource, ProgressReport, Project, ProjectFunding

from .gap import demand_by_cell, gap_table, supply_by_cell
from .scope import Scope, check_year, month_starts, resolve_scope

S = ProjectStatus

# Queries one `dashboard()` call issues, whatever the data and the database.
QUERIES = 14

# A need "reached an awarded project" when one of its projects is in one of these states.
MATCHED_STATES = (S.AWARDED, S.IN_PROGRESS, S.ACCEPTANCE, S.RECTIFICATION, S.COMPLETED)

# The five stages of the pipeline and the project states counted in each.
PIPELINE = {
    "bidding": (S.PUBLISHED,),
    "review": (S.REVIEWING, S.AWARDED),
    "delivery": (S.IN_PROGRESS,),
    "acceptance": (S.ACCEPTANCE, S.RECTIFICATION),
    "completed": (S.COMPLETED,),
}

OVERDUE_ITEMS = 10

CENT = Decimal("0.01")


def dashboard(*, within: str, year: int) -> dict:
    """Every figure of the dashboard of region `within` for calendar year `year`.

    JSON-serialisable: money as strings with two decimals ("1234.50"), shares as floats with
    four places, counts as ints. Raises ValidationFailed naming `within` or `year` on bad input.
    """
    check_year(year)
    scope = resolve_scope(within)
    categories = list(
        ServiceCategory.objects.filter(parent__isnull=True).order_by("sort_order", "code")
    )
    months = month_starts(year)
    demand, needs_by_month, needs_matched = demand_by_cell(scope, months, MATCHED_STATES)
    gap = gap_table(scope, categories, demand, *supply_by_cell(scope))
    projects = Project.objects.filter(scope.q("community__region_id")).order_by()
    activity = _project_activity(projects, year, months)
    needs_published = sum(demand.values())
    by_status = activity["by_status"]
    totals = {
        **_community_totals(scope),
        **_org_totals(scope),
        "needs_published": needs_published,
        "offers_published": sum(row["supply"] for row in gap["by_category"]),
        **_resource_totals(scope, year),
        **_funding_totals(scope, year),
        "projects_by_status": by_status,
        "match_rate": _share(needs_matched, needs_published),
        "median_days_to_award": activity["median_days_to_award"],
    }
    return {
        "scope": {"code": scope.code, "name": scope.name, "level": scope.level},
        "year": year,
        "totals": totals,
        "gap": gap,
        "trends": {
            "months": list(range(1, 13)),
            "needs_published": needs_by_month,
            **activity["trends"],
        },
        "pipeline": {
            stage: sum(by_status[state] for state in states) for stage, states in PIPELINE.items()
        },
        "overdue": _overdue(projects.filter(year=year), timezone.now()),
        "breadcrumb": scope.breadcrumb,
        "children": scope.children,
    }


def query_count() -> int:
    """Queries one dashboard() call issues on the default database, whatever the data (the
    median is PERCENTILE_CONT on PostgreSQL, an ordered offset elsewhere: one query either
    way)."""
    return QUERIES


# --- totals -------------------------------------------------------------------------------
def _community_totals(scope: Scope) -> dict:
    row = Community.objects.filter(scope.q("region_id")).aggregate(
        communities=Count("id"),
        staff_total=Coalesce(Sum("staff_total"), 0),
        staff_certified=Coalesce(Sum("staff_certified"), 0),
    )
    row["staff_certified_share"] = _share(row["staff_certified"], row["staff_total"])
    return row


def _org_totals(scope: Scope) -> dict:
    """Organizations registered in the scope, and the certified social workers they employ."""
    return SocialOrg.objects.filter(scope.q("region_id")).aggregate(
        orgs=Count("id", distinct=True),
        orgs_verified=Count("id", distinct=True, filter=Q(verified=True)),
        certified_workers=Count("workers", distinct=True),
    )


def _resource_totals(scope: Scope, year: int) -> dict:
    row = FundingResource.objects.filter(
        scope.q("region_id"),
        year=year,
        status__in=(ResourceStatus.PUBLISHED, ResourceStatus.CLOSED),
    ).aggregate(resources_published=Count("id"), resources_amount=Sum("amount"))
    row["resources_amount"] = _money(row["resources_amount"])
    return row


def _funding_totals(scope: Scope, year: int) -> dict:
    """Money on the funding lines of the scope's projects of the year: still committed (net of
    releases; what was paid out stays in it) and paid out."""
    row = ProjectFunding.objects.filter(
        scope.q("project__community__region_id"), project__year=year
    ).aggregate(
        funds_committed=Sum(F("committed") - F("released")), funds_disbursed=Sum("disbursed")
    )
    return {key: _money(value) for key, value in row.items()}


class Median(Aggregate):
    """PostgreSQL's PERCENTILE_CONT(0.5): the middle value, or the mean of the two middle ones
    (linear interpolation halfway) — an ordered-set aggregate, so it also takes a FILTER."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def _has_percentile() -> bool:
    return connection.vendor == "postgresql"


def _month_of(field: str, months: list) -> Case:
    """The month (1–12) of the year in which `field` falls, 0 before the year, 13 after it,
    NULL when unset: one CASE of thirteen comparisons per row, where twelve filtered counts
    per event took twice as long over a city's projects (docs/performance.md)."""
    whens = [When(**{f"{field}__lt": months[0]}, then=Value(0))]
    whens += [When(**{f"{field}__lt": months[m]}, then=Value(m)) for m in range(1, 13)]
    whens.append(When(**{f"{field}__isnull": False}, then=Value(13)))
    return Case(*whens, default=None, output_field=IntegerField())


# The dates the trends count projects by, with the state a project must be in to count.
EVENTS = {
    "published": ("published_at", None),
    "awarded": ("awarded_at", None),
    "completed": ("closed_at", S.COMPLETED),
}


def _project_activity(projects, year: int, months: list) -> dict:
    """Two queries for everything counted on the scope's projects: one pass grouping them by
    status, by whether they are of the year and by the month each event fell in (a few
    hundred groups, summed here) — projects of the year by status, and per month the projects
    published, awarded and completed (by those dates, whatever the project's year); then the
    median wait for an award of the year's projects."""
    of_year = Q(year=year)
    awarded = of_year & Q(awarded_at__isnull=False, published_at__isnull=False)
    wait = ExpressionWrapper(F("awarded_at") - F("published_at"), output_field=DurationField())
    relevant = of_year
    for field, state in EVENTS.values():
        condition = Q(**{f"{field}__gte": months[0], f"{field}__lt": months[12]})
        relevant |= condition & Q(status=state) if state else condition
    rows = (
        projects.filter(relevant)
        .annotate(
            of_year=ExpressionWrapper(of_year, output_field=BooleanField()),
            **{f"{event}_month": _month_of(field, months) for event, (field, _s) in EVENTS.items()},
        )
        .values("status", "of_year", *(f"{event}_month" for event in EVENTS))
        .annotate(n=Count("id"))
    )
    by_status = dict.fromkeys(S.values, 0)
    trends = {event: [0] * 12 for event in EVENTS}
    awarded_count = 0
    for row in rows:
        if row["of_year"]:
            by_status[row["status"]] += row["n"]
            if row["awarded_month"] is not None and row["published_month"] is not None:
                awarded_count += row["n"]
        for event, (_field, state) in EVENTS.items():
            month = row[f"{event}_month"]
            if month is not None and 1 <= month <= 12 and state in (None, row["status"]):
                trends[event][month - 1] += row["n"]
    if _has_percentile():
        median = projects.filter(awarded).aggregate(
            median=Median(wait, output_field=DurationField())
        )["median"]
    else:
        median = _middle_wait(projects.filter(awarded), wait, awarded_count)
    return {
        "by_status": by_status,
        "median_days_to_award": _days(median),
        "trends": {f"projects_{event}": trends[event] for event in EVENTS},
    }


def _middle_wait(projects, wait, count: int) -> timedelta | None:
    """The median wait without PERCENTILE_CONT: the database sorts the waits and returns only
    the one or two middle ones (an offset), so no list of every project reaches Python."""
    low, high = (count - 1) // 2, count // 2
    waits = list(
        projects.annotate(wait=wait)
        .order_by("wait", "id")
        .values_list("wait", flat=True)[max(low, 0) : high + 1]
    )
    if not count or not waits:
        return None
    return sum(waits, timedelta()) / len(waits)


def _days(wait: timedelta | None) -> float | None:
    if wait is None:
        return None
    days = Decimal(wait.total_seconds()) / Decimal(86400)
    return float(days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# --- overdue ------------------------------------------------------------------------------
def _overdue(projects, now: datetime) -> dict:
    """Three lists of projects needing attention, each one query: the total comes from a
    window COUNT(*) OVER () on the same rows as the first OVERDUE_ITEMS items."""
    live_bids = Bid.objects.filter(project_id=OuterRef("pk")).exclude(status=BidStatus.WITHDRAWN)
    last_report = (
        ProgressReport.objects.filter(project_id=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    report_cutoff = now - timedelta(days=settings.PROGRESS_REPORT_INTERVAL_DAYS)
    acceptance_cutoff = now - timedelta(days=settings.ACCEPTANCE_DUE_DAYS)
    return {
        "bidding_without_bids": _listing(
            projects.filter(status=S.FAILED)
            .filter(~Exists(live_bids))
            .annotate(since=Coalesce("closed_at", "bid_deadline")),
            now,
        ),
        "reports_late": _listing(
            projects.filter(status__in=(S.IN_PROGRESS, S.RECTIFICATION))
            .annotate(since=Coalesce(Subquery(last_report), "started_at"))
            .filter(since__lte=report_cutoff),
            now,
        ),
        "acceptance_pending": _listing(
            projects.filter(status=S.ACCEPTANCE, final_report_at__lte=acceptance_cutoff).annotate(
                since=F("final_report_at")
            ),
            now,
        ),
    }


def _listing(queryset, now: datetime) -> dict:
    """The total and the longest-waiting items; `since` is when the wait began."""
    rows = list(
        queryset.annotate(total=Window(Count("id")))
        .order_by(F("since").asc(nulls_last=True), "id")
        .values("id", "code", "title", "community__name", "since", "total")[:OVERDUE_ITEMS]
    )
    return {
        "count": rows[0]["total"] if rows else 0,
        "items": [
            {
                "id": row["id"],
                "code": row["code"],
                "title": row["title"],
                "community": row["community__name"],
                "days": (now - row["since"]).days if row["since"] else None,
            }
            for row in rows
        ],
    }


# --- numbers ------------------------------------------------------------------------------
def _share(part: int, whole: int) -> float | None:
    """part / whole to four places (half up), None when there is no whole."""
    if not whole:
        return None
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def _money(value) -> str:
    return str((value or Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP))
