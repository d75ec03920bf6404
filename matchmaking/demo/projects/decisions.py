"""Residents' decisions: a passed one before the first project a community's benefit fund pays
for, and one 木莲社区's residents voted down."""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from communities.models import Community
from projects import services
from projects.models import ResidentDecision

from ..context import SHANGHAI, derived_random
from ..walk import Clock, Plan
from .data import DECISION_MINUTES, MULIAN
from .mulian import MULIAN_REJECTED


@dataclass
class Meeting:
    """A residents' representatives meeting held some days `before` a moment."""

    community: Community
    staff: str  # who records it
    subject: str
    amount: Decimal
    minutes: str
    before: datetime
    passes: bool

    def record(self, users: dict, clock: Clock) -> ResidentDecision:
        r = derived_random(f"projects:decision:{self.community.region_id}:{self.subject}")
        day = timezone.localdate(self.before, SHANGHAI) - timedelta(days=r.randint(3, 12))
        clock.at = datetime.combine(day, time(20, r.randrange(0, 60, 5)), SHANGHAI)
        total = max(self.community.representatives_total, 21)
        attendees = round(total * r.uniform(0.62, 0.9))  # a quorum: more than half attend
        share = r.uniform(0.7, 0.95) if self.passes else r.uniform(0.3, 0.45)
        votes_for = round(attendees * share)
        against = r.randint(0, attendees - votes_for)
        return services.decision_record(
            actor=users[self.staff],
            community=self.community,
            subject=self.subject,
            amount=self.amount,
            meeting_date=day,
            representatives_total=total,
            attendees=attendees,
            votes_for=votes_for,
            votes_against=against,
            abstentions=attendees - votes_for - against,
            minutes=self.minutes,
        )


def _decisions(ctx, plans: list[Plan], users: dict, clock: Clock, horizon: datetime) -> dict:
    """A passed decision per community whose projects draw on its benefit fund, covering all of
    them, taken before the first; plus one the residents of 木莲社区 voted down."""
    fund_plans: dict[tuple[int, str], list[Plan]] = defaultdict(list)
    for plan in plans:
        if plan.decision:
            fund_plans[(plan.community.pk, plan.decision)].append(plan)
    stored = {
        (d.community_id, d.subject): d
        for d in ResidentDecision.objects.filter(
            community_id__in={k[0] for k in fund_plans}
            | {p.community.pk for p in plans if p.community.name == MULIAN}
        )
    }
    wanted: list[Meeting] = []
    for (_, subject), group in fund_plans.items():
        community = group[0].community
        total = sum(a for p in group for r, a in p.funding if r.community_id)
        amount = Decimal(math.ceil(total / 10000) * 10000)
        minutes = DECISION_MINUTES.format(year=group[0].year, amount=f"{amount:,.0f}")
        first = min(p.steps[0].at for p in group)
        wanted.append(Meeting(community, group[0].staff, subject, amount, minutes, first, True))
    mulian = next((p for p in plans if p.community.name == MULIAN), None)
    if mulian is not None:
        spring = datetime(ctx.year, 4, 20, 9, tzinfo=SHANGHAI)
        wanted.append(
            Meeting(
                mulian.community,
                mulian.staff,
                MULIAN_REJECTED["subject"],
                MULIAN_REJECTED["amount"],
                MULIAN_REJECTED["minutes"],
                min(spring, horizon - timedelta(days=1)),
                passes=False,
            )
        )
    added = 0
    for meeting in wanted:
        key = (meeting.community.pk, meeting.subject)
        if key not in stored:
            stored[key] = meeting.record(users, clock)
            added += 1
    ctx.log(f"residents' decisions: {len(wanted)} planned (+{added})")
    return stored
