"""Regions by their 12-digit code: streets and communities below the loaded division table."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.choices import RegionLevel
from communities.models import Region
from core import regions

from .. import cells, references
from ..base import Context, Kind, RowReader, SheetPlan, changed, duplicate, fetch, outside
from ..columns import Column, SheetSpec

COLUMNS = (
    Column(
        "code",
        "区划代码",
        "region code",
        required=True,
        note=gettext_lazy(
            "12 digits, e.g. 430103002001; the natural key: a code already on the "
            "platform is updated, not added twice"
        ),
        aliases=("代码", "统计用区划代码", "code"),
        example="430103002001",
    ),
    Column("name", "名称", "name", required=True, aliases=("区划名称",), example="坡子街社区"),
    Column(
        "parent_code",
        "上级区划代码",
        "parent code",
        note=gettext_lazy("Optional: follows from the code; if given it must match"),
        aliases=("上级代码",),
        example="430103002000",
    ),
    Column(
        "level",
        "层级",
        "level",
        note=gettext_lazy("Optional: follows from the code (省、市、区县、街道、社区)"),
        aliases=("级别",),
        example="社区",
    ),
)

CONSTRAINTS = {"region_level_valid"}
_ORDER = {level: index for index, level in enumerate(regions.LEVELS)}


class RegionsKind(Kind):
    key = "regions"
    label = gettext_lazy("Regions")
    description = gettext_lazy(
        "Streets and communities below the loaded division table, by 12-digit code."
    )
    sheets = (SheetSpec("regions", "区划", "regions", COLUMNS),)

    def plan(self, sheets, ctx: Context, report) -> list[SheetPlan]:
        sheet = sheets["regions"]
        plan = SheetPlan(Region, report.sheet("regions").counts)
        rows, seen = [], {}
        for row in sheet.rows:
            r = RowReader(sheet, row, report)
            code = r.get("code", cells.region_code, required=True)
            name = r.get("name", required=True)
            parent = r.get("parent_code", cells.region_code)
            level = r.get("level", references.region_level)
            if code is not None:
                if level is not None and level != regions.level_of(code):
                    r.error(
                        "level",
                        _("the code %(code)s denotes a %(derived)s, not a %(level)s")
                        % {
                            "code": code,
                            "derived": RegionLevel(regions.level_of(code)).label,
                            "level": RegionLevel(level).label,
                        },
                    )
                expected = regions.parent_code(code)
                if parent is not None and parent != expected:
                    r.error(
                        "parent_code",
                        _("by its code, the region above %(code)s is %(expected)s")
                        % {"code": code, "expected": expected},
                    )
                if code in seen:
                    duplicate(r, "code", seen[code])
                else:
                    seen[code] = row.number
                if not ctx.allows(code):
                    outside(r, "code", code)
            rows.append((r, code, name))

        wanted = set(seen) | {regions.parent_code(code) for code in seen} - {None}
        existing = {
            region.code: region
            for region in fetch(lambda chunk: Region.objects.filter(code__in=chunk), wanted)
        }
        for r, code, name in rows:
            if code is None:
                continue
            level = regions.level_of(code)
            parent = regions.parent_code(code)
            parent_known = parent is not None and (parent in existing or parent in seen)
            if not parent_known and level not in (regions.PROVINCE, regions.CITY):
                r.error(
                    "parent_code" if r.sheet.has("parent_code") else "code",
                    _("the region above, %(parent)s, is neither on the platform nor in this file")
                    % {"parent": parent},
                )
            values = {"name": name, "level": level, "parent_id": parent if parent_known else None}
            instance = existing.get(code)
            fields = ["name", "level"] if instance is None else changed(instance, values)
            if instance is None:
                instance = Region(code=code, **values)
            else:
                for field in fields:
                    setattr(instance, field, values[field])
            r.model_errors(instance, {"code": "code", "name": "name", "level": "level"})
            if not r.ok:
                continue
            if instance._state.adding:
                plan.create(instance)
            else:
                plan.update_or_keep(instance, fields)
        # Parents before children (the foreign key is checked at commit, but keep it tidy).
        plan.creates.sort(key=lambda region: (_ORDER[region.level], region.code))
        return [plan]
