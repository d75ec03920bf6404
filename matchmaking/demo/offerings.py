"""Service offerings of the seeded organizations (服务供给)."""

import random
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from orgs.choices import OfferingStatus
from orgs.models import ServiceOffering, SocialWorker

from .context import BATCH_SIZE, CITY_CODE, OrgPlan, SeedContext, bulk_link
from .organizations import DATONG, LITTLE_BEES, XINGCHEN
from .texts import CATEGORY_TEXTS, PARENT_TEXTS
from .vocabulary import BRANDS

# How often each parent category comes up when nothing else decides it; elderly care leads,
# as in the programme.
PARENT_WEIGHTS = {
    "elderly_care": 4,
    "culture": 2,
    "youth": 2,
    "disability": 2,
    "community_building": 2,
    "mediation": 1,
    "charity": 1,
    "party_building": 1,
    "environment": 1,
    "mental_health": 1,
    "volunteering": 1,
}


class CategoryDeck:
    """Draws categories from a reshuffled weighted deck of parents, then parent or child."""

    def __init__(self, ctx: SeedContext, rng: random.Random):
        self.rng = rng
        self.children: dict[str, list[str]] = {}
        for category in sorted(ctx.categories.values(), key=lambda c: (c.sort_order, c.code)):
            if category.parent_id is not None and category.code in CATEGORY_TEXTS:
                parent = ctx.category_codes[category.parent_id]
                self.children.setdefault(parent, []).append(category.code)
        self.parents = [p for p in PARENT_WEIGHTS if p in ctx.categories]
        # The first deck holds each parent once, so the first draws cover them all; later
        # decks follow the weights.
        self.cards: list[str] = list(self.parents)
        rng.shuffle(self.cards)

    def parent(self) -> str:
        if not self.cards:
            self.cards = [p for p in self.parents for _ in range(PARENT_WEIGHTS[p])]
            self.rng.shuffle(self.cards)
        return self.cards.pop()

    def code(self, parent: str | None = None) -> tuple[str, str]:
        """(parent code, category code): the parent itself one time in four.

        A parent given by the caller (an organization's focus) uses up one of its cards, so the
        deck's other parents still come up and even a small seed covers them all.
        """
        if parent is None:
            parent = self.parent()
        elif parent in self.cards:
            self.cards.remove(parent)
        children = self.children.get(parent)
        if not children or self.rng.random() < 0.25:
            return parent, parent
        return parent, self.rng.choice(children)


def describe(rng: random.Random, lead: str, more: tuple[str, ...]) -> str:
    """The category's lead sentence plus up to two of its parent's sentences, in order."""
    extra = rng.sample(range(len(more)), rng.randint(0, min(2, len(more))))
    return lead + "".join(more[i] for i in sorted(extra))


def groups_for(rng: random.Random, parent: str, code: str) -> list[str]:
    groups = list(CATEGORY_TEXTS[code].groups)
    optional = PARENT_TEXTS[parent].optional_groups
    if optional and rng.random() < 0.25:
        extra = rng.choice(optional)
        if extra not in groups:
            groups.append(extra)
    return groups


def _named_offerings(ctx: SeedContext) -> dict[str, list[dict]]:
    """The article's services, written by hand (the areas and prices are illustrative)."""
    return {
        LITTLE_BEES: [
            {
                "title": "“少儿党建·青春党建·花甲党建”社区党建单元服务",
                "code": "party_units",
                "groups": ["children", "youth", "elderly"],
                "streets": ["430103004000", "430103015000"],  # 城南路, 暮云
                "description": (
                    "以未成年人为主体的“少儿党建”、以非公企业为主体的“青春党建”、以社区老党员为主体的"
                    "“花甲党建”三个党建单元，构建资源共享、统筹互动的社区党建新格局。"
                    "已在木莲社区累计服务辖区居民2000人次以上。"
                ),
                "price": (30000, 80000),
            }
        ],
        DATONG: [
            {
                "title": "“党建+社工”一核心三引领社区服务",
                "code": "party_building",
                "groups": ["all_residents"],
                "streets": [],
                "description": (
                    "以党建为核心，通过价值引领、服务引领、专业引领实现“三社”有效联动；"
                    "激活社区里沉睡的力量，培育社区社会组织成为服务社区的助手。"
                ),
                "price": (50000, 150000),
            }
        ],
        XINGCHEN: [
            {
                "title": "社区社会组织孵化与“三社联动”项目陪伴",
                "code": "grassroots_orgs",
                "groups": ["all_residents"],
                "streets": [],
                "description": (
                    "为处于成长期的社区社会组织提供孵化培育、能力建设和项目陪伴，"
                    "协助社区参与供需对接会，把居民需求转化为可落地的服务项目。"
                ),
                "price": (40000, 120000),
            }
        ],
    }


