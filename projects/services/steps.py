"""The steps every project service takes: lock the row, check and apply one transition of the
table and log it, copy the locked state back to the caller's instance, and give back money.

Shared by lifecycle.py (drafting to award), delivery.py (start to acceptance) and
demonstration.py; the services themselves stay one per state change.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed

from core.errors import InvalidTransition, NotAllowed, ValidationFailed

from ..choices import ProjectStatus
from ..models import FundingResource, Project, ProjectTransition
from .money import ledger_release

S = ProjectStatus
ZERO = Decimal("0.00")


def lock_project(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def move(project: Project, action: str, *, actor, note: str = "") -> ProjectTransition:
    """Apply one transition of the table to a locked project and log it."""
    before = project.status
    project._history_user = actor_user(actor)  # django-simple-history: who made this version
    try:
        getattr(project, action)()
    except TransitionNotAllowed as exc:
        raise InvalidTransition(
            _("A project that is “%(status)s” cannot do that.") % {"status": S(before).label}
        ) from exc
    return ProjectTransition.objects.create(
        project=project,
        action=action,
        from_status=before,
        to_status=project.status,
        by=actor_user(actor),
        note=note,
    )


def ensure_allowed(project: Project, action: str) -> None:
    """Refuse an action the transition table does not allow from the current state."""
    if not can_proceed(getattr(project, action)):
        raise InvalidTransition(
            _("A project that is “%(status)s” cannot do that.")
            % {"status": S(project.status).label}
        )


def actor_user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def require(condition: bool, message: str) -> None:
    if not condition:
        raise NotAllowed(message)


def refresh(target: Project, locked: Project) -> Project:
    """Callers keep their instance: copy the locked row's state onto it."""
    for field in locked._meta.concrete_fields:
        setattr(target, field.attname, getattr(locked, field.attname))
    return locked


def lock_resources(lines) -> None:
    """Lock the lines' resources in one order (by id) before moving their money: two projects
    listing the same resources in opposite orders would otherwise each hold one row and wait
    for the other (a deadlock on PostgreSQL). The ledger's own per-row locks then re-enter."""
    ids = sorted({line.resource_id for line in lines})
    list(FundingResource.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def required_text(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, fields={field: [_("This field is required.")]})
    return value


def release_all(project: Project, *, actor, note: str) -> Decimal:
    """Give back everything still reserved for the project."""
    released = ZERO
    lines = list(project.funding.select_related("resource"))
    lock_resources(lines)
    for line in lines:
        outstanding = line.outstanding
        if outstanding > 0:
            ledger_release(
                actor=actor,
                resource=line.resource,
                amount=outstanding,
                reference=project.code,
                note=note,
                project=project,
            )
            line.released += outstanding
            line.save(update_fields=["released"])
            released += outstanding
    return released
