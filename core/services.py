"""Helpers every app's services share."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone

from .errors import InvalidTransition, ValidationFailed


def validation_failed(exc: ValidationError) -> ValidationFailed:
    """Turn a Django ValidationError into the domain error the API renders as a 400."""
    if hasattr(exc, "error_dict"):
        fields = {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
        # Errors of the whole row (constraints over several fields) name no field: they go in
        # the message only, as DRF's non_field_errors do (API.md: `fields` maps field names).
        general = fields.pop(NON_FIELD_ERRORS, [])
        message = "; ".join([*general, *(f"{name}: {msgs[0]}" for name, msgs in fields.items())])
    else:
        fields = {}
        message = "; ".join(str(m) for m in exc.messages)
    return ValidationFailed(message, fields=fields)


def clean_and_save(instance: models.Model, *, actor=None, exclude=None) -> models.Model:
    """Validate every field and constraint, record who changed it, then save."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_failed(exc) from exc
    if actor is not None and actor.is_authenticated:
        # django-simple-history reads this; token-authenticated API calls have no request user
        # at middleware time, so the service sets it explicitly.
        instance._history_user = actor
    instance.save()
    return instance


def change_status(
    instance: models.Model,
    *,
    actor,
    allowed_from,
    to: str,
    message: str,
    publish_status: str = "published",
) -> models.Model:
    """Move a row with `status`/`published_at` to state `to`, under a row lock.

    `message` names why the move is refused and may use %(status)s, the current state's label.
    Entering `publish_status` stamps `published_at`. Call inside a transaction.
    """
    locked = type(instance).objects.select_for_update().get(pk=instance.pk)
    if locked.status not in allowed_from:
        raise InvalidTransition(message % {"status": locked.get_status_display()})
    locked.status = to
    if to == publish_status:
        locked.published_at = timezone.now()
    return clean_and_save(locked, actor=actor)
