"""Plain predicates for the orgs app."""

from collections.abc import Callable

from communities.permissions import has_jurisdiction
from core import regions

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
    return org_contacts_checker(user)(org)


def org_contacts_checker(user) -> Callable[[SocialOrg], bool]:
    """`can_see_org_contacts` for a whole list: the user's memberships are read once, here.

    Members of the org, and officials whose region contains it (as `has_jurisdiction`).
    """
    if not user.is_authenticated:
        return lambda org: False
    member_of = set(user.org_memberships.values_list("org_id", flat=True))
    official_of = list(user.official_memberships.values_list("region_id", flat=True))
    return lambda org: (
        org.id in member_of or any(regions.is_within(org.region_id, code) for code in official_of)
    )
