"""Plain predicates for the orgs app."""

from communities.permissions import has_jurisdiction

from .models import ServiceOffering, SocialOrg


def is_org_member(user, org_id: int) -> bool:
    return bool(user.is_authenticated and user.org_memberships.filter(org_id=org_id).exists())


def can_edit_org(user, org: SocialOrg) -> bool:
    return is_org_member(user, org.id)


def can_verify_org(user, org: SocialOrg) -> bool:
    return has_jurisdiction(user, org.region_id)


def can_edit_offering(user, offering: ServiceOffering) -> bool:
    return is_org_member(user, offering.org_id)


def can_see_org_contacts(user, org: SocialOrg) -> bool:
    """Phone numbers are personal data: members and officials over the org only."""
    return is_org_member(user, org.id) or has_jurisdiction(user, org.region_id)
