"""Plain predicates of the projects app: services, API, views and templates all ask these."""

from dataclasses import dataclass

from django.utils import timezone

from communities.permissions import has_jurisdiction, is_community_staff, is_official_or_admin
from core import regions
from orgs.permissions import is_org_member

from .choices import BidStatus, ExpertRole, Procurement
from .choices import ProjectStatus as S
from .models import FundingResource, Project


def can_create_resource(user, region_code: str) -> bool:
    """Officials publish money for their own region or anywhere below it."""
    return has_jurisdiction(user, region_code)


def can_edit_resource(user, resource: FundingResource) -> bool:
    return has_jurisdiction(user, resource.region_id)


def can_record_decision(user, community_id: int) -> bool:
    return is_community_staff(user, community_id)


def can_view_decisions(user, community) -> bool:
    """The community's own staff and the officials over it (as `decisions_visible_to`)."""
    return bool(
        user.is_authenticated
        and (
            user.is_superuser
            or is_community_staff(user, community.id)
            or has_jurisdiction(user, community.region_id)
        )
    )


# --- projects -------------------------------------------------------------------------------
#
# Who does what (DOMAIN.md): the community drafts and publishes, awards with the officials over
# it; officials assign reviewers and supervisors and accept; organizations bid, start the
# awarded work and report; assigned reviewers score bids; assigned supervisors visit.


def is_project_staff(user, project: Project) -> bool:
    return is_community_staff(user, project.community_id)


def is_project_official(user, project: Project) -> bool:
    return has_jurisdiction(user, project.community.region_id)


def is_assigned(user, project: Project, role: str) -> bool:
    return bool(user.is_authenticated and project.assignments.filter(user=user, role=role).exists())


def is_awarded_org_member(user, project: Project) -> bool:
    bid = project.awarded_bid
    return bid is not None and is_org_member(user, bid.org_id)


def can_create_project(user, community_id: int) -> bool:
    return is_community_staff(user, community_id)


def can_edit_project(user, project: Project) -> bool:
    return is_project_staff(user, project)


def can_manage_project(user, project: Project) -> bool:
    """Publish, close bidding, award: the community together with the officials over it."""
    return is_project_staff(user, project) or is_project_official(user, project)


def can_assign_experts(user, project: Project) -> bool:
    return is_project_official(user, project)


def can_accept_project(user, project: Project) -> bool:
    return is_project_official(user, project)


def can_cancel_project(user, project: Project) -> bool:
    """Officials may cancel any live project; the community only until the work starts."""
    if is_project_official(user, project):
        return True
    return is_project_staff(user, project) and project.status in (
        S.DRAFT,
        S.PUBLISHED,
        S.REVIEWING,
        S.AWARDED,
    )


def can_bid_as(user, project: Project, org) -> bool:
    """A member of a verified organization (open), or of the one named (directed)."""
    if not is_org_member(user, org.id):
        return False
    if project.procurement == Procurement.DIRECTED:
        return org.id == project.directed_org_id
    return org.verified


def can_start_project(user, project: Project) -> bool:
    return is_awarded_org_member(user, project) or is_project_staff(user, project)


def can_report_progress(user, project: Project) -> bool:
    return is_awarded_org_member(user, project)


def can_review(user, project: Project) -> bool:
    return is_assigned(user, project, ExpertRole.REVIEWER)


def can_supervise(user, project: Project) -> bool:
    return is_assigned(user, project, ExpertRole.SUPERVISOR)


def can_see_all_bids(user, project: Project) -> bool:
    """The community, the officials over it and the assigned reviewers see every bid;
    an organization only its own."""
    return bool(
        user.is_authenticated
        and (user.is_superuser or can_manage_project(user, project) or can_review(user, project))
    )


def can_designate_demonstration(user, project: Project) -> bool:
    """Designate a completed project as a demonstration, or withdraw it: officials over it."""
    return is_project_official(user, project)


# Who may take each project action that carries a body. The API asks before it reads the
# body, so a caller without the role gets 403 whatever they sent (API.md), not a 400 about a
# body they were never allowed to send. The services ask again, with their own messages.
BODY_ACTION_ROLES = {
    "publish": can_manage_project,
    "award": can_manage_project,
    "assign": can_assign_experts,
    "submit_final_report": can_report_progress,
    "accept": can_accept_project,
    "cancel": can_cancel_project,
    "designate_demonstration": can_designate_demonstration,
    "withdraw_demonstration": can_designate_demonstration,
    "reviews": can_review,
    "supervisions": can_supervise,
    "progress_reports": can_report_progress,
}


