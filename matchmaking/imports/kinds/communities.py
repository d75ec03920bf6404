"""Communities by region code, with their figures; a new community's region is created under
its street (the division table stops at streets)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.choices import RegionLevel
from communities.models import Community, Region
from core import regions

from .. import cells
from ..base import Context, Kind, RowReader, SheetPlan, changed, duplicate, fetch, outside
from ..columns import Column, SheetSpec
from ..report import Counts

COUNT_NOTE = gettext_lazy("A whole number, 0 or more")
COLUMNS = (
    Column(
        "region_code",
        "社区区划代码",
        "community code",
        required=True,
        note=gettext_lazy("12 digits; its street must already be on the platform. The natural key"),
        aliases=("区划代码", "社区代码", "region code", "code"),
        example="430103002001",
    ),
    Column(
        "name", "社区名称", "name", required=True, aliases=("名称", "社区"), example="坡子街社区"
    ),
    Column("address", "地址", "address", aliases=("社区地址",), example="天心区坡子街1号"),
    Column("households", "户数", "households", note=COUNT_NOTE, example="3200"),
    Column(
        "residents",
        "居民人数",
        "residents",
        note=COUNT_NOTE,
        aliases=("人口", "常住人口"),
        example="9800",
    ),
    Column(
        "elderly",
        "60岁以上老年人数",
        "elderly",
        note=gettext_lazy("At most the residents"),
        aliases=("老年人数", "老年人"),
        example="2100",
    ),
    Column(
        "disabled",
        "残疾人数",
        "disabled",
        note=gettext_lazy("At most the residents"),
        aliases=("残疾人",),
        example="150",
    ),
    Column(
        "staff_total",
        "社区工作者人数",
        "staff",
        note=COUNT_NOTE,
        aliases=("工作人员数", "staff_total", "staff total"),
        example="12",
    ),
    Column(
        "staff_certified",
        "持证社工人数",
        "certified staff",
        note=gettext_lazy("At most the staff"),
        aliases=("staff_certified",),
        example="5",
    ),
    Column(
        "representatives_total",
        "居民代表人数",
        "residents' representatives",
        note=COUNT_NOTE,
        aliases=("representatives",),
        example="45",
    ),
)
NUMBERS = (
    "households",
    "residents",
    "elderly",
    "disabled",
    "staff_total",
    "staff_certified",
    "representatives_total",
)
# The check constraints of Community, as row rules: (part, whole, message).
LIMITS = (
    (
        "staff_certified",
        "staff_total",
        gettext_lazy("more certified social workers (%(part)s) than staff (%(whole)s)"),
    ),
    ("elderly", "residents", gettext_lazy("more elderly (%(part)s) than residents (%(whole)s)")),
    (
        "disabled",
        "residents",
        gettext_lazy("more residents with disabilities (%(part)s) than residents (%(whole)s)"),
    ),
)
CONSTRAINTS = {"community_certified_le_staff", "community_subgroups_le_residents"}


class CommunitiesKind(Kind):
    key = "communities"
    label = gettext_lazy("Communities")
    description = gettext_lazy(
        "Community profiles and figures, by community code; a new community's region is "
        "added under its street."
    )
    sheets = (SheetSpec("communities", "社区", "communities", COLUMNS),)

    def plan(self, sheets, ctx: Context, report) -> list[SheetPlan]:
        sheet = sheets["communities"]
        region_plan = SheetPlan(Region, Counts())
        plan = SheetPlan(Community, report.sheet("communities").counts)
        rows, seen = [], {}
        for row in sheet.rows:
            r = RowReader(sheet, row, report)
            code = r.get("region_code", cells.region_code, required=True)
            if code is not None:
                if regions.level_of(code) != regions.COMMUNITY:
                    r.error(
                        "region_code",
                        _(
                            "%(code)s is not a community code (a community's code does not end "
                            "in 000)"
                        )
                        % {"code": code},
                    )
                    code = None
                elif code in seen:
                    duplicate(r, "region_code", seen[code])
                else:
                    seen[code] = row.number
                if code is not None and not ctx.allows(code):
                    outside(r, "region_code", code)
            values = {"name": r.get("name", required=True), "address": r.get("address")}
            values.update({name: r.get(name, cells.integer) for name in NUMBERS})
            rows.append((r, code, values))

        codes = set(seen)
        known = {
            region.code: region
            for region in fetch(
                lambda chunk: Region.objects.filter(code__in=chunk),
                codes | {regions.parent_code(code) for code in codes},
            )
        }
        existing = {
            community.region_id: community
            for community in fetch(
                lambda chunk: Community.objects.filter(region_id__in=chunk), codes
            )
        }
        for r, code, values in rows:
            if code is None:
                continue
            region = known.get(code)
            if region is not None and region.level != RegionLevel.COMMUNITY:
                r.error(
                    "region_code", _("%(code)s is not a community on the platform") % {"code": code}
                )
            elif region is None:
                street = regions.parent_code(code)
                if street not in known:
                    r.error(
                        "region_code",
                        _("unknown street %(street)s: import the regions first")
                        % {"street": street},
                    )
                else:
                    region_plan.create(
                        Region(
                            code=code,
                            name=values["name"] or "",
                            level=RegionLevel.COMMUNITY,
                            parent_id=street,
                        )
                    )
            instance = existing.get(code)
            if instance is None:
                instance = Community(
                    region_id=code, **{k: v for k, v in values.items() if v is not None}
                )
                fields = []
            else:
                fields = changed(instance, values)
                for field in fields:
                    setattr(instance, field, values[field])
            r.model_errors(instance, {name: name for name in ("name", "address", *NUMBERS)})
            for part, whole, message in LIMITS:
                if getattr(instance, part) > getattr(instance, whole):
                    r.error(
                        part if r.present(part) else whole,
                        message
                        % {"part": getattr(instance, part), "whole": getattr(instance, whole)},
                    )
            if not r.ok:
                continue
            if instance._state.adding:
                plan.create(instance)
            else:
                plan.update_or_keep(instance, fields)
        return [region_plan, plan]
