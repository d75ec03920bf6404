"""What goes into each report: the entries of a year and a region, grouped into sections.

One function per kind returns a `ReportData` — plain Python values, no model instances — that
both renderers (PDF and XLSX) read. Each handbook is a handful of queries whatever its size:
the rows themselves through `values()` (no model instances for 6,000 needs), the many-to-many
labels (target groups, service areas, eligible categories) through one query on the M2M table
filtered by the same rows as a subquery (no IN list of thousands of ids), and the small
reference tables (categories, target groups) once.

Which rows, and how they are grouped:

- **needs** (社区服务需求手册): needs of communities in the region whose service period starts
  in the year and that have left the draft state (published, matched, closed — what the public
  may read), in one section per top-level service category; a need filed under a child
  category sits in its parent's section with the child named on the entry.
- **supply** (社会组织服务供给手册): published offerings of verified organizations that are
  either registered in the region or whose service area reaches into it (an area covering the
  region, like a city-wide offer in a street's handbook, or lying inside it), published before
  the end of the year; sections by top-level category as for needs. Offerings carry no year:
  the handbook of a past year lists what is still offered and was already offered then.
- **resources** (项目资源手册): funding resources of the year, published or closed, whose region
  scope is the region, lies inside it, or covers it (city money that a street's projects may
  use). Grouped by **provider type** rather than by category: a resource's eligible categories
  are a set, usually empty ("any category"), so grouping by category would print most resources
  in every section or in an "any" bucket; the provider type is single-valued, and it is how the
  programme itself presents money (government purchase of services, the community benefit
  fund, the charity federation, caring enterprises, foundations).
- **ranking** (排行榜): `projects.rankings.rankings()` for the year within the region, one
  section per level below the region's own (a city: districts, streets, communities) plus the
  organizations.

Personal data stays out (PIPL): no names or phone numbers of staff, workers or contacts.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from communities.choices import NeedStatus
from communities.models import Region, ServiceCategory, ServiceNeed, TargetGroup
from communities.selectors import PUBLIC_NEED_STATUSES, category_tree
from core import regions
from orgs.choices import OfferingStatus
from orgs.models import ServiceOffering
from orgs.selectors import offerings_serving
from projects.choices import ProviderType, ResourceStatus
from projects.models import FundingResource
from projects.rankings import RankingLevel, rankings

from ..models import ReportKind

# Column kinds: how a value is written to a spreadsheet cell and shown in the PDF.
TEXT, INT, MONEY, SCORE, SHARE = "text", "int", "money", "score", "share"

Progress = Callable[[float], None]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    width: int = 14


@dataclass
class Section:
    """One chapter: a top-level category, a provider type or a ranking level."""

    key: str
    name: str
    entries: list[dict]
    columns: list[Column]
    amount: Decimal | None = None  # total money of the section, where the kind has money

    @property
    def count(self) -> int:
        return len(self.entries)


@dataclass
class ReportData:
    kind: str
    title: str
    year: int
    scope_code: str
    scope_name: str
    generated_at: datetime
    sections: list[Section] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)  # of a handbook's entries
    # The name of the grouping ("Service category", "Provider type", "Level").
    grouping: str = ""
    amount_label: str = ""

    @property
    def total(self) -> int:
        return sum(section.count for section in self.sections)

    @property
    def generated_on(self) -> date:
        return timezone.localtime(self.generated_at).date()


TITLES = dict(ReportKind.choices)


def collect(kind: str, scope: Region, year: int, *, progress: Progress | None = None):
    """The ReportData of `kind` for `scope` and `year`; `progress(0…1)` as it goes."""
    progress = progress or (lambda fraction: None)
    builders = {
        ReportKind.NEEDS_HANDBOOK: needs_handbook,
        ReportKind.SUPPLY_HANDBOOK: supply_handbook,
        ReportKind.RESOURCES_HANDBOOK: resources_handbook,
        ReportKind.RANKING: ranking_report,
    }
    return builders[kind](scope, year, progress)


def _data(kind: str, scope: Region, year: int, **kwargs) -> ReportData:
    return ReportData(
        kind=kind,
        title=str(TITLES[kind]),
        year=year,
        scope_code=scope.code,
        scope_name=scope.name,
        generated_at=timezone.now(),
        **kwargs,
    )


# --- categories and labels -------------------------------------------------------------------


class _Categories:
    """The two-level taxonomy in display order: each category's top-level root and position."""

    def __init__(self):
        self.rows: dict[int, ServiceCategory] = {}
        self.order: dict[int, int] = {}
        for position, category in enumerate(category_tree()):
            self.rows[category.pk] = category
            self.order[category.pk] = position

    def root(self, category_id: int) -> ServiceCategory:
        category = self.rows[category_id]
        return self.rows[category.parent_id] if category.parent_id else category

    def sub_label(self, category_id: int) -> str:
        """The child category's name, or "" for an entry filed under the top level."""
        category = self.rows[category_id]
        return category.label if category.parent_id else ""

    def sections(self, entries: list[dict], columns: list[Column]) -> list[Section]:
        """Entries (with `category_id`) grouped by top-level category, in taxonomy order."""
        groups: dict[int, list[dict]] = defaultdict(list)
        for entry in entries:
            groups[self.root(entry["category_id"]).pk].append(entry)
        sections = []
        for root_id in sorted(groups, key=self.order.__getitem__):
            root = self.rows[root_id]
            rows = groups[root_id]
            rows.sort(key=lambda e: self.order[e["category_id"]])  # stable: keeps the DB order
            for number, entry in enumerate(rows, start=1):
                entry["no"] = number
                entry["category"] = root.label
            sections.append(Section(key=root.code, name=root.label, entries=rows, columns=columns))
        return sections


