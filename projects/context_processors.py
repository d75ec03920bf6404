from django.utils.functional import SimpleLazyObject

from .selectors import Roles, unread_count, user_roles


def roles(request) -> dict:
    """`roles` and `unread_notifications` in every template, each computed only when a
    template reads it (the header's bell reads the count on every page of a signed-in user)."""
    user = getattr(request, "user", None)
    if user is None:
        return {"roles": Roles(), "unread_notifications": 0}
    return {
        "roles": SimpleLazyObject(lambda: user_roles(user)),
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user)),
    }
