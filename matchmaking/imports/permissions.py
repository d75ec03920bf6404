"""Who may import, and where."""


def can_import(user) -> bool:
    """Officials (of any region) and superusers; each row must then lie in their jurisdiction."""
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_superuser or user.official_memberships.exists())
    )


def import_scope(user) -> list[str] | None:
    """Region codes under which the user may import; None means anywhere (superuser, or the
    command line without --user)."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return None
    return list(user.official_memberships.values_list("region_id", flat=True))
