"""Service needs of the seeded communities (社区服务需求)."""

import random
from datetime import date, timedelta
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from communities.choices import NeedStatus
from communities.models import Community, ServiceNeed

from .context import BATCH_SIZE, SeedContext, bulk_link
from .offerings import CategoryDeck, describe, groups_for
from .texts import CATEGORY_TEXTS, PARENT_TEXTS
from .vocabulary import BRANDS

CENT = Decimal("0.01")

# The article's needs. 木莲社区 brought in 暮云小蜜蜂志愿者协会 on 1 June for three
# party-building units, hence "matched"; the budgets are illustrative.
NAMED_NEEDS = {
    "木莲社区": {
        "title": "木莲社区“少儿党建、青春党建、花甲党建”党建单元共建项目",
        "code": "party_units",
        "groups": ["children", "youth", "elderly"],
        "description": (
            "社区计划组建以未成年人为主体的“少儿党建”、以非公企业为主体的“青春党建”、"
            "以社区老党员为主体的“花甲党建”三个党建单元，引进社会组织运营，"
            "构建资源共享、统筹互动的社区党建新格局。"
        ),
        "budget": 60000,
        "status": NeedStatus.MATCHED,
        "period": ((6, 1), (12, 31)),
    },
    "宝塔山社区": {
        "title": "宝塔山社区“彩虹驿站”残障人士综合服务项目",
        "code": "disability",
        "groups": ["disabled", "hardship_families"],
        "description": (
            "社区与专业社工合作打造“彩虹驿站”，为残障人士开展社区康复、情绪辅导、社区融合、"
            "赋能赋权等服务，帮助残疾人自立自信、阳光生活。"
        ),
        "budget": 120000,
        "status": NeedStatus.PUBLISHED,
        "period": ((3, 1), (12, 31)),
    },
}


def _beneficiaries(rng: random.Random, community: Community, groups: list[str]) -> int:
    if "disabled" in groups:
        count = min(community.disabled, rng.randint(20, 150))
    elif "elderly" in groups:
        count = min(community.elderly, rng.randint(30, 400))
    else:
        count = rng.randint(50, 800)
    return max(20, min(800, count))


def _schedule(ctx: SeedContext, rng: random.Random, need: ServiceNeed) -> None:
    """A period inside the seed year, published at least two weeks before it starts."""
    if need.period_start is None:
        need.period_start = date(ctx.year, rng.randint(3, 9), rng.choice([1, 15]))
        need.period_end = min(
            need.period_start + timedelta(days=rng.randint(90, 365)), date(ctx.year, 12, 31)
        )
    if need.status != NeedStatus.DRAFT:
        latest = need.period_start - timedelta(days=14)
        need.published_at = ctx.moment(
            ctx.day_in_year(rng, (1, 2), (latest.month, latest.day)), rng
        )


def _plan(ctx: SeedContext, rng: random.Random, deck: CategoryDeck):
    """Yield (community region code, need, target-group codes)."""
    statuses = [NeedStatus.PUBLISHED, NeedStatus.DRAFT, NeedStatus.MATCHED, NeedStatus.CLOSED]
    for community in ctx.communities:
        count = rng.randint(2, 4)  # ≈3 per community
        special = NAMED_NEEDS.get(community.name)
        if special:
            start, end = special["period"]
            need = ServiceNeed(
                title=special["title"],
                category=ctx.categories[special["code"]],
                beneficiaries=_beneficiaries(rng, community, special["groups"]),
                description=special["description"],
                budget=Decimal(special["budget"]).quantize(CENT),
                period_start=date(ctx.year, *start),
                period_end=date(ctx.year, *end),
                status=special["status"],
            )
            _schedule(ctx, rng, need)
            yield community.region_id, need, special["groups"]
            count -= 1
        used: set[str] = set()
        for _ in range(count):
            parent, code = deck.code()
            while code in used:
                parent, code = deck.code()
            used.add(code)
            text = CATEGORY_TEXTS[code]
            groups = groups_for(rng, parent, code)
            beneficiaries = _beneficiaries(rng, community, groups)
            values = {
                "community": community.name,
                "brand": rng.choice(BRANDS),
                "n": beneficiaries,
                "elderly": community.elderly,
                "disabled": community.disabled,
                "households": community.households,
            }
            need = ServiceNeed(
                title=rng.choice(text.need_titles).format(**values),
                category=ctx.categories[code],
                beneficiaries=beneficiaries,
                description=describe(
                    rng, text.need_lead.format(**values), PARENT_TEXTS[parent].need_more
                ),
                budget=Decimal(rng.randrange(10, 201) * 1000).quantize(CENT),
                status=rng.choices(statuses, weights=[70, 12, 12, 6])[0],
            )
            _schedule(ctx, rng, need)
            yield community.region_id, need, groups


def seed_needs(ctx: SeedContext) -> None:
    """Needs for each community that has none yet (needs have no natural key)."""
    rng = ctx.stream("needs")
    planned = list(_plan(ctx, rng, CategoryDeck(ctx, rng)))
    ids = dict(
        Community.objects.filter(region_id__in=[c.region_id for c in ctx.communities]).values_list(
            "region_id", "id"
        )
    )
    busy = set(
        ServiceNeed.objects.filter(community_id__in=ids.values()).values_list(
            "community_id", flat=True
        )
    )
    new = [row for row in planned if ids[row[0]] not in busy]
    for code, need, _groups in new:
        need.community_id = ids[code]
    bulk_create_with_history(
        [row[1] for row in new],
        ServiceNeed,
        batch_size=BATCH_SIZE,
        default_change_reason="seed_demo",
    )
    groups = {code: group.pk for code, group in ctx.target_groups.items()}
    links = bulk_link(
        ServiceNeed.target_groups, [(row[1].pk, groups[g]) for row in new for g in row[2]]
    )
    ctx.log(f"service needs: {len(planned)} planned (+{len(new)}, +{links} target-group links)")
