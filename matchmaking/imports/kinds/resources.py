"""Funding resources, keyed by (name, year, provider)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import Community, Region
from core import regions
from projects.choices import ProviderType, ResourceStatus
from projects.models import FundingResource

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
from .fair import FairNames, fair_column, outside_fair
from .needs import PUBLISH_NOTE

COLUMNS = (
    Column(
        "name",
        "资源名称",
        "name",
        required=True,
        note=gettext_lazy("With the year and the provider, the natural key"),
        aliases=("名称", "项目资源名称"),
        example="2026年天心区政府购买社区服务项目资金",
    ),
    Column(
        "provider_type",
        "提供方类型",
        "provider type",
        required=True,
        note=gettext_lazy("政府购买服务、社区惠民项目资金、慈善会、爱心企业 or 基金会"),
        aliases=("资源类型", "类型"),
        example="政府购买服务",
    ),
    Column(
        "provider_name",
        "提供方",
        "provider",
        required=True,
        aliases=("提供方名称", "出资方", "provider name"),
        example="天心区民政局",
    ),
    Column("year", "年度", "year", required=True, aliases=("年份",), example="2026"),
    Column(
        "amount",
        "金额（元）",
        "amount",
        required=True,
        note=gettext_lazy("Yuan, more than zero, at most two decimals; 20万 is understood"),
        aliases=("金额", "资金金额", "amount (yuan)"),
        example="500000",
    ),
    Column(
        "region_code",
        "适用区划代码",
        "region code",
        required=True,
        note=gettext_lazy("Projects in this region and below may use the money"),
        aliases=("区划代码", "适用范围代码", "region scope"),
        example="430103000000",
    ),
    Column(
        "community_code",
        "社区区划代码",
        "community code",
        note=gettext_lazy(
            "Required for a community benefit fund: the community whose "
            "residents decide; inside the region"
        ),
        aliases=("社区代码", "community"),
        example="",
    ),
    Column(
        "categories",
        "适用服务类别",
        "categories",
        note=gettext_lazy("Category codes or names separated by 、; blank when any is eligible"),
        aliases=("服务类别", "类别"),
        example="居家养老、助残服务",
    ),
    Column("description", "说明", "description", aliases=("描述", "资源说明")),
    Column("publish", "发布", "publish", note=PUBLISH_NOTE, aliases=("是否发布",), example="是"),
    fair_column(required=False),
)
FIELDS = {n: n for n in ("name", "provider_type", "provider_name", "year", "amount", "description")}
CONSTRAINTS = {
    "resource_amount_positive",
    "resource_provider_valid",
    "community_fund_has_community",
    "resource_never_overspent",
    "resource_disbursed_within_committed",
    "one_community_fund_per_year",
}
# Fields that decide who may spend the money: frozen once some of it is committed.
FROZEN = ("region_id", "community_id", "provider_type")


class ResourcesKind(Kind):
    key = "resources"
    label = gettext_lazy("Funding resources")
    description = gettext_lazy("Money that can buy services, by name, year and provider.")
    sheets = (SheetSpec("resources", "项目资源", "funding resources", COLUMNS),)

    def plan(self, sheets, ctx: Context, report) -> list[SheetPlan]:
        sheet = sheets["resources"]
        plan = SheetPlan(FundingResource, report.sheet("resources").counts, history=True)
        vocabulary = references.Vocabulary()
        rows = []
        for row in sheet.rows:
            r = RowReader(sheet, row, report)
            values = {
                "name": r.get("name", required=True),
                "provider_type": r.get("provider_type", references.provider_type, required=True),
                "provider_name": r.get("provider_name", required=True),
                "year": r.get("year", cells.year, required=True),
                "amount": r.get("amount", cells.money, positive=True, required=True),
                "region_id": r.get("region_code", cells.region_code, required=True),
                "description": r.get("description"),
            }
            community = r.get("community_code", cells.region_code)
            categories = r.many("categories", vocabulary.categories, references.UNKNOWN_CATEGORY)
            publish = r.get("publish", cells.boolean)
            rows.append((r, values, community, categories, publish, r.get("fair")))

        known = {
            region.code
            for region in fetch(
                lambda chunk: Region.objects.filter(code__in=chunk).only("code"),
                {row[1]["region_id"] for row in rows} - {None},
            )
        }
        communities = {
            community.region_id: community.pk
            for community in fetch(
                lambda chunk: Community.objects.filter(region_id__in=chunk).only("id", "region"),
                {row[2] for row in rows} - {None},
            )
        }
        existing = {
            (resource.name, resource.year, resource.provider_name): resource
            for resource in fetch(
                lambda chunk: FundingResource.objects.filter(name__in=chunk),
                {row[1]["name"] for row in rows} - {None},
            )
        }
        # one_community_fund_per_year: the funds already there for these communities.
        funds = {
            (community, year): pk
            for pk, community, year in fetch(
                lambda chunk: FundingResource.objects.filter(
                    provider_type=ProviderType.COMMUNITY_FUND, community_id__in=chunk
                ).values_list("pk", "community_id", "year"),
                set(communities.values()),
            )
        }
        fairs = FairNames(row[5] for row in rows)
        categories_now = current_m2m(
            FundingResource, "categories", [resource.pk for resource in existing.values()]
        )
        seen, funds_in_file = {}, {}
        for r, values, community_code, categories, publish, fair_name in rows:
            region = values["region_id"]
            fair = fairs.resolve(r, "fair", fair_name)
            if (
                fair is not None
                and region is not None
                and not regions.is_within(region, fair.region_id)
            ):
                # resource_create: the resource's region lies within the fair's region.
                outside_fair(r, "fair", region, fair)
            values["fair_id"] = fair.pk if fair is not None else None
            if region is not None:
                if region not in known:
                    r.error("region_code", _("unknown region code %(code)s") % {"code": region})
                elif not ctx.allows(region):
                    outside(r, "region_code", region)
            community = communities.get(community_code)
            if community_code is not None:
                if community is None:
                    r.error(
                        "community_code",
                        _("no community with code %(code)s on the platform")
                        % {"code": community_code},
                    )
                elif region is not None and not regions.is_within(community_code, region):
                    # resource_create: the community lies inside the resource's region.
                    r.error(
                        "community_code",
                        _("the community %(community)s lies outside the region %(region)s")
                        % {"community": community_code, "region": region},
                    )
            if values["provider_type"] == ProviderType.COMMUNITY_FUND and community_code is None:
                r.error("community_code", _("a community benefit fund needs its community"))
            key = (values["name"], values["year"], values["provider_name"])
            if None in key:
                continue
            if key in seen:
                duplicate(r, "name", seen[key])
                continue
            seen[key] = r.row.number
            values["community_id"] = community
            instance = existing.get(key)
            if instance is None:
                instance = FundingResource(
                    created_by=ctx.actor, **{k: v for k, v in values.items() if v is not None}
                )
                fields, change = [], None
            else:
                if not ctx.allows(instance.region_id):
                    r.error(
                        "name", _("this resource belongs to a region outside your jurisdiction")
                    )
                fields = changed(instance, values)
                change = m2m_change(categories, categories_now[instance.pk])
                self._spent(r, instance, values, fields)
                for field in fields:
                    setattr(instance, field, values[field])
            if instance.provider_type == ProviderType.COMMUNITY_FUND and instance.community_id:
                slot = (instance.community_id, instance.year)
                other = funds.get(slot)
                if (other is not None and other != instance.pk) or slot in funds_in_file:
                    r.error(
                        "community_code",
                        _("this community already has a benefit fund in %(year)s")
                        % {"year": instance.year},
                    )
                funds_in_file.setdefault(slot, r.row.number)
            if publish and instance.status == ResourceStatus.DRAFT:
                instance.status, instance.published_at = ResourceStatus.PUBLISHED, ctx.now
                fields += ["status", "published_at"]
            r.model_errors(instance, FIELDS)
            if not r.ok:
                continue
            if instance._state.adding:
                plan.create(instance, {"categories": categories or []})
            else:
                plan.update_or_keep(instance, fields, {"categories": change})
        return [plan]

    @staticmethod
    def _spent(r: RowReader, resource: FundingResource, values: dict, fields: list) -> None:
        """Money already committed pins the amount's floor and who may spend it."""
        if not resource.committed:
            return
        if "amount" in fields and values["amount"] < resource.committed:
            r.error(
                "amount",
                _("cannot be less than the %(committed)s yuan already committed")
                % {"committed": resource.committed},
            )
        columns = {
            "region_id": "region_code",
            "community_id": "community_code",
            "provider_type": "provider_type",
        }
        for field in FROZEN:
            if field in fields:
                r.error(
                    columns[field],
                    _("cannot change once money of this resource is committed to projects"),
                )