def _labels(pairs, names: dict) -> dict[int, list[str]]:
    """(row id, related id) pairs → row id → the related names, in the names' order."""
    order = {key: position for position, key in enumerate(names)}
    grouped: dict[int, list] = defaultdict(list)
    for row_id, related_id in pairs:
        grouped[row_id].append(related_id)
    return {
        row_id: [names[key] for key in sorted(keys, key=order.__getitem__)]
        for row_id, keys in grouped.items()
    }


def _target_group_names() -> dict[int, str]:
    return {group.pk: group.label for group in TargetGroup.objects.order_by("sort_order", "code")}


def _money(value) -> str:
    return f"{Decimal(value):,.2f}"


def _prefix_q(field: str, scope: Region) -> Q:
    return Q(**{f"{field}__startswith": regions.prefix_of(scope.code)})


# --- needs ------------------------------------------------------------------------------------


def need_columns() -> list[Column]:
    return [
        Column("no", _("No."), INT, 6),
        Column("category", _("Category"), TEXT, 14),
        Column("subcategory", _("Subcategory"), TEXT, 14),
        Column("title", _("Title"), TEXT, 36),
        Column("community", _("Community"), TEXT, 16),
        Column("street", _("Street"), TEXT, 14),
        Column("district", _("District"), TEXT, 12),
        Column("target_groups", _("Target groups"), TEXT, 18),
        Column("beneficiaries", _("Beneficiaries"), INT, 10),
        Column("budget", _("Budget (yuan)"), MONEY, 14),
        Column("period", _("Service period"), TEXT, 24),
        Column("status", _("Status"), TEXT, 10),
        Column("description", _("Description"), TEXT, 60),
    ]


