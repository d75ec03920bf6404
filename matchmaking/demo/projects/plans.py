"""The plans: the named community's from its specs, the city's drawn from a stream per year."""

import random
from collections import defaultdict
from decimal import Decimal

from communities.models import Community, ServiceCategory, ServiceNeed
from projects.choices import ProjectStatus

from ..context import SeedContext, derived_random
from ..offerings import PARENT_WEIGHTS
from ..texts import CATEGORY_TEXTS
from ..vocabulary import BRANDS
from ..walk import Plan
from .data import CITY_STATES, PAYERS
from .inputs import _round
from .lifecycle import _lifecycle
from .mulian import MULIAN_SPECS
from .planner import Planner

S = ProjectStatus


def _streams(plan_key: str) -> tuple[random.Random, random.Random]:
    """A project's own streams: one for what it is, one for when things happen."""
    return derived_random(f"projects:{plan_key}"), derived_random(f"projects:{plan_key}:dates")


def _mulian_plans(planner: Planner, mulian: Community, needs: list[ServiceNeed]) -> list[Plan]:
    plans = []
    for spec in MULIAN_SPECS:
        year = planner.ctx.year - 1 if spec.previous_year else planner.ctx.year
        need = None
        if spec.need:
            need = next((n for n in needs if n.category.code == spec.need), None)
            if need is None:  # the article's need was deleted: nothing to build on
                continue
        title = need.title if need else spec.title.format(year=year)
        category = planner.ctx.categories[spec.code]
        r, d = _streams(f"{year}:{mulian.region_id}:{title}")
        if not planner.title_free(mulian, year, title):
            continue
        funding = planner.purses[year].take(spec.funding, mulian, category)
        if funding is None:
            continue
        budget = Decimal(spec.budget)
        bids = planner.bids(r, mulian, category, budget, list(spec.bidders))
        reviewers, supervisors = planner.experts(r, demo=True)
        plan = Plan(
            community=mulian,
            year=year,
            title=title,
            category=category,
            budget=budget,
            target=spec.target,
            funding=funding,
            staff=planner.staff(mulian),
            official=planner.official(mulian, funding),
            reviewers=[] if spec.directed else reviewers,
            supervisors=supervisors,
            need=need,
            description=need.description if need else _describe(r, category, mulian),
            beneficiaries=need.beneficiaries if need else r.randint(40, 300),
            directed_org_id=bids[0].org_id if spec.directed else None,
            decision=_subject(mulian, year) if any(k == "fund" for k, _ in spec.funding) else None,
            bids=bids,
        )
        _lifecycle(
            planner,
            plan,
            r,
            d,
            winner=min(spec.winner, max(len(bids) - 1, 0)),
            cancel_from=spec.cancel_from,
            pending_for=planner.reviewers[0] if spec.pending_reviews else None,
            start_on=spec.start_on,
        )
        plans.append(plan)
    return plans


