"""Designating demonstration projects (示范项目) and withdrawing the designation.

Officials over the project's community pick completed projects as examples for others, with a
citation saying why. Neither action changes the status, but both are written to the project's
transition log (from = to = completed) so the project's history shows who did it, when and why.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidTransition, NotAllowed

from ..choices import ProjectStatus
from ..models import Project, ProjectTransition
from ..permissions import is_project_official
from .steps import actor_user, lock_project, refresh, required_text

DESIGNATE = "designate_demonstration"
WITHDRAW = "withdraw_demonstration"


def _check(actor, project: Project, text, field: str, message: str) -> tuple[Project, str]:
    """Permission, input, then the locked row's state; returns (locked row, cleaned text)."""
    if not is_project_official(actor, project):
        raise NotAllowed(
            _("Only officials over the project's community designate demonstration projects.")
        )
    text = required_text(text, field, message)
    locked = lock_project(project)
    if locked.status != ProjectStatus.COMPLETED:
        raise InvalidTransition(
            _("Only a completed project can be a demonstration project."), code="not_completed"
        )
    return locked, text


def _log(locked: Project, action: str, *, actor, note: str) -> None:
    locked._history_user = actor_user(actor)  # django-simple-history: who made this version
    locked.save(
        update_fields=[
            "demonstration",
            "demonstration_citation",
            "demonstration_at",
            "demonstration_by",
            "updated_at",
        ]
    )
    ProjectTransition.objects.create(
        project=locked,
        action=action,
        from_status=locked.status,
        to_status=locked.status,
        by=actor_user(actor),
        note=note,
    )


@transaction.atomic
def project_designate_demonstration(*, actor, project: Project, citation: str) -> Project:
    """Mark a completed project as a demonstration project, with the citation shown publicly."""
    locked, citation = _check(
        actor, project, citation, "citation", _("Say why this project is a demonstration.")
    )
    if locked.demonstration:
        raise InvalidTransition(
            _("The project is already a demonstration project."), code="already_demonstration"
        )
    locked.demonstration = True
    locked.demonstration_citation = citation
    locked.demonstration_at = timezone.now()
    locked.demonstration_by = actor_user(actor)
    _log(locked, DESIGNATE, actor=actor, note=citation)
    return refresh(project, locked)


@transaction.atomic
def project_withdraw_demonstration(*, actor, project: Project, reason: str) -> Project:
    """Withdraw the designation; the citation is cleared (the log and history keep it)."""
    locked, reason = _check(
        actor, project, reason, "reason", _("Say why the designation is withdrawn.")
    )
    if not locked.demonstration:
        raise InvalidTransition(
            _("The project is not a demonstration project."), code="not_demonstration"
        )
    locked.demonstration = False
    locked.demonstration_citation = ""
    locked.demonstration_at = None
    locked.demonstration_by = None
    _log(locked, WITHDRAW, actor=actor, note=reason)
    return refresh(project, locked)
