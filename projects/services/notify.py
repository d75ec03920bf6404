"""In-app notifications: who must hear about a project event. Called inside the services'
transactions, so a refused action notifies nobody."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core import regions

from ..models import Notification, Project

User = get_user_model()


def users(recipients, kind: str, project: Project | None = None, *, detail: str = "") -> int:
    rows = [
        Notification(user=user, kind=kind, project=project, detail=detail[:300])
        for user in {u.pk: u for u in recipients}.values()
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def community_staff(project: Project, kind: str, *, detail: str = "") -> int:
    return users(
        User.objects.filter(community_memberships__community_id=project.community_id),
        kind,
        project,
        detail=detail,
    )


def officials(project: Project, kind: str, *, detail: str = "") -> int:
    """The officials of the community's street, district and city."""
    code = project.community.region_id
    return users(
        User.objects.filter(official_memberships__region_id__in=[code, *regions.ancestors(code)]),
        kind,
        project,
        detail=detail,
    )


def org_members(org_id: int, kind: str, project: Project, *, detail: str = "") -> int:
    return users(User.objects.filter(org_memberships__org_id=org_id), kind, project, detail=detail)


def assigned(project: Project, role: str, kind: str, *, detail: str = "") -> int:
    return users(
        User.objects.filter(project_assignments__project=project, project_assignments__role=role),
        kind,
        project,
        detail=detail,
    )


@transaction.atomic
def notification_mark_read(*, actor, notification: Notification | None = None) -> int:
    """Mark one of the actor's notifications read, or all of them."""
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())