def needs_handbook(scope: Region, year: int, progress: Progress) -> ReportData:
    needs = ServiceNeed.objects.filter(
        _prefix_q("community__region__code", scope),
        status__in=PUBLIC_NEED_STATUSES,
        period_start__gte=date(year, 1, 1),
        period_start__lte=date(year, 12, 31),
    )
    categories = _Categories()
    groups = _labels(
        ServiceNeed.target_groups.through.objects.filter(serviceneed__in=needs.values("pk"))
        .order_by()
        .values_list("serviceneed_id", "targetgroup_id"),
        _target_group_names(),
    )
    progress(0.3)
    rows = needs.order_by("community__region_id", "pk").values(
        "pk",
        "title",
        "category_id",
        "beneficiaries",
        "budget",
        "period_start",
        "period_end",
        "status",
        "description",
        community_name=F("community__name"),
        street=F("community__region__parent__name"),
        district=F("community__region__parent__parent__name"),
    )
    statuses = dict(NeedStatus.choices)
    entries = []
    for row in rows.iterator(chunk_size=2000):
        target_groups = "、".join(groups.get(row["pk"], ()))
        period = f"{row['period_start']:%Y-%m-%d} – {row['period_end']:%Y-%m-%d}"
        subcategory = categories.sub_label(row["category_id"])
        entry = {
            "id": row["pk"],
            "category_id": row["category_id"],
            "subcategory": subcategory,
            "title": row["title"],
            "community": row["community_name"],
            "street": row["street"] or "",
            "district": row["district"] or "",
            "target_groups": target_groups,
            "beneficiaries": row["beneficiaries"],
            "budget": row["budget"],
            "period": period,
            "status": str(statuses.get(row["status"], row["status"])),
            "description": row["description"],
        }
        entry["meta"] = " · ".join(
            part
            for part in (
                subcategory,
                f"{entry['street']}{entry['community']}",
                target_groups,
                _("%(n)s beneficiaries") % {"n": row["beneficiaries"]},
                _("budget %(amount)s yuan") % {"amount": _money(row["budget"])},
                period,
            )
            if part
        )
        entries.append(entry)
    progress(0.8)
    columns = need_columns()
    sections = categories.sections(entries, columns)
    for section in sections:
        section.amount = sum((e["budget"] for e in section.entries), Decimal(0))
    progress(1.0)
    return _data(
        ReportKind.NEEDS_HANDBOOK,
        scope,
        year,
        sections=sections,
        columns=columns,
        grouping=_("Service category"),
        amount_label=_("Total budget (yuan)"),
    )


# --- supply -----------------------------------------------------------------------------------


def supply_columns() -> list[Column]:
    return [
        Column("no", _("No."), INT, 6),
        Column("category", _("Category"), TEXT, 14),
        Column("subcategory", _("Subcategory"), TEXT, 14),
        Column("title", _("Title"), TEXT, 32),
        Column("org", _("Organization"), TEXT, 30),
        Column("grade", _("Evaluation grade"), TEXT, 8),
        Column("org_region", _("Registered in"), TEXT, 12),
        Column("target_groups", _("Target groups"), TEXT, 18),
        Column("service_area", _("Service area"), TEXT, 24),
        Column("capacity", _("Capacity"), INT, 8),
        Column("workers", _("Social workers"), INT, 8),
        Column("price_min", _("Minimum price (yuan)"), MONEY, 14),
        Column("price_max", _("Maximum price (yuan)"), MONEY, 14),
        Column("description", _("Description"), TEXT, 60),
    ]


def _offerings(scope: Region, year: int):
    """Published offerings of verified orgs registered in or serving the region, by the year."""
    end = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min))
    published = ServiceOffering.objects.filter(
        status=OfferingStatus.PUBLISHED, org__verified=True, published_at__lt=end
    )
    serving = offerings_serving(published, scope.code).values("pk")
    return published.filter(_prefix_q("org__region__code", scope) | Q(pk__in=serving))