def can_see_delivery(user, project: Project) -> bool:
    """Supervision visits and progress reports: the community, officials, the assigned
    experts and the awarded organization."""
    return bool(
        user.is_authenticated
        and (
            user.is_superuser
            or can_manage_project(user, project)
            or is_awarded_org_member(user, project)
            or project.assignments.filter(user=user).exists()
        )
    )


# --- what a user may do to a project now (the API's `actions`, the page's buttons) ------------
#
# The names are the API's action names (POST projects/{id}/<name>/, or the sub-collection a
# POST goes to), so the browser's buttons and a REST client read the same list.

ACTIONS = (
    "edit",
    "publish",
    "close-bidding",
    "award",
    "start",
    "submit-final-report",
    "accept",
    "cancel",
    "assign",
    "bid",
    "review",
    "supervise",
    "report-progress",
    "designate-demonstration",
    "withdraw-demonstration",
)

_CANCELLABLE = (S.DRAFT, S.PUBLISHED, S.REVIEWING, S.AWARDED, S.IN_PROGRESS, S.RECTIFICATION)
_DELIVERY = (S.IN_PROGRESS, S.RECTIFICATION)
_CLOSED = (S.COMPLETED, S.FAILED, S.CANCELLED)


@dataclass(frozen=True)
class Memberships:
    """A user's memberships read once (three queries), so a list can ask `project_actions`
    for every row without a query per row. Same rules as the predicates above."""

    user_id: int | None = None
    community_ids: frozenset[int] = frozenset()
    region_codes: tuple[str, ...] = ()
    orgs: tuple[tuple[int, bool], ...] = ()  # (org id, verified)
    is_superuser: bool = False

    @classmethod
    def of(cls, user) -> "Memberships":
        if not user.is_authenticated:
            return cls()
        from orgs.models import SocialOrg

        return cls(
            user_id=user.pk,
            community_ids=frozenset(
                user.community_memberships.values_list("community_id", flat=True)
            ),
            region_codes=tuple(user.official_memberships.values_list("region_id", flat=True)),
            orgs=tuple(
                SocialOrg.objects.filter(members__user=user)
                .order_by("id")
                .values_list("id", "verified")
            ),
            is_superuser=user.is_superuser,
        )

    def official_over(self, region_code: str) -> bool:
        return any(regions.is_within(region_code, code) for code in self.region_codes)


@dataclass(frozen=True)
class ProjectRoles:
    """What one user is to one project."""

    staff: bool = False  # is_project_staff
    official: bool = False  # is_project_official
    awarded_member: bool = False  # is_awarded_org_member
    reviewer: bool = False  # can_review
    supervisor: bool = False  # can_supervise
    bid_orgs: tuple[int, ...] = ()  # orgs the user may bid for now (can_bid_as, no live bid)
    superuser: bool = False

    @property
    def manager(self) -> bool:  # can_manage_project
        return self.staff or self.official

    @property
    def sees_delivery(self) -> bool:  # can_see_delivery
        assigned = self.reviewer or self.supervisor
        return self.superuser or self.manager or self.awarded_member or assigned


def project_roles(user, project: Project, memberships: Memberships | None = None) -> ProjectRoles:
    """Reads `project.assignments` and `project.bids` through `.all()`, so prefetching them
    (as the API list does) makes this free of queries."""
    if not user.is_authenticated:
        return ProjectRoles()
    m = memberships if memberships is not None else Memberships.of(user)
    roles = {a.role for a in project.assignments.all() if a.user_id == m.user_id}
    awarded_org = project.awarded_bid.org_id if project.awarded_bid_id else None
    member_of = dict(m.orgs)
    bid_orgs: tuple[int, ...] = ()
    if member_of:
        live = {b.org_id for b in project.bids.all() if b.status == BidStatus.SUBMITTED}
        if project.procurement == Procurement.DIRECTED:
            eligible = [project.directed_org_id] if project.directed_org_id in member_of else []
        else:
            eligible = [org_id for org_id, verified in m.orgs if verified]
        bid_orgs = tuple(org_id for org_id in eligible if org_id not in live)
    return ProjectRoles(
        staff=project.community_id in m.community_ids,
        official=m.official_over(project.community.region_id),
        awarded_member=awarded_org is not None and awarded_org in member_of,
        reviewer=ExpertRole.REVIEWER in roles,
        supervisor=ExpertRole.SUPERVISOR in roles,
        bid_orgs=bid_orgs,
        superuser=m.is_superuser,
    )


