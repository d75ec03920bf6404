"""Walk planned projects through the project services, each step at its planned moment.

Time. A project's steps take months: publishing needs a bid deadline in the future, closing
needs it past, a visit cannot be dated after today, and every row stamps the moment it was
written. The seed therefore runs each step on a simulated clock: `django.utils.timezone.now`
answers the step's planned moment while the walk runs (and is restored afterwards), so the
services' own guards decide — the deadline is in the future when the project is published and
has passed when the bidding closes, exactly as the beat would find it — and the transition log,
ledger entries, notifications and field history carry the dates of a year of work. This plays
the part of the queryset update of `bid_deadline` that tests/projects/story.py's `expire` does;
that shortcut would leave every timestamp at the moment of seeding. Projects still open for
bids get a deadline in the real future, so the pages and the beat see them open.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from communities.models import Community, ServiceCategory, ServiceNeed
from projects import services
from projects.choices import Procurement, ProjectStatus
from projects.models import Bid, FundingResource, Project, ResidentDecision

from .context import SHANGHAI

S = ProjectStatus


@dataclass
class Step:
    """One service call; `gap` is in days after the previous step until the plan is placed."""

    kind: str
    gap: float = 0.0
    data: dict = field(default_factory=dict)
    at: datetime | None = None


@dataclass
class BidPlan:
    org_id: int
    member: str  # username of the member who submits
    amount: Decimal
    team: list[int]  # worker ids
    proposal: str
    quality: int  # the reviewers' scores scatter around this


@dataclass
class Plan:
    """A project to seed: what it is, who acts, and the steps up to its target state."""

    community: Community
    year: int
    title: str
    category: ServiceCategory
    budget: Decimal
    target: str
    funding: list[tuple[FundingResource, Decimal]]
    staff: str  # usernames of the actors
    official: str
    reviewers: list[str] = field(default_factory=list)
    supervisors: list[str] = field(default_factory=list)
    need: ServiceNeed | None = None
    description: str = ""
    beneficiaries: int = 0
    directed_org_id: int | None = None
    decision: str | None = None  # subject of the residents' decision covering the fund line
    bids: list[BidPlan] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    deadline: datetime | None = None
    period: tuple[date, date] | None = None

    @property
    def key(self) -> tuple[int, int, str]:
        """The natural key a rerun recognises the project by."""
        return (self.community.pk, self.year, self.title)


@dataclass(frozen=True)
class Window:
    """The stretch of time a year's projects happen in: from early January to the horizon
    (the start of today, or the end of the year once it is over)."""

    earliest: datetime
    horizon: datetime

    @classmethod
    def of(cls, year: int, now: datetime) -> "Window":
        today = timezone.localtime(now, SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
        horizon = min(today, datetime(year + 1, 1, 1, tzinfo=SHANGHAI))
        earliest = datetime(year, 1, 4, 9, tzinfo=SHANGHAI)
        if horizon - earliest < timedelta(days=60):
            # Early January, or a year still to come: the story starts in the year before.
            earliest = horizon - timedelta(days=330)
        return cls(earliest, horizon)

    def days(self) -> float:
        return (self.horizon - self.earliest).total_seconds() / 86400


def place(steps: list[Step], end: datetime, earliest: datetime, rng: random.Random) -> None:
    """Put the last step at `end` and the others before it by their gaps, squeezed when the
    first would fall before `earliest`; then move each onto office hours of its day, keeping
    the order."""
    total = sum(s.gap for s in steps[1:])
    span = (end - earliest).total_seconds() / 86400
    factor = min(1.0, span / total) if total > 0 else 1.0
    moment = end - timedelta(days=total * factor)
    for index, step in enumerate(steps):
        if index:
            moment += timedelta(days=step.gap * factor)
        step.at = moment
    office_hours(steps, rng)


def office_hours(steps: list[Step], rng: random.Random, after: datetime | None = None) -> None:
    previous = after
    for step in steps:
        day = timezone.localtime(step.at, SHANGHAI).date()
        at = datetime.combine(day, time(rng.randint(8, 17), rng.randrange(0, 60, 5)), SHANGHAI)
        if previous is not None and at <= previous:
            at = previous + timedelta(minutes=rng.randint(5, 40))
        step.at = previous = at


def spread(steps: list[Step], start: datetime, end: datetime, rng: random.Random) -> None:
    """Steps after the anchor: each at a fraction of the way from `start` to `end`."""
    span = end - start
    for step in steps:
        step.at = start + span * step.gap
    office_hours(steps, rng, after=start)


# --- the walk ---------------------------------------------------------------------------------


class Clock:
    """What `timezone.now()` answers while the walk runs (see the module docstring)."""

    def __init__(self) -> None:
        self.at: datetime | None = None

    def now(self) -> datetime:
        return self.at.astimezone(UTC)

    @contextmanager
    def running(self) -> Iterator["Clock"]:
        real = timezone.now
        timezone.now = self.now  # module attribute: Django's own callers look it up each time
        try:
            yield self
        finally:
            timezone.now = real


@dataclass
class Cast:
    users: dict  # username → User
    orgs: dict  # id → SocialOrg
    workers: dict  # id → SocialWorker
    decisions: dict  # (community id, subject) → ResidentDecision


def walk(plan: Plan, cast: Cast, clock: Clock) -> Project:
    """Create the project and run its steps in order, each at its moment."""
    users = cast.users
    staff, official = users[plan.staff], users[plan.official]
    decision: ResidentDecision | None = None
    if plan.decision:
        decision = cast.decisions[(plan.community.pk, plan.decision)]
    steps = iter(plan.steps)
    create = next(steps)
    clock.at = create.at
    project = services.project_create(
        actor=staff,
        community=plan.community,
        title=plan.title,
        budget=plan.budget,
        category=plan.category,
        need=plan.need,
        funding=[{"resource": r, "amount": a} for r, a in plan.funding],
        year=plan.year,
        description=plan.description,
        beneficiaries=plan.beneficiaries,
        procurement=Procurement.DIRECTED if plan.directed_org_id else Procurement.OPEN,
        directed_org=cast.orgs.get(plan.directed_org_id),
        decision=decision,
        period_start=plan.period[0],
        period_end=plan.period[1],
    )
    bids: dict[int, Bid] = {}
    for step in steps:
        clock.at = step.at
        data = step.data
        match step.kind:
            case "publish":
                services.project_assign(
                    actor=official,
                    project=project,
                    reviewers=[users[u] for u in plan.reviewers],
                    supervisors=[users[u] for u in plan.supervisors],
                )
                services.project_publish(actor=staff, project=project, bid_deadline=plan.deadline)
            case "bid":
                spec = plan.bids[data["bid"]]
                bids[data["bid"]] = services.bid_submit(
                    actor=users[spec.member],
                    project=project,
                    org=cast.orgs[spec.org_id],
                    amount=spec.amount,
                    proposal=spec.proposal,
                    team=[cast.workers[w] for w in spec.team],
                )
            case "close":
                # At the deadline the beat closes the bidding (no actor); a directed project's
                # community closes it as soon as the named organization has applied.
                actor = staff if data.get("early") else None
                services.project_close_bidding(actor=actor, project=project)
            case "review":
                capacity, plan_score, budget, track = data["scores"]
                services.review_submit(
                    actor=users[data["reviewer"]],
                    project=project,
                    bid=bids[data["bid"]],
                    capacity=capacity,
                    plan=plan_score,
                    budget=budget,
                    track_record=track,
                    comments=data["comments"],
                )
            case "award":
                services.project_award(
                    actor=staff, project=project, bid=bids[data["bid"]], reason=data["reason"]
                )
            case "start":
                services.project_start(actor=users[plan.bids[data["bid"]].member], project=project)
            case "report":
                services.progress_report_submit(
                    actor=users[data["member"]],
                    project=project,
                    period_end=timezone.localdate(step.at, SHANGHAI),
                    summary=data["summary"],
                    beneficiaries_served=data["served"],
                )
            case "visit":
                services.supervision_record(
                    actor=users[data["supervisor"]],
                    project=project,
                    visited_on=timezone.localdate(step.at, SHANGHAI),
                    findings=data["findings"],
                    rating=data["rating"],
                )
            case "final":
                services.project_submit_final_report(
                    actor=users[data["member"]], project=project, report=data["report"]
                )
            case "accept":
                services.project_accept(
                    actor=official,
                    project=project,
                    result=data["result"],
                    score=data["score"],
                    comments=data["comments"],
                )
            case "cancel":
                actor = staff if project.status in (S.DRAFT, S.PUBLISHED, S.REVIEWING) else official
                services.project_cancel(actor=actor, project=project, reason=data["reason"])
            case _:
                raise ValueError(f"unknown step {step.kind}")
    return project
