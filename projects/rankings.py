"""The yearly ranking (排行榜 / 成绩单) and the public list of demonstration projects (示范项目).

Reads only; the definitions of every column are in docs/rankings.md. The database does the
aggregation in three grouped queries — projects, their supervision visits, their progress
reports, each grouped by the ranked unit — plus one for the names of streets or districts:
three or four queries whatever the number of projects or units. They return integer sums and
counts only; the means, rates and the service power are then divided out exactly (integers)
and rounded half up, so SQLite and PostgreSQL give the same figures to the last digit.
"""

import math
from decimal import Decimal
from fractions import Fraction

from django.db import models
from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Concat, Substr
from django.utils.translation import gettext_lazy as _

from communities.models import Region, ServiceCategory
from communities.selectors import category_with_children
from core import regions
from core.errors import ValidationFailed

from .choices import ProjectStatus
from .models import ProgressReport, Project, SupervisionVisit

S = ProjectStatus


class RankingLevel(models.TextChoices):
    COMMUNITY = "community", _("Communities")
    STREET = "street", _("Streets")
    DISTRICT = "district", _("Districts")
    ORG = "org", _("Organizations")


# Region levels group by the first digits of the community's region code, padded back to a
# 12-digit code: a street is code[:9] + "000", a district code[:6] + "000000".
_PREFIX = {
    RankingLevel.STREET: regions.PREFIX_LENGTH[regions.STREET],
    RankingLevel.DISTRICT: regions.PREFIX_LENGTH[regions.DISTRICT],
}

_DONE = Q(status=S.COMPLETED)


def _unit(level: str, path: str = "") -> dict:
    """The values() grouping rows by the ranked unit; `path` leads from a row to its project."""
    if level == RankingLevel.COMMUNITY:
        return {"unit": F(f"{path}community_id")}
    if level == RankingLevel.ORG:
        return {"unit": F(f"{path}awarded_bid__org_id")}
    length = _PREFIX[level]
    zeros = Value("0" * (12 - length))
    return {"unit": Concat(Substr(f"{path}community__region_id", 1, length), zeros)}


def _scope(year: int, level: str, within: str | None, path: str = "") -> Q:
    """The projects of the year (and of the region); for organizations only awarded ones —
    a project that failed in bidding has no organization and counts for no one."""
    query = Q(**{f"{path}year": year})
    if within is not None:
        prefix = regions.prefix_of(within)
        query &= Q(**{f"{path}community__region__code__startswith": prefix})
    if level == RankingLevel.ORG:
        query &= Q(**{f"{path}awarded_bid__isnull": False})
    return query


def _project_figures(year: int, level: str, within: str | None) -> list[dict]:
    """Per unit: counts, the acceptance score sum and count, and the on-time count."""
    projects = Project.objects.filter(
        _scope(year, level, within), status__in=(S.COMPLETED, S.FAILED)
    ).order_by()
    names = {}
    if level == RankingLevel.COMMUNITY:
        names = {"region_code": F("community__region_id"), "name": F("community__name")}
    elif level == RankingLevel.ORG:
        names = {"name": F("awarded_bid__org__name")}
    return list(
        projects.values(**_unit(level), **names).annotate(
            completed=Count("id", filter=_DONE),
            failed=Count("id", filter=Q(status=S.FAILED)),
            score_sum=Sum("acceptance_score", filter=_DONE),
            score_count=Count("acceptance_score", filter=_DONE),
            # On time: the organization filed its final report by the end of the service
            # period (acceptance follows at the officials' pace, so it is not the measure).
            # `__date` is the local (Asia/Shanghai) date: Django converts with the current
            # time zone.
            on_time=Count(
                "id",
                filter=_DONE
                & (Q(period_end__isnull=True) | Q(final_report_at__date__lte=F("period_end"))),
            ),
        )
    )


def _delivery_figures(model, year: int, level: str, within: str | None, **sums) -> dict:
    """Per unit: sums over the visits or reports of the completed projects, keyed by unit.

    Grouped from the visits' (reports') side rather than joined to the project query, where
    each project would repeat once per visit times once per report and inflate every sum.
    (Correlated per-project subqueries avoid that too, but cost an index probe per project
    and per figure, and their cost estimate turns PostgreSQL's JIT on: 1.3 s instead of
    0.3 s for a whole city at 100,000 projects.)
    """
    rows = (
        model.objects.filter(_scope(year, level, within, "project__"), project__status=S.COMPLETED)
        .order_by()
        .values(**_unit(level, "project__"))
        .annotate(**sums)
    )
    return {row.pop("unit"): row for row in rows}


