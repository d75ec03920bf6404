"""Funding resources of the seed year (项目资源): community funds, budgets, charity, enterprises."""

from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from simple_history.utils import bulk_create_with_history

from communities.models import Community
from projects.choices import ProviderType, ResourceStatus
from projects.models import FundingResource

from .context import BATCH_SIZE, CITY_CODE, SHANGHAI, SeedContext, bulk_link
from .vocabulary import ENTERPRISE_INDUSTRIES, ENTERPRISE_WORDS, district_short_name

# The article's wording of the rule.
COMMUNITY_FUND_TEXT = (
    "对每个城市社区每年安排20万元惠民项目资金，由社区居民通过民主程序决定用于购买社会组织"
    "和社工机构的专业服务。"
)
# The article names these as the fields of government purchase of services.
GOVERNMENT_CATEGORIES = ("elderly_care", "environment", "disability", "community_building")
# Caring enterprises linked through incubation bases: about 10 million yuan in all.
ENTERPRISE_AMOUNTS = (3_000_000, 2_500_000, 2_000_000, 1_500_000, 1_000_000)
INCUBATION_BASES = (
    (CITY_CODE, "长沙市社会组织孵化基地"),
    ("430103000000", "天心区社会组织孵化基地"),
    ("430121000000", "长沙县社会组织孵化基地"),
    ("430104000000", "岳麓区社会组织孵化基地"),
    ("430111000000", "雨花区社会组织孵化基地"),
)
CATEGORY_WORDS = {
    "elderly_care": "助老",
    "charity": "帮困",
    "disability": "助残",
    "youth": "助学",
    "environment": "环保",
}


def _published(year: int) -> datetime:
    return datetime.combine(date(year, 1, 10), time(10, 0), SHANGHAI)


def _community_funds(ctx: SeedContext) -> int:
    """Exactly one 200,000-yuan benefit fund per community of the city for the seed year."""
    year = ctx.year
    funded = FundingResource.objects.filter(
        provider_type=ProviderType.COMMUNITY_FUND, year=year
    ).values("community_id")
    communities = Community.objects.filter(region__code__startswith=CITY_CODE[:4]).exclude(
        id__in=funded
    )
    new = [
        FundingResource(
            name=f"{community.name}{year}年惠民项目资金",
            provider_type=ProviderType.COMMUNITY_FUND,
            provider_name=f"{community.name}居民委员会",
            year=year,
            amount=Decimal(settings.COMMUNITY_FUND_AMOUNT),
            region_id=community.region_id,
            community=community,
            description=COMMUNITY_FUND_TEXT,
            status=ResourceStatus.PUBLISHED,
            published_at=_published(year),
        )
        for community in communities.order_by("region_id").only("id", "name", "region_id")
    ]
    bulk_create_with_history(
        new, FundingResource, batch_size=BATCH_SIZE, default_change_reason="seed_demo"
    )
    return len(new)


def _other_resources(ctx: SeedContext) -> list[tuple[FundingResource, tuple[str, ...]]]:
    """Budgets, the charity federation and caring enterprises, with eligible categories."""
    rng = ctx.stream("funding")
    year = ctx.year
    city = ctx.region_names[CITY_CODE]

    def resource(**fields) -> FundingResource:
        return FundingResource(
            year=year, status=ResourceStatus.PUBLISHED, published_at=_published(year), **fields
        )

    rows = [
        (
            resource(
                name=f"{city}{year}年政府购买社会组织服务资金",
                provider_type=ProviderType.GOVERNMENT,
                provider_name=f"{city}民政局",
                amount=Decimal(6_000_000),
                region_id=CITY_CODE,
                description="市本级财政安排，用于购买养老、环保、助残、社区建设等社会组织服务项目。",
            ),
            GOVERNMENT_CATEGORIES,
        ),
        (
            resource(
                name=f"{city}慈善会{year}年社区募捐资金",
                provider_type=ProviderType.CHARITY,
                provider_name=f"{city}慈善会",
                amount=Decimal(2_500_000),
                region_id=CITY_CODE,
                description="市慈善会为社区募集的社会资源，用于“三社联动”服务项目。",
            ),
            ("charity", "disability", "elderly_care"),
        ),
    ]
    for district in ctx.districts:
        rows.append(
            (
                resource(
                    name=f"{district.name}{year}年“三社联动”项目资金",
                    provider_type=ProviderType.GOVERNMENT,
                    provider_name=f"{district.name}民政局",
                    amount=Decimal(rng.randrange(10, 31) * 100_000),
                    region_id=district.code,
                    description=f"{district.name}财政安排的政府购买社区服务资金。",
                ),
                (),
            )
        )
    words = rng.sample(ENTERPRISE_WORDS, len(ENTERPRISE_AMOUNTS))
    for amount, word, (industry, category), (region, base) in zip(
        ENTERPRISE_AMOUNTS, words, ENTERPRISE_INDUSTRIES, INCUBATION_BASES, strict=True
    ):
        company = f"湖南{word}{industry}有限公司"
        area = "全市" if region == CITY_CODE else district_short_name(ctx.region_names[region])
        rows.append(
            (
                resource(
                    name=f"{word}{industry}{year}年爱心{CATEGORY_WORDS[category]}资金",
                    provider_type=ProviderType.ENTERPRISE,
                    provider_name=company,
                    amount=Decimal(amount),
                    region_id=region,
                    description=(
                        f"经{base}牵线，{company}捐赠{amount // 10_000}万元，"
                        f"用于{area}“三社联动”服务项目。"
                    ),
                ),
                # One enterprise leaves the choice of field open.
                () if amount == min(ENTERPRISE_AMOUNTS) else (category,),
            )
        )
    return rows


def seed_funding(ctx: SeedContext) -> None:
    funds = _community_funds(ctx)
    rows = _other_resources(ctx)
    stored = set(
        FundingResource.objects.filter(year=ctx.year)
        .exclude(provider_type=ProviderType.COMMUNITY_FUND)
        .values_list("name", flat=True)
    )
    new = [row for row in rows if row[0].name not in stored]
    bulk_create_with_history(
        [row[0] for row in new], FundingResource, default_change_reason="seed_demo"
    )
    links = bulk_link(
        FundingResource.categories,
        [(row[0].pk, ctx.categories[code].pk) for row in new for code in row[1]],
    )
    ctx.log(
        f"funding resources {ctx.year}: +{funds} community funds, "
        f"{len(rows)} other resources planned (+{len(new)}, +{links} category links)"
    )
