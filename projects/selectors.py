"""Reads of the projects app, and the roles a user holds across all apps."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet, Sum

from communities.models import Community, Region
from communities.selectors import official_region_codes, staff_community_ids, within_q
from core import regions
from orgs.models import SocialOrg

from .choices import BidStatus, ExpertRole, ProjectStatus, ProviderType, ResourceStatus
from .models import (
    Assignment,
    Bid,
    Expert,
    Fair,
    FairRegistration,
    FundingResource,
    Intention,
    Notification,
    Project,
    ProjectFunding,
    Review,
)
from .permissions import can_manage_project, can_review, can_see_all_bids


@dataclass
class Roles:
    """Every role membership of one user, read once per request."""

    communities: list[Community] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    orgs: list[SocialOrg] = field(default_factory=list)
    expert_roles: set[str] = field(default_factory=set)
    is_admin: bool = False

    @property
    def is_reviewer(self) -> bool:
        return ExpertRole.REVIEWER in self.expert_roles

    @property
    def is_supervisor(self) -> bool:
        return ExpertRole.SUPERVISOR in self.expert_roles

    @property
    def any(self) -> bool:
        return bool(self.communities or self.regions or self.orgs or self.expert_roles)

    def as_api(self) -> list[dict]:
        rows = [{"role": "community_staff", "community": c.id} for c in self.communities]
        rows += [{"role": "official", "region": r.code} for r in self.regions]
        rows += [{"role": "org_member", "org": o.id} for o in self.orgs]
        rows += [{"role": role} for role in sorted(self.expert_roles)]
        return rows


def user_roles(user) -> Roles:
    if not user.is_authenticated:
        return Roles()
    return Roles(
        communities=list(
            Community.objects.filter(staff__user=user).select_related("region__parent")
        ),
        regions=list(Region.objects.filter(officials__user=user)),
        orgs=list(SocialOrg.objects.filter(members__user=user)),
        expert_roles=set(user.expert_roles.values_list("role", flat=True)),
        is_admin=user.is_staff,
    )


def resource_list() -> QuerySet[FundingResource]:
    return FundingResource.objects.select_related("region", "community").prefetch_related(
        "categories"
    )


def resources_visible_to(user) -> QuerySet[FundingResource]:
    """Published money is public; drafts to officials over it and the fund's own community."""
    query = Q(status__in=(ResourceStatus.PUBLISHED, ResourceStatus.CLOSED))
    if user.is_authenticated:
        if user.is_superuser:
            return resource_list()
        query |= Q(community_id__in=staff_community_ids(user))
        query |= within_q("region_id", official_region_codes(user))
    return resource_list().filter(query)


def resources_for_need(need) -> QuerySet[FundingResource]:
    """Published money that could pay for this need: the right year, an eligible category,
    a region scope covering the community, and enough left; a community fund only for its own
    community (and only after a residents' decision, checked when a project commits it).
    """
    code = need.community.region_id
    covering = [code, *regions.ancestors(code)]
    category = need.category
    eligible = Q(categories__isnull=True) | Q(categories=category)
    if category.parent_id:
        eligible |= Q(categories=category.parent_id)
    own_fund = ~Q(provider_type=ProviderType.COMMUNITY_FUND) | Q(community_id=need.community_id)
    return (
        resource_list()
        .filter(status=ResourceStatus.PUBLISHED, year=need.period_start.year)
        .filter(region_id__in=covering)
        .filter(eligible, own_fund)
        .filter(amount__gte=F("committed") + need.budget)  # available covers the budget
        .distinct()
        .order_by("provider_type", "-amount", "id")
    )


def decisions_visible_to(user) -> QuerySet:
    """Residents' decisions: the community's staff and the officials over it."""
    from .models import ResidentDecision

    decisions = ResidentDecision.objects.select_related("community")
    if not user.is_authenticated:
        return decisions.none()
    if user.is_superuser:
        return decisions
    query = Q(community_id__in=staff_community_ids(user))
    query |= within_q("community__region_id", official_region_codes(user))
    return decisions.filter(query)


# --- projects -------------------------------------------------------------------------------


def project_list() -> QuerySet[Project]:
    # Two joins, and the rarely set relations prefetched: with all seven joined, PostgreSQL
    # spent ~13 ms choosing a join order for a query that runs in ~1.5 ms.
    return Project.objects.select_related("community__region", "category").prefetch_related(
        "directed_org", "awarded_bid__org", "intention"
    )


def projects_visible_to(user) -> QuerySet[Project]:
    """Published projects are public (信息公开); drafts only to their community, the officials
    over it and the experts assigned to them (officials may assign before publishing)."""
    query = Q(published_at__isnull=False)
    if user.is_authenticated:
        if user.is_superuser:
            return project_list()
        query |= Q(community_id__in=staff_community_ids(user))
        query |= within_q("community__region_id", official_region_codes(user))
        query |= Q(pk__in=Assignment.objects.filter(user=user).values("project_id"))
    return project_list().filter(query)


def project_detail(pk: int, user) -> Project:
    return (
        projects_visible_to(user)
        .prefetch_related(
            Prefetch("funding", queryset=ProjectFunding.objects.select_related("resource")),
            Prefetch("assignments", queryset=Assignment.objects.select_related("user")),
        )
        .get(pk=pk)
    )