def _round(numerator: int, denominator: int, places: int) -> str | None:
    """numerator / denominator rounded half up (the figures are never negative) as decimal
    text, None without a denominator. Integer arithmetic only: exact, and quick enough for
    thousands of rows (Fraction arithmetic took ~0.2 s for the organizations of a city)."""
    if not denominator:
        return None
    scaled = (2 * (numerator or 0) * 10**places + denominator) // (2 * denominator)
    return str(Decimal(scaled).scaleb(-places))


def _power_ratio(
    score: tuple[int, int], rating: tuple[int, int], on_time: tuple[int, int], completed: int
) -> tuple[int, int]:
    """service_power() as an exact numerator / denominator, from the sums and counts behind
    each mean (sum, count): 0.40·S/n = 2S/5n, 0.20·(R/m − 1)/4·100 = 5(R − m)/m,
    0.20·T/c·100 = 20T/c, 0.20·min(c, 5)/5·100 = 4·min(c, 5); a term without a count is 0."""
    terms = [(4 * min(completed, 5), 1)]
    (s, n), (r, m), (t, c) = score, rating, on_time
    if n:
        terms.append((2 * (s or 0), 5 * n))
    if m:
        terms.append((5 * ((r or 0) - m), m))
    if c:
        terms.append((20 * (t or 0), c))
    denominator = math.prod(d for _, d in terms)
    return sum(t * (denominator // d) for t, d in terms), denominator


def service_power(
    *,
    acceptance_mean: Fraction | None,
    rating_mean: Fraction | None,
    on_time_rate: Fraction | None,
    completed: int,
) -> Fraction:
    """An organization's service power (服务力), 0–100:

        0.40 · acceptance_mean                      (acceptance score, 0–100)
      + 0.20 · (rating_mean − 1) / 4 · 100          (supervision rating 1–5 mapped onto 0–100)
      + 0.20 · on_time_rate · 100                   (share reported by the end of the period)
      + 0.20 · min(completed, 5) / 5 · 100          (volume, saturating at five projects)

    A missing figure (no completed project, no visit) contributes 0 to its term. Computed
    exactly from the unrounded figures; the caller rounds the total. rankings() computes the
    same from the sums and counts in integers (_power_ratio; a test holds them equal).
    """
    total = Fraction(0)
    if acceptance_mean is not None:
        total += Fraction(40, 100) * acceptance_mean
    if rating_mean is not None:
        total += Fraction(20, 100) * (rating_mean - 1) / 4 * 100
    if on_time_rate is not None:
        total += Fraction(20, 100) * on_time_rate * 100
    total += Fraction(20, 100) * Fraction(min(completed, 5), 5) * 100
    return total


def _check(year, level, within) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        raise ValidationFailed(
            _("The year must be a number such as 2026."),
            fields={"year": [_("Enter a year such as 2026.")]},
        )
    if level not in RankingLevel.values:
        raise ValidationFailed(
            _("Rank communities, streets, districts or organizations."),
            fields={"level": [_("One of: %(levels)s.") % {"levels": ", ".join(RankingLevel)}]},
        )
    if within is not None and not regions.is_valid_code(within):
        raise ValidationFailed(
            _("The region is a 12-digit division code."),
            fields={"within": [_("A region code has exactly 12 digits.")]},
        )


def _region_names(level: str, within: str | None) -> dict[str, str]:
    """Names of the streets or districts the ranking can contain (one query, no IN list)."""
    length = _PREFIX[level]
    prefix = regions.prefix_of(within)[:length] if within is not None else ""
    rows = Region.objects.filter(level=level, code__startswith=prefix).values_list("code", "name")
    return dict(rows)


def _desc(value: str | None):
    """Sort key: larger first, missing last (the figures are decimal text)."""
    return (value is None, -Decimal(value) if value is not None else 0)


def rankings(*, year: int, level: str, within: str | None = None) -> list[dict]:
    """The ranking of `level` units for `year`, over projects within `within` when given.

    Each row: rank, unit (community or organization id; street or district code), code
    (the region code; None for organizations), name, completed, failed, acceptance_mean,
    rating_mean, beneficiaries, on_time_rate and, for organizations only, service_power.
    Decimals are text ("85.33"), counts integers, a missing mean None.

    Order — organizations: service_power desc; regions: completed desc. Then, for all:
    acceptance_mean desc (missing last), beneficiaries desc, and the unit's code (regions) or
    id (organizations) ascending. Ties are judged on the figures as shown (rounded), so two
    rows that look equal are ordered by code/id. Ranks are 1, 2, 3… in that order: equal
    figures still get distinct consecutive ranks.
    """
    _check(year, level, within)
    grouped = _project_figures(year, level, within)
    visits = _delivery_figures(
        SupervisionVisit, year, level, within, rating_sum=Sum("rating"), rating_count=Count("id")
    )
    served = _delivery_figures(
        ProgressReport, year, level, within, beneficiaries=Sum("beneficiaries_served")
    )
    names = _region_names(level, within) if level in _PREFIX else {}
    rows = []
    for group in grouped:
        unit = group["unit"]
        visit = visits.get(unit, {"rating_sum": 0, "rating_count": 0})
        acceptance = (group["score_sum"], group["score_count"])
        rating = (visit["rating_sum"], visit["rating_count"])
        on_time = (group["on_time"], group["completed"])
        row = {
            "unit": unit,
            "code": group.get("region_code", unit if level in _PREFIX else None),
            "name": group.get("name") or names.get(unit, unit),
            "completed": group["completed"],
            "failed": group["failed"],
            "acceptance_mean": _round(*acceptance, 2),
            "rating_mean": _round(*rating, 2),
            "beneficiaries": served.get(unit, {}).get("beneficiaries") or 0,
            "on_time_rate": _round(*on_time, 4),
        }
        if level == RankingLevel.ORG:
            power = _power_ratio(acceptance, rating, on_time, group["completed"])
            row["service_power"] = _round(*power, 2)
        rows.append(row)

    if level == RankingLevel.ORG:
        rows.sort(
            key=lambda r: (
                _desc(r["service_power"]),
                _desc(r["acceptance_mean"]),
                -r["beneficiaries"],
                r["unit"],
            )
        )
    else:
        rows.sort(
            key=lambda r: (
                -r["completed"],
                _desc(r["acceptance_mean"]),
                -r["beneficiaries"],
                r["code"],
            )
        )
    return [{"rank": position, **row} for position, row in enumerate(rows, start=1)]


def ranking_years() -> list[int]:
    """The years that have a ranking (a completed or failed project), newest first: what the
    rankings page offers, and where it and the API start when no year is asked for."""
    years = (
        Project.objects.filter(status__in=(S.COMPLETED, S.FAILED))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return list(years)


# --- demonstration projects (示范项目) --------------------------------------------------------


def demonstration_years() -> list[int]:
    """The years that have a demonstration project, newest first (the public list's filter)."""
    years = (
        Project.objects.filter(status=S.COMPLETED, demonstration=True)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return list(years)


def demonstration_projects(year: int | None = None, category=None) -> QuerySet[Project]:
    """Completed projects designated as demonstrations: public (信息公开).

    Newest first — by project year, then the most recent designation — and annotated with
    `category_root_id` (the project's top-level category) for grouping; `category` (a
    ServiceCategory or its id) keeps that category and, for a top-level one, its children.
    """
    projects = (
        Project.objects.filter(status=S.COMPLETED, demonstration=True)
        .select_related(
            "community",
            "community__region",
            "category",
            "category__parent",
            "awarded_bid__org",
        )
        .annotate(category_root_id=Coalesce("category__parent_id", "category_id"))
        .order_by("-year", F("demonstration_at").desc(nulls_last=True), "-id")
    )
    if year is not None:
        projects = projects.filter(year=year)
    if category is not None:
        if not isinstance(category, ServiceCategory):
            category = ServiceCategory(pk=category)
        projects = projects.filter(category_with_children(category))
    return projects
