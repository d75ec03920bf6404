"""Plain predicates of the projects app: services, API, views and templates all ask these."""

from communities.permissions import has_jurisdiction, is_community_staff
from orgs.permissions import is_org_member

from .choices import ExpertRole, Procurement
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