def supply_handbook(scope: Region, year: int, progress: Progress) -> ReportData:
    offerings = _offerings(scope, year)
    categories = _Categories()
    selected = offerings.values("pk")
    groups = _labels(
        ServiceOffering.target_groups.through.objects.filter(serviceoffering__in=selected)
        .order_by()
        .values_list("serviceoffering_id", "targetgroup_id"),
        _target_group_names(),
    )
    area_rows = (
        ServiceOffering.service_area.through.objects.filter(serviceoffering__in=selected)
        .order_by("region_id")
        .values_list("serviceoffering_id", "region_id", "region__name")
    )
    areas: dict[int, list[str]] = defaultdict(list)
    for offering_id, _code, name in area_rows:
        areas[offering_id].append(name)
    progress(0.3)
    workers = dict(
        ServiceOffering.workers.through.objects.filter(serviceoffering__in=selected)
        .order_by()
        .values("serviceoffering_id")
        .annotate(n=Count("socialworker_id"))
        .values_list("serviceoffering_id", "n")
    )
    rows = offerings.order_by("org__name", "pk").values(
        "pk",
        "title",
        "category_id",
        "capacity",
        "price_min",
        "price_max",
        "description",
        org_name=F("org__name"),
        org_grade=F("org__grade"),
        org_region=F("org__region__name"),
    )
    entries = []
    for row in rows.iterator(chunk_size=2000):
        subcategory = categories.sub_label(row["category_id"])
        target_groups = "、".join(groups.get(row["pk"], ()))
        service_area = "、".join(areas.get(row["pk"], ()))
        entry = {
            "id": row["pk"],
            "category_id": row["category_id"],
            "subcategory": subcategory,
            "title": row["title"],
            "org": row["org_name"],
            "grade": row["org_grade"] or "",
            "org_region": row["org_region"] or "",
            "target_groups": target_groups,
            "service_area": service_area,
            "capacity": row["capacity"],
            "workers": workers.get(row["pk"], 0),
            "price_min": row["price_min"],
            "price_max": row["price_max"],
            "description": row["description"],
        }
        grade = f"（{entry['grade']}）" if entry["grade"] else ""
        entry["meta"] = " · ".join(
            part
            for part in (
                subcategory,
                f"{row['org_name']}{grade}",
                target_groups,
                _("serves %(area)s") % {"area": service_area} if service_area else "",
                _("%(min)s – %(max)s yuan")
                % {"min": _money(row["price_min"]), "max": _money(row["price_max"])},
                _("capacity %(n)s") % {"n": row["capacity"]},
            )
            if part
        )
        entries.append(entry)
    progress(0.8)
    columns = supply_columns()
    sections = categories.sections(entries, columns)
    progress(1.0)
    return _data(
        ReportKind.SUPPLY_HANDBOOK,
        scope,
        year,
        sections=sections,
        columns=columns,
        grouping=_("Service category"),
    )


# --- resources --------------------------------------------------------------------------------


def resource_columns() -> list[Column]:
    return [
        Column("no", _("No."), INT, 6),
        Column("category", _("Provider type"), TEXT, 18),
        Column("title", pgettext("report column", "Name"), TEXT, 36),
        Column("provider", _("Provider"), TEXT, 22),
        Column("region", _("Region scope"), TEXT, 14),
        Column("community", _("Community"), TEXT, 14),
        Column("amount", pgettext("report column", "Amount (yuan)"), MONEY, 16),
        Column("committed", _("Committed (yuan)"), MONEY, 16),
        Column("available", _("Available (yuan)"), MONEY, 16),
        Column("categories", _("Eligible categories"), TEXT, 30),
        Column("status", _("Status"), TEXT, 10),
        Column("description", _("Description"), TEXT, 60),
    ]


