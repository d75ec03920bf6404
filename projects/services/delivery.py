"""Writes of delivery and closing: start, progress reports, supervision visits, the final
report, acceptance (which pays out), cancellation (which gives the money back) and reminders.
Same rules as lifecycle.py: lock the project, check the actor and the table, log, notify."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidTransition, ValidationFailed
from core.services import clean_and_save

from ..choices import BidStatus, NotificationKind, ProjectStatus
from ..models import Acceptance, ProgressReport, Project, SupervisionVisit
from ..permissions import (
    can_accept_project,
    can_cancel_project,
    can_report_progress,
    can_start_project,
    can_supervise,
)
from . import notify
from .money import ledger_disburse
from .steps import (
    ensure_allowed,
    lock_project,
    lock_resources,
    move,
    refresh,
    release_all,
    require,
    required_text,
)

S = ProjectStatus

# --- delivery -------------------------------------------------------------------------------


@transaction.atomic
def project_start(*, actor, project: Project) -> Project:
    require(
        can_start_project(actor, project),
        _("Only the awarded organization or the community may start the project."),
    )
    locked = lock_project(project)
    move(locked, "start", actor=actor)
    locked.started_at = timezone.now()
    locked.save()
    if locked.awarded_bid_id:
        notify.org_members(locked.awarded_bid.org_id, NotificationKind.REPORT_DUE, locked)
    return refresh(project, locked)


DELIVERY = (S.IN_PROGRESS, S.RECTIFICATION)


@transaction.atomic
def progress_report_submit(
    *, actor, project: Project, period_end, summary: str, beneficiaries_served: int
) -> ProgressReport:
    require(can_report_progress(actor, project), _("Only the awarded organization reports."))
    locked = lock_project(project)
    if locked.status not in DELIVERY:
        raise InvalidTransition(_("Progress is reported while the service is running."))
    report = ProgressReport(
        project=locked,
        org_id=locked.awarded_bid.org_id,
        period_end=period_end,
        summary=required_text(summary, "summary", _("Summarise what was done.")),
        beneficiaries_served=beneficiaries_served,
        submitted_by=actor,
    )
    return clean_and_save(report, actor=actor)


@transaction.atomic
def supervision_record(
    *, actor, project: Project, visited_on, findings: str, rating: int
) -> SupervisionVisit:
    require(can_supervise(actor, project), _("Only supervisors assigned to the project visit."))
    locked = lock_project(project)
    if locked.status not in (*DELIVERY, S.ACCEPTANCE):
        raise InvalidTransition(_("Supervision visits are recorded while the service runs."))
    if visited_on > timezone.localdate():
        raise ValidationFailed(
            _("A visit cannot be in the future."),
            fields={"visited_on": [_("Choose today or an earlier day.")]},
        )
    visit = SupervisionVisit(
        project=locked,
        supervisor=actor,
        visited_on=visited_on,
        findings=required_text(findings, "findings", _("Write down what you found.")),
        rating=rating,
    )
    return clean_and_save(visit, actor=actor)


@transaction.atomic
def project_submit_final_report(*, actor, project: Project, report: str) -> Project:
    require(
        can_report_progress(actor, project), _("Only the awarded organization files the report.")
    )
    locked = lock_project(project)
    report = required_text(report, "report", _("The final report is empty."))
    move(locked, "submit_final_report", actor=actor)
    locked.final_report = report
    locked.final_report_at = timezone.now()
    locked.save()
    notify.officials(locked, NotificationKind.ACCEPTANCE_DUE)
    return refresh(project, locked)


@transaction.atomic
def project_accept(
    *, actor, project: Project, result: str, score: int, comments: str = ""
) -> Project:
    """Officials check the delivered service. A pass pays the contract out of the ledger; a
    first failure sends it to rectification, a second one fails it and releases the money."""
    require(
        can_accept_project(actor, project),
        _("Only officials over the project's community accept it."),
    )
    locked = lock_project(project)
    ensure_allowed(locked, "accept_pass")
    if not locked.final_report:
        raise InvalidTransition(_("There is no final report yet."), code="final_report_missing")
    if not locked.visits.exists():
        raise InvalidTransition(
            _("No supervision visit has been recorded: a supervisor must visit first."),
            code="supervision_missing",
        )
    if result not in ("pass", "fail"):
        raise ValidationFailed(
            _("The result is pass or fail."), fields={"result": [_("pass or fail")]}
        )
    acceptance = Acceptance(project=locked, result=result, score=score, comments=comments, by=actor)
    clean_and_save(acceptance, actor=actor)
    note = f"{acceptance.get_result_display()} {score}"
    if result == "pass":
        move(locked, "accept_pass", actor=actor, note=note)
        locked.acceptance_score = score
        locked.closed_at = timezone.now()
        locked.save()
        lines = list(locked.funding.select_related("resource"))
        lock_resources(lines)
        for line in lines:
            if line.outstanding > 0:
                amount = line.outstanding
                ledger_disburse(
                    actor=actor,
                    resource=line.resource,
                    amount=amount,
                    reference=locked.code,
                    project=locked,
                )
                line.disbursed += amount
                line.save(update_fields=["disbursed"])
    elif not locked.rectified:
        move(locked, "accept_fail", actor=actor, note=note)
        locked.rectified = True
        locked.save()
    else:
        move(locked, "accept_fail_final", actor=actor, note=note)
        locked.acceptance_score = score
        locked.closed_at = timezone.now()
        locked.save()
        release_all(locked, actor=actor, note=_("failed acceptance"))
    notify.org_members(locked.awarded_bid.org_id, NotificationKind.ACCEPTED, locked)
    return refresh(project, locked)


@transaction.atomic
def project_cancel(*, actor, project: Project, reason: str) -> Project:
    """Stop the project with a reason; what is still reserved goes back to the resources."""
    require(can_cancel_project(actor, project), _("You may not cancel this project."))
    reason = required_text(reason, "reason", _("Say why the project is cancelled."))
    locked = lock_project(project)
    # Asked again of the locked row: who may cancel depends on the status, which the caller's
    # copy may no longer show (the organization started the work meanwhile).
    require(can_cancel_project(actor, locked), _("You may not cancel this project."))
    move(locked, "cancel", actor=actor, note=reason)
    locked.cancel_reason = reason
    locked.closed_at = timezone.now()
    locked.save()
    release_all(locked, actor=actor, note=_("cancelled"))
    org_ids = set(locked.bids.exclude(status=BidStatus.WITHDRAWN).values_list("org_id", flat=True))
    for org_id in org_ids:
        notify.org_members(org_id, NotificationKind.CANCELLED, locked)
    return refresh(project, locked)


def remind_progress_reports(*, now: datetime | None = None) -> int:
    """Remind the awarded organizations of running projects that have not reported within
    settings.PROGRESS_REPORT_INTERVAL_DAYS (counted from the start or the last report).
    Nobody is reminded twice within one interval, so the beat may run it as often as it likes.
    """
    from datetime import timedelta

    from django.db.models import Max
    from django.db.models.functions import Coalesce, Greatest

    from ..models import Notification

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PROGRESS_REPORT_INTERVAL_DAYS)
    # Without a project: NOT IN over a list holding NULL would exclude every project.
    reminded = Notification.objects.filter(
        kind=NotificationKind.REPORT_DUE, created_at__gt=cutoff, project__isnull=False
    ).values("project_id")
    due = (
        Project.objects.filter(status__in=DELIVERY)
        .annotate(
            last=Greatest("started_at", Coalesce(Max("progress_reports__created_at"), "started_at"))
        )
        .filter(last__lte=cutoff)
        .exclude(pk__in=reminded)
        .select_related("awarded_bid", "community")
    )
    sent = 0
    for project in due:
        with transaction.atomic():
            sent += notify.org_members(
                project.awarded_bid.org_id, NotificationKind.REPORT_DUE, project
            )
    return sent
