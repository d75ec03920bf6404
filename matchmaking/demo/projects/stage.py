"""The stage: plan every project, make the people, hold the meetings, walk each plan through
the services, and mark what is old news read."""

import time as time_
from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from communities.models import Community, ServiceNeed
from core.errors import DomainError
from orgs.models import SocialWorker
from projects.choices import ExpertRole, ProjectStatus, ResourceStatus
from projects.models import FundingResource, Notification, Project, ProjectTransition

from ..context import SeedContext, derived_random
from ..organizations import TIANXIN
from ..walk import Cast, Clock, Window, walk
from .data import MULIAN, REVIEWERS, SUPERVISORS
from .decisions import _decisions
from .inputs import Purse, _orgs, _previous_year_budgets
from .people import _people
from .planner import Planner
from .plans import _city_plans, _mulian_plans

S = ProjectStatus


def seed_projects(ctx: SeedContext) -> None:
    started = time_.perf_counter()
    ctx.stream("projects")  # reseeds Faker; every plan draws from a stream of its own
    budgets = _previous_year_budgets(ctx)
    years = (ctx.year, ctx.year - 1)
    resources = (
        FundingResource.objects.filter(year__in=years, status=ResourceStatus.PUBLISHED)
        .prefetch_related("categories")
        .order_by("id")
    )
    by_year = defaultdict(list)
    for resource in resources:
        by_year[resource.year].append(resource)
    now = timezone.now()
    planned_codes = [c.region_id for c in ctx.communities]
    communities = {c.region_id: c for c in Community.objects.filter(region_id__in=planned_codes)}
    ordered = [communities[code] for code in planned_codes if code in communities]
    mulian = next(
        (c for c in ordered if c.name == MULIAN and c.region_id.startswith(TIANXIN[:6])), None
    )
    needs: dict[int, list[ServiceNeed]] = defaultdict(list)
    for need in (
        ServiceNeed.objects.filter(community__in=ordered)
        .exclude(status="draft")
        .select_related("category")
        .order_by("id")
    ):
        needs[need.community_id].append(need)
    planner = Planner(
        ctx=ctx,
        orgs=_orgs(),
        purses={year: Purse(by_year[year]) for year in years},
        windows={year: Window.of(year, now) for year in years},
        officials={d.code[:6]: f"official_{d.code[:6]}" for d in ctx.districts},
        reviewers=["reviewer_demo", *(f"reviewer_{n:02d}" for n in range(1, REVIEWERS + 1))],
        supervisors=[
            "supervisor_demo",
            *(f"supervisor_{n:02d}" for n in range(1, SUPERVISORS + 1)),
        ],
    )
    for role, names in (
        (ExpertRole.REVIEWER, planner.reviewers),
        (ExpertRole.SUPERVISOR, planner.supervisors),
    ):
        for username in names[1:]:
            planner.people[username] = ("expert", role)
    plans = _mulian_plans(planner, mulian, needs.get(mulian.pk, [])) if mulian else []
    others = [c for c in ordered if c is not mulian]
    # A stream per year: asking for more projects (--projects) adds to these, never changes them.
    for year, count in (
        (ctx.year, ctx.scale.projects),
        (ctx.year - 1, ctx.scale.track_record_projects),
    ):
        rng = derived_random(f"projects:city:{year}")
        plans += _city_plans(planner, rng, others, needs, count=count, year=year)

    users = _people(ctx, planner)
    stored = set(
        Project.objects.filter(year__in=years).values_list("community_id", "year", "title")
    )
    used_needs = set(Project.objects.filter(need__isnull=False).values_list("need_id", flat=True))
    todo = [p for p in plans if p.key not in stored and not (p.need and p.need.pk in used_needs)]
    cast = Cast(
        users=users,
        orgs=planner.orgs.by_id,
        workers=SocialWorker.objects.in_bulk(
            sorted({w for p in todo for b in p.bids for w in b.team})
        ),
        decisions={},
    )
    clock = Clock()
    made: list[int] = []
    refused: list[str] = []
    with clock.running():
        cast.decisions = _decisions(ctx, plans, users, clock, planner.windows[ctx.year].horizon)
        for plan in todo:
            try:
                with transaction.atomic():
                    made.append(walk(plan, cast, clock).pk)
            except DomainError as exc:  # e.g. users spent the money in the meantime
                refused.append(f"{plan.title}: {exc.message}")
    _mark_read(made, planner.windows[ctx.year].horizon)
    ctx.log(
        f"projects: {len(plans)} planned (+{len(made)}), +{budgets} budgets of {ctx.year - 1}, "
        f"{time_.perf_counter() - started:.1f} s"
    )
    for line in refused:
        ctx.log(f"  refused: {line}")
    _log_states(ctx, mulian)


def _mark_read(project_ids: list[int], horizon: datetime) -> None:
    """What the project has moved on from, or what is a month old, has been read; what still
    waits for someone (a bid to look at, an acceptance to do) stays unread."""
    last = (
        ProjectTransition.objects.filter(project=OuterRef("project"))
        .order_by("-at")
        .values("at")[:1]
    )
    read = (
        Notification.objects.filter(project_id__in=project_ids, read_at__isnull=True)
        .annotate(last=Subquery(last))
        .filter(Q(created_at__lt=F("last")) | Q(created_at__lt=horizon - timedelta(days=30)))
        .values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=list(read)).update(
        read_at=F("created_at") + timedelta(hours=20)
    )


def _log_states(ctx: SeedContext, mulian: Community | None) -> None:
    def line(queryset) -> str:
        counts = Counter(queryset.values_list("status", flat=True))
        return ", ".join(f"{s.value} {counts[s.value]}" for s in S if counts[s.value])

    projects = Project.objects.filter(year=ctx.year)
    if mulian is not None:
        ctx.log(f"  {MULIAN} {ctx.year}: {line(projects.filter(community=mulian))}")
    ctx.log(f"  city {ctx.year}: {line(projects)}")
    ctx.log(f"  city {ctx.year - 1}: {line(Project.objects.filter(year=ctx.year - 1))}")