def _closable(project: Project, bidding: bool) -> bool:
    """Past the deadline, or (directed procurement) as soon as the named organization bid."""
    if not bidding:
        return True
    return project.procurement == Procurement.DIRECTED and any(
        b.org_id == project.directed_org_id and b.status == BidStatus.SUBMITTED
        for b in project.bids.all()
    )


def project_actions(user, project: Project, memberships: Memberships | None = None) -> list[str]:
    """The actions `user` may take on `project` now, in the order of ACTIONS.

    Decided from the predicates' rules, the status and the project's own deadline. Guards that
    depend on other rows (reviews present, a supervision visit recorded, funds available) are
    left to the services, which refuse with a 409 that says why.
    """
    if not user.is_authenticated:
        return []
    r = project_roles(user, project, memberships)
    status = project.status
    deadline = project.bid_deadline
    bidding = status == S.PUBLISHED and deadline is not None and timezone.now() < deadline
    completed = status == S.COMPLETED  # demonstrations are chosen among completed projects
    allowed = {
        "edit": r.staff and status == S.DRAFT,
        "publish": r.manager and status == S.DRAFT,
        "close-bidding": r.manager and status == S.PUBLISHED and _closable(project, bidding),
        "award": r.manager and status == S.REVIEWING,
        "start": (r.awarded_member or r.staff) and status == S.AWARDED,
        "submit-final-report": r.awarded_member and status in _DELIVERY,
        "accept": r.official and status == S.ACCEPTANCE,
        "cancel": status in _CANCELLABLE
        and (r.official or (r.staff and status in (S.DRAFT, S.PUBLISHED, S.REVIEWING, S.AWARDED))),
        "assign": r.official and status not in _CLOSED,
        "bid": bidding and bool(r.bid_orgs),
        "review": r.reviewer and status == S.REVIEWING,
        "supervise": r.supervisor and status in (*_DELIVERY, S.ACCEPTANCE),
        "report-progress": r.awarded_member and status in _DELIVERY,
        "designate-demonstration": r.official and completed and not project.demonstration,
        "withdraw-demonstration": r.official and completed and project.demonstration,
    }
    return [name for name in ACTIONS if allowed[name]]


# --- fairs (供需对接会) -------------------------------------------------------------------------


def can_hold_fairs(user) -> bool:
    """Who is offered the form to hold a fair (each fair then needs `can_create_fair`)."""
    return is_official_or_admin(user)


def can_sign_at_fairs(user) -> bool:
    """Who can be a party to an intention, or sign for one: community staff, organization
    members and officials (each intention then needs `can_sign_intention`)."""
    return bool(
        user.is_authenticated
        and (
            user.community_memberships.exists()
            or user.org_memberships.exists()
            or is_official_or_admin(user)
        )
    )


def can_create_fair(user, region_code: str) -> bool:
    """Officials hold a fair for their own region or one below it."""
    return has_jurisdiction(user, region_code)


def can_register_street(user, street_code: str) -> bool:
    return has_jurisdiction(user, street_code)


def can_register_community(user, community) -> bool:
    """Staff register their own community; officials any community within their region."""
    return is_community_staff(user, community.id) or has_jurisdiction(user, community.region_id)


def can_register_org(user, org) -> bool:
    """Members register their own organization; officials any registered within their region."""
    return is_org_member(user, org.id) or has_jurisdiction(user, org.region_id)


def can_sign_intention(user, community, org) -> bool:
    """Either party signs: staff of the community, a member of the organization, or an
    official over the community."""
    return (
        is_community_staff(user, community.id)
        or is_org_member(user, org.id)
        or has_jurisdiction(user, community.region_id)
    )


def can_convert_intention(user, intention) -> bool:
    """The draft belongs to the community, so its staff convert (as `can_create_project`)."""
    return is_community_staff(user, intention.community_id)
