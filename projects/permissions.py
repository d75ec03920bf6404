"""Plain predicates of the projects app."""

from communities.permissions import has_jurisdiction, is_community_staff

from .models import FundingResource


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