def _area(ctx: SeedContext, rng: random.Random, plan: OrgPlan) -> list[str]:
    """The org's district, sometimes with 1–3 of its streets, sometimes the whole city."""
    if plan.district_code is None:
        return [CITY_CODE]
    area = [plan.district_code]
    streets = ctx.streets.get(plan.district_code, [])
    roll = rng.random()
    if roll < 0.35 and streets:
        chosen = rng.sample(streets, min(len(streets), rng.randint(1, 3)))
        area += sorted(s.code for s in chosen)
    elif roll > 0.9:
        area.append(CITY_CODE)
    return area


def _status(ctx: SeedContext, rng: random.Random, offering: ServiceOffering) -> None:
    offering.status = rng.choices(
        [OfferingStatus.PUBLISHED, OfferingStatus.DRAFT, OfferingStatus.CLOSED],
        weights=[80, 12, 8],
    )[0]
    if offering.status != OfferingStatus.DRAFT:
        offering.published_at = ctx.moment(ctx.day_in_year(rng, (1, 2), (3, 31)), rng)


def _plan(ctx: SeedContext, rng: random.Random, deck: CategoryDeck):
    """Yield (org plan, offering, group codes, area codes, worker certificate numbers)."""
    named = _named_offerings(ctx)
    for plan in ctx.orgs:
        workers = [w.certificate_no for w in plan.workers]
        if plan.special:
            for spec in named.get(plan.org.name, []):
                offering = ServiceOffering(
                    title=spec["title"],
                    category=ctx.categories[spec["code"]],
                    capacity=3,
                    price_min=Decimal(spec["price"][0]),
                    price_max=Decimal(spec["price"][1]),
                    description=spec["description"],
                    status=OfferingStatus.PUBLISHED,
                    published_at=ctx.moment(ctx.day_in_year(rng, (1, 2), (2, 28)), rng),
                )
                area = [plan.district_code, *spec["streets"]]
                yield plan, offering, spec["groups"], area, workers[:3]
            continue
        used: set[str] = set()
        for index in range(rng.choices([1, 2], weights=[80, 20])[0]):  # ≈1.2 per org
            parent, code = deck.code(plan.focus if index == 0 else None)
            while code in used:
                parent, code = deck.code()
            used.add(code)
            text = CATEGORY_TEXTS[code]
            price_min = rng.randrange(20, 151) * 1000
            offering = ServiceOffering(
                title=rng.choice(text.offer_titles).format(brand=rng.choice(BRANDS)),
                category=ctx.categories[code],
                capacity=rng.randint(1, 5),
                price_min=Decimal(price_min),
                price_max=Decimal(price_min + rng.randrange(0, 101) * 1000),
                description=describe(rng, text.offer_lead, PARENT_TEXTS[parent].offer_more),
            )
            _status(ctx, rng, offering)
            staff = rng.sample(workers, min(len(workers), rng.randint(1, 3))) if workers else []
            yield plan, offering, groups_for(rng, parent, code), _area(ctx, rng, plan), staff


def seed_offerings(ctx: SeedContext) -> None:
    """Offerings for each organization that has none yet (they have no natural key)."""
    rng = ctx.stream("offerings")
    planned = list(_plan(ctx, rng, CategoryDeck(ctx, rng)))
    org_ids = [plan.org.pk for plan in ctx.orgs]
    busy = set(ServiceOffering.objects.filter(org_id__in=org_ids).values_list("org_id", flat=True))
    new = [row for row in planned if row[0].org.pk not in busy]
    for plan, offering, *_ in new:
        offering.org_id = plan.org.pk
    bulk_create_with_history(
        [row[1] for row in new],
        ServiceOffering,
        batch_size=BATCH_SIZE,
        default_change_reason="seed_demo",
    )

    certs = {cert for row in new for cert in row[4]}
    worker_ids = dict(
        SocialWorker.objects.filter(certificate_no__in=certs).values_list("certificate_no", "id")
    )
    groups = {code: group.pk for code, group in ctx.target_groups.items()}
    links = bulk_link(
        ServiceOffering.target_groups,
        [(row[1].pk, groups[code]) for row in new for code in row[2]],
    )
    links += bulk_link(
        ServiceOffering.service_area, [(row[1].pk, code) for row in new for code in row[3]]
    )
    links += bulk_link(
        ServiceOffering.workers,
        [(row[1].pk, worker_ids[c]) for row in new for c in row[4] if c in worker_ids],
    )
    ctx.log(f"service offerings: {len(planned)} planned (+{len(new)}, +{links} links)")
