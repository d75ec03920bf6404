"""The `Planner`: who acts on a project (staff, members, officials, experts; users it names
are made later, by people.py) and what its bids are."""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from communities.models import Community
from orgs.models import SocialOrg

from ..context import CITY_CODE, SeedContext
from ..organizations import TIANXIN, XINGCHEN
from ..vocabulary import BRANDS
from ..walk import BidPlan, Window
from .data import MULIAN, PROPOSALS
from .inputs import Orgs, Purse, _round


@dataclass
class Planner:
    ctx: SeedContext
    orgs: Orgs
    purses: dict[int, Purse]  # by year
    windows: dict[int, Window]
    officials: dict[str, str]  # district prefix → username
    reviewers: list[str]
    supervisors: list[str]
    people: dict[str, tuple] = field(default_factory=dict)  # username → what to make of it
    titles: set[tuple[int, int, str]] = field(default_factory=set)
    needs_taken: set[int] = field(default_factory=set)

    # --- who ---------------------------------------------------------------------------

    def staff(self, community: Community) -> str:
        if community.name == MULIAN and community.region_id.startswith(TIANXIN[:6]):
            return "staff_mulian"
        username = f"staff_{community.region_id}"
        self.people[username] = ("staff", community)
        return username

    def member(self, org: SocialOrg) -> str:
        if org.name == XINGCHEN:
            return "org_xingchen"
        username = f"org_{org.uscc}"
        self.people[username] = ("member", org)
        return username

    def official(self, community: Community, funding) -> str:
        """The city bureau checks what city money pays for; the district the rest."""
        if any(r.region_id == CITY_CODE for r, _ in funding):
            return "official_city"
        prefix = community.region_id[:6]
        if prefix == TIANXIN[:6]:
            return "official_tianxin"
        username = self.officials[prefix]
        self.people[username] = ("official", prefix.ljust(12, "0"))
        return username

    # --- what ------------------------------------------------------------------------------

    def bids(
        self, r: random.Random, community, category, budget, names: list[str], count: int = 0
    ) -> list[BidPlan]:
        fitting, local = self.orgs.near(community, category)
        chosen: list[SocialOrg] = []
        for name in names or ["*"] * count:
            if name != "*":
                org = self.orgs.by_name.get(name)
            else:
                pool = [o for o in fitting if o not in chosen and o.name != XINGCHEN]
                pool = pool or [o for o in local if o not in chosen and o.name != XINGCHEN]
                org = r.choice(pool) if pool else None
            if org is not None and org not in chosen:
                chosen.append(org)
        bids = []
        for org in chosen:
            workers = self.orgs.workers.get(org.pk, [])
            team = sorted(r.sample(workers, min(len(workers), r.randint(1, 3))))
            values = {
                "org": org.name,
                "team": f"（持证社工{len(team)}名）" if team else "",
                "n": r.randint(40, 400),
                "events": r.randint(2, 6),
                "brand": r.choice(BRANDS),
                "days": r.randint(2, 5),
            }
            bids.append(
                BidPlan(
                    org_id=org.pk,
                    member=self.member(org),
                    amount=_round(budget * Decimal(r.uniform(0.86, 1.0))),
                    team=team,
                    proposal=r.choice(PROPOSALS).format(**values),
                    quality=r.randint(62, 90),
                )
            )
        return bids

    def experts(self, r: random.Random, demo: bool, count: int = 2) -> tuple[list[str], list[str]]:
        reviewers = r.sample(self.reviewers[1:], count)
        if demo:
            reviewers[0] = self.reviewers[0]
        supervisor = self.supervisors[0] if demo else r.choice(self.supervisors[1:])
        return reviewers, [supervisor]

    def title_free(self, community: Community, year: int, title: str) -> bool:
        key = (community.pk, year, title)
        if key in self.titles:
            return False
        self.titles.add(key)
        return True
