"""Plain predicates: views, API permissions, templates and services all ask these."""

from core import regions

from .models import ServiceNeed


def is_community_staff(user, community_id: int) -> bool:
    return bool(
        user.is_authenticated
        and user.community_memberships.filter(community_id=community_id).exists()
    )


def has_jurisdiction(user, region_code: str) -> bool:
    """True when the user is an official of `region_code` or of a region above it."""
    if not user.is_authenticated:
        return False
    return any(
        regions.is_within(region_code, code)
        for code in user.official_memberships.values_list("region_id", flat=True)
    )


def is_official_or_admin(user) -> bool:
    """An official of any region, or a superuser: who may open the officials' tools at all
    (dashboard, import, reports, holding a fair); each action then checks the region."""
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_superuser or user.official_memberships.exists())
    )


def can_edit_need(user, need: ServiceNeed) -> bool:
    return is_community_staff(user, need.community_id)


def can_edit_community(user, community_id: int) -> bool:
    return is_community_staff(user, community_id)
