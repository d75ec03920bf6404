"""Who may import, and where."""

from communities.permissions import is_official_or_admin


def can_import(user) -> bool:
    """Officials (of any region) and superusers; each row must then lie in their jurisdiction."""
    return is_official_or_admin(user)


def import_scope(user) -> list[str] | None:
    """Region codes under which the user may import; None means anywhere (superuser, or the
    command line without --user)."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return None
    return list(user.official_memberships.values_list("region_id", flat=True))