def bids_visible_to(user, project: Project) -> QuerySet[Bid]:
    """The community, officials and assigned reviewers see every bid; an organization its own."""
    bids = (
        Bid.objects.filter(project=project)
        .select_related("org", "submitted_by")
        .prefetch_related("team")
        .annotate(review_mean=Avg("reviews__total"), review_count=Count("reviews"))
    )
    if can_see_all_bids(user, project):
        return bids
    if not user.is_authenticated:
        return bids.none()
    from orgs.selectors import member_org_ids

    return bids.filter(org_id__in=member_org_ids(user))


def reviews_visible_to(user, project: Project) -> QuerySet[Review]:
    """A reviewer sees their own scores, and another reviewer's for a bid only after scoring
    that bid themselves (so nobody anchors on a colleague). The community and officials see
    every review; organizations none."""
    reviews = Review.objects.filter(project=project).select_related("bid__org", "reviewer")
    if not user.is_authenticated:
        return reviews.none()
    if user.is_superuser or can_manage_project(user, project):
        return reviews
    if can_review(user, project):
        mine = Review.objects.filter(project=project, reviewer=user).values("bid_id")
        return reviews.filter(Q(reviewer=user) | Q(bid_id__in=mine))
    return reviews.none()


def experts_for(project: Project, role: str) -> QuerySet[Expert]:
    """The pool an official picks from: experts of the role whose region covers the project."""
    code = project.community.region_id
    return (
        Expert.objects.filter(role=role, region_id__in=[code, *regions.ancestors(code)])
        .select_related("user")
        .order_by("user__display_name", "id")
    )


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("project")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def project_money(project: Project) -> dict[str, Decimal]:
    """Committed, released, disbursed and still reserved, summed over the funding lines."""
    zero = Decimal("0.00")
    totals = project.funding.aggregate(
        planned=Sum("amount"),
        committed=Sum("committed"),
        released=Sum("released"),
        disbursed=Sum("disbursed"),
    )
    totals = {k: v or zero for k, v in totals.items()}
    totals["outstanding"] = totals["committed"] - totals["released"] - totals["disbursed"]
    return totals


# How a completed project counts in an organization's track record (the matching engine's
# "strength"): the acceptance score (0–100), blended with the supervisors' mean rating mapped
# from 1–5 onto 0–100, weighted 70/30. A project with no visit counts its acceptance alone.
TRACK_ACCEPTANCE_WEIGHT = 0.7


def track_records(org_ids) -> dict[int, tuple[float, ...]]:
    """Per organization, one 0–100 score per project it completed on the platform."""
    rows = (
        Project.objects.filter(
            status=ProjectStatus.COMPLETED,
            awarded_bid__org_id__in=list(org_ids),
            acceptance_score__isnull=False,
        )
        .annotate(rating=Avg("visits__rating"))
        .values_list("awarded_bid__org_id", "acceptance_score", "rating")
        .order_by("awarded_bid__org_id", "id")
    )
    out: dict[int, list[float]] = defaultdict(list)
    for org_id, score, rating in rows:
        value = float(score)
        if rating is not None:
            supervised = (float(rating) - 1.0) / 4.0 * 100.0
            value = TRACK_ACCEPTANCE_WEIGHT * value + (1 - TRACK_ACCEPTANCE_WEIGHT) * supervised
        out[org_id].append(round(value, 2))
    return {k: tuple(v) for k, v in out.items()}


def live_bid_count(project: Project) -> int:
    return project.bids.filter(status=BidStatus.SUBMITTED).count()


# --- fairs (供需对接会) ----------------------------------------------------------------------


def fair_list() -> QuerySet[Fair]:
    """Fairs are public events: everyone sees the list, the participants and the figures."""
    return Fair.objects.select_related("region")


def registrations_of(fair: Fair) -> QuerySet[FairRegistration]:
    return fair.registrations.select_related("street", "community", "org").order_by("id")


def intentions_visible_to(user) -> QuerySet[Intention]:
    """Intention projects are the two parties' business until they become a project: the
    community's staff, the organization's members, and officials over the community or over
    the fair's region."""
    intentions = Intention.objects.select_related("fair", "community", "org", "project", "category")
    if not user.is_authenticated:
        return intentions.none()
    if user.is_superuser:
        return intentions
    codes = official_region_codes(user)
    query = Q(community_id__in=staff_community_ids(user))
    query |= Q(org_id__in=SocialOrg.objects.filter(members__user=user).values("id"))
    query |= within_q("community__region_id", codes) | within_q("fair__region_id", codes)
    return intentions.filter(query)


def unregistered_for(
    fair: Fair, community_ids: list[int], org_ids: list[int]
) -> tuple[list[Community], list[SocialOrg]]:
    """Of these communities and organizations (a user's own), those not yet registered for
    `fair`: the one-tap buttons. A community outside the fair's region cannot register (the
    service refuses it); an organization may come from anywhere."""
    registered = fair.registrations
    communities, orgs = [], []
    if community_ids:
        communities = list(
            Community.objects.filter(pk__in=community_ids)
            .filter(within_q("region_id", [fair.region_id]))
            .exclude(pk__in=registered.filter(community__isnull=False).values("community_id"))
        )
    if org_ids:
        orgs = list(
            SocialOrg.objects.filter(pk__in=org_ids).exclude(
                pk__in=registered.filter(org__isnull=False).values("org_id")
            )
        )
    return communities, orgs