def resources_handbook(scope: Region, year: int, progress: Progress) -> ReportData:
    covering = regions.ancestors(scope.code)
    resources = FundingResource.objects.filter(
        _prefix_q("region__code", scope) | Q(region_id__in=covering),
        year=year,
        status__in=(ResourceStatus.PUBLISHED, ResourceStatus.CLOSED),
    )
    category_names = {c.pk: c.label for c in category_tree()}
    eligible = _labels(
        FundingResource.categories.through.objects.filter(
            fundingresource__in=resources.values("pk")
        )
        .order_by()
        .values_list("fundingresource_id", "servicecategory_id"),
        category_names,
    )
    progress(0.3)
    rows = resources.order_by("region_id", "-amount", "pk").values(
        "pk",
        "name",
        "provider_type",
        "provider_name",
        "amount",
        "committed",
        "status",
        "description",
        region_name=F("region__name"),
        community_name=F("community__name"),
    )
    statuses = dict(ResourceStatus.choices)
    groups: dict[str, list[dict]] = defaultdict(list)
    any_category = _("Any category")
    for row in rows.iterator(chunk_size=2000):
        names = "、".join(eligible.get(row["pk"], ())) or any_category
        available = row["amount"] - row["committed"]
        entry = {
            "id": row["pk"],
            "title": row["name"],
            "provider": row["provider_name"],
            "region": row["region_name"],
            "community": row["community_name"] or "",
            "amount": row["amount"],
            "committed": row["committed"],
            "available": available,
            "categories": names,
            "status": str(statuses.get(row["status"], row["status"])),
            "description": row["description"],
        }
        entry["meta"] = " · ".join(
            part
            for part in (
                row["provider_name"],
                row["region_name"] + (f"{row['community_name']}" if row["community_name"] else ""),
                _("amount %(amount)s yuan") % {"amount": _money(row["amount"])},
                _("available %(amount)s yuan") % {"amount": _money(available)},
                names,
            )
            if part
        )
        groups[row["provider_type"]].append(entry)
    progress(0.8)
    columns = resource_columns()
    sections = []
    for value, label in ProviderType.choices:
        entries = groups.get(value)
        if not entries:
            continue
        for number, entry in enumerate(entries, start=1):
            entry["no"] = number
            entry["category"] = str(label)
        sections.append(
            Section(
                key=value,
                name=str(label),
                entries=entries,
                columns=columns,
                amount=sum((e["amount"] for e in entries), Decimal(0)),
            )
        )
    progress(1.0)
    return _data(
        ReportKind.RESOURCES_HANDBOOK,
        scope,
        year,
        sections=sections,
        columns=columns,
        grouping=_("Provider type"),
        amount_label=_("Total amount (yuan)"),
    )


# --- ranking ----------------------------------------------------------------------------------


def ranking_levels(scope: Region) -> list[str]:
    """The levels ranked within a region: the region levels below it, then organizations."""
    below = {
        regions.PROVINCE: [RankingLevel.DISTRICT, RankingLevel.STREET, RankingLevel.COMMUNITY],
        regions.CITY: [RankingLevel.DISTRICT, RankingLevel.STREET, RankingLevel.COMMUNITY],
        regions.DISTRICT: [RankingLevel.STREET, RankingLevel.COMMUNITY],
        regions.STREET: [RankingLevel.COMMUNITY],
        regions.COMMUNITY: [],
    }[regions.level_of(scope.code)]
    return [*below, RankingLevel.ORG]


def ranking_columns(level: str) -> list[Column]:
    columns = [
        Column("rank", pgettext("report column", "Rank"), INT, 6),
        Column("name", pgettext("report column", "Name"), TEXT, 30),
    ]
    if level != RankingLevel.ORG:
        columns.append(Column("code", _("Region code"), TEXT, 14))
    columns += [
        Column("completed", _("Completed"), INT, 10),
        Column("failed", _("Failed"), INT, 8),
        Column("acceptance_mean", _("Acceptance score"), SCORE, 12),
        Column("rating_mean", _("Supervision rating"), SCORE, 12),
        Column("beneficiaries", _("Beneficiaries"), INT, 12),
        Column("on_time_rate", _("On time"), SHARE, 10),
    ]
    if level == RankingLevel.ORG:
        columns.append(Column("service_power", _("Service power"), SCORE, 12))
    return columns


def ranking_report(scope: Region, year: int, progress: Progress) -> ReportData:
    levels = ranking_levels(scope)
    sections = []
    for index, level in enumerate(levels, start=1):
        rows = rankings(year=year, level=level, within=scope.code)
        for row in rows:
            row["title"] = row["name"]
        sections.append(
            Section(
                key=level,
                name=str(RankingLevel(level).label),
                entries=rows,
                columns=ranking_columns(level),
            )
        )
        progress(index / len(levels))
    return _data(ReportKind.RANKING, scope, year, sections=sections, grouping=_("Level"))
