"""Reads of the projects app, and the roles a user holds across all apps."""

from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet

from communities.models import Community, Region
from communities.selectors import official_region_codes, staff_community_ids, within_q
from core import regions
from orgs.models import SocialOrg

from .choices import ExpertRole, ProviderType, ResourceStatus
from .models import FundingResource


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
