from django.utils.functional import SimpleLazyObject

from .selectors import Roles, user_roles


def roles(request) -> dict:
    """`roles` in every template, computed only when a template reads it."""
    user = getattr(request, "user", None)
    if user is None:
        return {"roles": Roles()}
    return {"roles": SimpleLazyObject(lambda: user_roles(user))}
