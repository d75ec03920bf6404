"""Service needs of communities, keyed by (community, title, period start)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.choices import NeedStatus
from communities.models import Community, ServiceNeed

from .. import cells, references
from ..base import (
    Context,
    Kind,
    RowReader,
    SheetPlan,
    changed,
    current_m2m,
    duplicate,
    fetch,
    m2m_change,
    outside,
)
from ..columns import Column, SheetSpec

PUBLISH_NOTE = gettext_lazy(
    "是 publishes it now; 否 or blank keeps it as it is (a new one is a draft)"
)
COLUMNS = (
    Column(
        "community_code",
        "社区区划代码",
        "community code",
        required=True,
        note=gettext_lazy("The 12-digit code of a community on the platform"),
        aliases=("区划代码", "社区代码", "region code"),
        example="430103002001",
    ),
    Column(
        "title",
        "需求标题",
        "title",
        required=True,
        aliases=("标题", "需求名称"),
        example="高龄独居老人助餐服务",
    ),
    Column(
        "category",
        "服务类别",
        "category",
        required=True,
        note=gettext_lazy("A category code or name from the list sheet"),
        aliases=("类别", "类别代码", "category code"),
        example="老年助餐",
    ),
    Column(
        "target_groups",
        "服务对象",
        "target groups",
        note=gettext_lazy("Names or codes separated by 、 or ;"),
        aliases=("对象", "目标人群"),
        example="老年人、残疾人",
    ),
    Column(
        "beneficiaries",
        "受益人数",
        "beneficiaries",
        note=gettext_lazy("A whole number"),
        example="120",
    ),
    Column(
        "budget",
        "预算（元）",
        "budget",
        required=True,
        note=gettext_lazy("Yuan, more than zero, at most two decimals"),
        aliases=("预算", "预算金额", "budget (yuan)"),
        example="50000",
    ),
    Column(
        "period_start",
        "开始日期",
        "period start",
        required=True,
        note=gettext_lazy("A date such as 2026-03-01; part of the natural key"),
        aliases=("开始时间", "start"),
        example="2026-03-01",
    ),
    Column(
        "period_end",
        "结束日期",
        "period end",
        required=True,
        note=gettext_lazy("Not before the start"),
        aliases=("结束时间", "end"),
        example="2026-12-31",
    ),
    Column("description", "需求描述", "description", aliases=("描述", "说明")),
    Column("publish", "发布", "publish", note=PUBLISH_NOTE, aliases=("是否发布",), example="是"),
)
FIELDS = {
    "title": "title",
    "beneficiaries": "beneficiaries",
    "budget": "budget",
    "period_start": "period_start",
    "period_end": "period_end",
    "description": "description",
}
CONSTRAINTS = {
    "need_budget_positive",
    "need_period_ordered",
    "need_status_valid",
    "need_published_has_date",
}
EDITABLE = (NeedStatus.DRAFT, NeedStatus.PUBLISHED)


class NeedsKind(Kind):
    key = "needs"
    label = gettext_lazy("Service needs")
    description = gettext_lazy("Needs of communities, by community, title and start date.")
    sheets = (SheetSpec("needs", "社区服务需求", "service needs", COLUMNS),)

    def plan(self, sheets, ctx: Context, report) -> list[SheetPlan]:
        sheet = sheets["needs"]
        plan = SheetPlan(ServiceNeed, report.sheet("needs").counts, history=True)
        vocabulary = references.Vocabulary()
        rows = []
        for row in sheet.rows:
            r = RowReader(sheet, row, report)
            code = r.get("community_code", cells.region_code, required=True)
            if code is not None and not ctx.allows(code):
                outside(r, "community_code", code)
            values = {
                "title": r.get("title", required=True),
                "category_id": r.lookup(
                    "category",
                    cells.text,
                    vocabulary.categories,
                    references.UNKNOWN_CATEGORY,
                    required=True,
                ),
                "beneficiaries": r.get("beneficiaries", cells.integer),
                "budget": r.get("budget", cells.money, positive=True, required=True),
                "period_start": r.get("period_start", cells.date, required=True),
                "period_end": r.get("period_end", cells.date, required=True),
                "description": r.get("description"),
            }
            groups = r.many("target_groups", vocabulary.groups, references.UNKNOWN_GROUP)
            rows.append((r, code, values, groups, r.get("publish", cells.boolean)))

        communities = {
            community.region_id: community.pk
            for community in fetch(
                lambda chunk: Community.objects.filter(region_id__in=chunk).only("id", "region"),
                {code for _r, code, *_rest in rows} - {None},
            )
        }
        existing = {
            (need.community_id, need.title, need.period_start): need
            for need in fetch(
                lambda chunk: ServiceNeed.objects.filter(community_id__in=chunk),
                set(communities.values()),
            )
        }
        keys = {
            key
            for r, code, values, *_rest in rows
            if (key := (communities.get(code), values["title"], values["period_start"])) in existing
        }
        groups_now = current_m2m(ServiceNeed, "target_groups", [existing[k].pk for k in keys])
        seen = {}
        for r, code, values, groups, publish in rows:
            community = communities.get(code)
            if code is not None and community is None:
                r.error(
                    "community_code",
                    _("no community with code %(code)s on the platform") % {"code": code},
                )
            if None in (community, values["title"], values["period_start"]):
                continue
            key = (community, values["title"], values["period_start"])
            if key in seen:
                duplicate(r, "title", seen[key])
                continue
            seen[key] = r.row.number
            instance = existing.get(key)
            if instance is None:
                instance = ServiceNeed(
                    community_id=community,
                    created_by=ctx.actor,
                    **{k: v for k, v in values.items() if v is not None},
                )
                fields = []
            else:
                fields = changed(instance, values)
                if (fields or m2m_change(groups, groups_now[instance.pk])) and (
                    instance.status not in EDITABLE
                ):
                    # need_update refuses it: a matched or closed need is part of the record.
                    r.error(
                        "title",
                        _("this need is %(status)s and can no longer be edited")
                        % {"status": instance.get_status_display()},
                    )
                for field in fields:
                    setattr(instance, field, values[field])
            if publish and instance.status == NeedStatus.DRAFT:
                instance.status, instance.published_at = NeedStatus.PUBLISHED, ctx.now
                fields += ["status", "published_at"]
            self.check(r, instance)
            if not r.ok:
                continue
            if instance._state.adding:
                plan.create(instance, {"target_groups": groups or []})
            else:
                plan.update_or_keep(
                    instance, fields, {"target_groups": m2m_change(groups, groups_now[instance.pk])}
                )
        return [plan]

    @staticmethod
    def check(r: RowReader, need: ServiceNeed) -> None:
        r.model_errors(need, FIELDS)
        # Check constraints: the budget (MinValueValidator above) and the period.
        start, end = need.period_start, need.period_end
        if start and end and end < start and "period_end" not in r.failed:
            r.error(
                "period_end",
                _("the period ends (%(end)s) before it starts (%(start)s)")
                % {"end": end, "start": start},
            )
