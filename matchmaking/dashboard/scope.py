"""What a dashboard is of: a region (a code-prefix subtree) and a calendar year.

The year is local (Asia/Shanghai): its months start at local midnight, so a need published at
00:30 on 1 January counts in the new year although it is still the old one in UTC.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Region
from communities.selectors import within_q
from core import regions
from core.errors import ValidationFailed

MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class Scope:
    code: str
    name: str
    level: str
    # Length of the code prefix that names a sub-region (a gap column): 6 for the districts
    # of a city, 9 for the streets of a district, 12 for the communities of a street and for
    # a community itself.
    column_length: int
    breadcrumb: list
    children: list  # the sub-regions to drill into (none below a community)
    columns: list  # the gap table's columns: the children, or the community itself

    def q(self, field: str) -> Q:
        """Rows whose `field` (a region code) lies in the scope."""
        return within_q(field, [self.code])


def check_year(year) -> None:
    """A calendar year as an int (a bool or "2026" is refused: the API parses its input)."""
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        message = _("The year is a number from %(min)s to %(max)s.") % {
            "min": MIN_YEAR,
            "max": MAX_YEAR,
        }
        raise ValidationFailed(message, fields={"year": [message]})


def resolve_scope(within) -> Scope:
    """The scope region with its ancestors (the breadcrumb, from the city down) and its
    children (the sub-regions): one query."""
    if not isinstance(within, str) or not regions.is_valid_code(within):
        message = _("A region code has exactly 12 digits.")
        raise ValidationFailed(message, fields={"within": [message]})
    above = regions.ancestors(within)
    rows = {
        code: (name, level, parent)
        for code, name, level, parent in Region.objects.filter(
            Q(code__in=[within, *above]) | Q(parent_id=within)
        ).values_list("code", "name", "level", "parent_id")
    }
    if within not in rows:
        message = _("There is no region with this code.")
        raise ValidationFailed(message, fields={"within": [message]})
    name, level, _parent = rows[within]
    depth = regions.LEVELS.index(level)
    city = regions.LEVELS.index(regions.CITY)
    trail = [
        code
        for code in reversed(above)
        if code in rows and regions.LEVELS.index(rows[code][1]) >= city
    ]
    breadcrumb = [
        {"code": code, "name": rows[code][0], "level": rows[code][1]} for code in [*trail, within]
    ]
    children = [
        {"code": code, "name": row[0]} for code, row in sorted(rows.items()) if row[2] == within
    ]
    below = regions.LEVELS[min(depth + 1, len(regions.LEVELS) - 1)]
    community = level == regions.COMMUNITY
    return Scope(
        code=within,
        name=name,
        level=level,
        column_length=regions.PREFIX_LENGTH[below],
        breadcrumb=breadcrumb,
        children=[] if community else children,
        columns=[{"code": within, "name": name}] if community else children,
    )


def month_starts(year: int) -> list[datetime]:
    """The local midnights starting each month of the year, and the next New Year."""
    starts = [timezone.make_aware(datetime(year, month, 1)) for month in range(1, 13)]
    return [*starts, timezone.make_aware(datetime(year + 1, 1, 1))]


def in_month(field: str, months: list, month: int) -> Q:
    """`field` (an aware datetime) falls in `month` (1–12) of month_starts()."""
    return Q(**{f"{field}__gte": months[month - 1], f"{field}__lt": months[month]})