def _city_plans(
    planner: Planner,
    rng: random.Random,
    communities: list[Community],
    needs: dict[int, list[ServiceNeed]],
    *,
    count: int,
    year: int,
) -> list[Plan]:
    """`count` projects of `year` in random communities (never the named one)."""
    ctx = planner.ctx
    deck = _CategoryPicker(ctx, rng)
    states, weights = list(CITY_STATES), list(CITY_STATES.values())
    payers, payer_weights = list(PAYERS), list(PAYERS.values())
    previous = year < ctx.year
    plans = []
    for _ in range(count):
        # The stage's stream draws the same numbers every time round, whatever is stored.
        community = rng.choice(communities)
        target = S.COMPLETED if previous else rng.choices(states, weights)[0]
        payer = "district" if previous else rng.choices(payers, payer_weights)[0]
        split, pick, code = rng.random(), rng.random(), deck.code()
        free = [n for n in needs.get(community.pk, []) if n.pk not in planner.needs_taken]
        need = None if previous or not free else free[int(pick * len(free))]
        category = need.category if need else ctx.categories[code]
        if need:
            title = need.title
        else:
            title = _template_title(rng, category.code, community)
            if previous:
                title += f"（{year}年度）"
        if not planner.title_free(community, year, title):
            continue
        r, d = _streams(f"{year}:{community.region_id}:{title}")
        budget = need.budget if need else Decimal(r.randrange(20, 151) * 1000)
        lines = [(payer, budget)]
        if payer == "fund" and split < 0.3 and budget >= 40000:
            half = _round(budget / 2, 1000)
            lines = [("fund", half), ("district", budget - half)]
        funding = None
        for option in (lines, [("district", budget)], [("city", budget)], [("charity", budget)]):
            funding = planner.purses[year].take(option, community, category)
            if funding is not None:
                break
        if funding is None:
            continue
        if need:
            planner.needs_taken.add(need.pk)
        fail_final = target == S.FAILED and r.random() < 0.25
        cancel_from = None
        if target == S.CANCELLED:
            cancel_from = r.choice([S.DRAFT, S.PUBLISHED, S.REVIEWING, S.AWARDED, S.IN_PROGRESS])
        no_bids = (target == S.FAILED and not fail_final) or S.DRAFT in (target, cancel_from)
        directed = not no_bids and r.random() < 0.08
        bid_count = 1 if directed else r.choices([1, 2, 3], weights=[35, 45, 20])[0]
        bids = [] if no_bids else planner.bids(r, community, category, budget, [], bid_count)
        if not no_bids and not bids:
            continue
        count = r.choices([1, 2], weights=[60, 40])[0]
        reviewers, supervisors = planner.experts(r, demo=r.random() < 0.1, count=count)
        if directed:
            reviewers = reviewers[:1] if r.random() < 0.5 else []
        plan = Plan(
            community=community,
            year=year,
            title=title,
            category=category,
            budget=budget,
            target=target,
            funding=funding,
            staff=planner.staff(community),
            official=planner.official(community, funding),
            reviewers=reviewers,
            supervisors=supervisors,
            need=need,
            description=need.description if need else _describe(r, category, community),
            beneficiaries=need.beneficiaries if need else r.randint(40, 400),
            directed_org_id=bids[0].org_id if directed else None,
            decision=_subject(community, year)
            if any(r_.community_id for r_, _ in funding)
            else None,
            bids=bids,
        )
        _lifecycle(
            planner,
            plan,
            r,
            d,
            winner=r.randrange(len(bids)) if bids else 0,
            cancel_from=cancel_from,
            fail_final=fail_final,
        )
        plans.append(plan)
    return plans


class _CategoryPicker:
    """A category with a need template, its field drawn by the programme's weights."""

    def __init__(self, ctx: SeedContext, rng: random.Random):
        self.rng = rng
        self.codes: dict[str, list[str]] = defaultdict(list)
        for category in sorted(ctx.categories.values(), key=lambda c: (c.sort_order, c.code)):
            if category.code in CATEGORY_TEXTS:
                parent = ctx.category_codes.get(category.parent_id, category.code)
                self.codes[parent].append(category.code)
        self.parents = [p for p in PARENT_WEIGHTS if p in self.codes]
        self.weights = [PARENT_WEIGHTS[p] for p in self.parents]

    def code(self) -> str:
        parent = self.rng.choices(self.parents, self.weights)[0]
        return self.rng.choice(self.codes[parent])


def _template_title(rng: random.Random, code: str, community: Community) -> str:
    return rng.choice(CATEGORY_TEXTS[code].need_titles).format(**_values(rng, community))


def _values(rng: random.Random, community: Community) -> dict:
    return {
        "community": community.name,
        "brand": rng.choice(BRANDS),
        "n": rng.randint(40, 300),
        "elderly": community.elderly,
        "disabled": community.disabled,
        "households": community.households,
    }


def _describe(rng: random.Random, category: ServiceCategory, community: Community) -> str:
    return CATEGORY_TEXTS[category.code].need_lead.format(**_values(rng, community))


def _subject(community: Community, year: int) -> str:
    return f"{community.name}{year}年惠民项目资金使用方案"
