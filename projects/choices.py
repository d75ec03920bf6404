from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProviderType(models.TextChoices):
    GOVERNMENT = "government", _("Government purchase of services")
    COMMUNITY_FUND = "community_fund", _("Community benefit fund")
    CHARITY = "charity", _("Charity federation")
    ENTERPRISE = "enterprise", _("Caring enterprise")
    FOUNDATION = "foundation", _("Foundation")


class ResourceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class ExpertRole(models.TextChoices):
    REVIEWER = "reviewer", _("Reviewer")
    SUPERVISOR = "supervisor", _("Supervisor")


class LedgerKind(models.TextChoices):
    COMMIT = "commit", _("Commit")
    RELEASE = "release", _("Release")
    DISBURSE = "disburse", _("Disburse")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Open for bids")
    REVIEWING = "reviewing", _("Under review")
    AWARDED = "awarded", _("Awarded")
    IN_PROGRESS = "in_progress", _("In progress")
    ACCEPTANCE = "acceptance", _("Awaiting acceptance")
    RECTIFICATION = "rectification", _("Rectification")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", pgettext_lazy("project status", "Failed")
    CANCELLED = "cancelled", _("Cancelled")


S = ProjectStatus

# The lifecycle (五统一: publish → bid → review → supervise → accept). Each action a service
# performs, with the states it may start from and the state it leads to. The model's
# django-fsm transitions are declared from this table, so it is the one place to read it.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "publish": ((S.DRAFT,), S.PUBLISHED),
    "close_bidding": ((S.PUBLISHED,), S.REVIEWING),
    "fail_bidding": ((S.PUBLISHED,), S.FAILED),  # no valid bid when bidding closed
    "award": ((S.REVIEWING,), S.AWARDED),
    "start": ((S.AWARDED,), S.IN_PROGRESS),
    "submit_final_report": ((S.IN_PROGRESS, S.RECTIFICATION), S.ACCEPTANCE),
    "accept_pass": ((S.ACCEPTANCE,), S.COMPLETED),
    "accept_fail": ((S.ACCEPTANCE,), S.RECTIFICATION),  # first failure: fix and resubmit once
    "accept_fail_final": ((S.ACCEPTANCE,), S.FAILED),  # failed again after rectification
    "cancel": (
        (S.DRAFT, S.PUBLISHED, S.REVIEWING, S.AWARDED, S.IN_PROGRESS, S.RECTIFICATION),
        S.CANCELLED,
    ),
}

# States in which the project's money is still reserved for it.
LIVE_STATES = (
    S.PUBLISHED,
    S.REVIEWING,
    S.AWARDED,
    S.IN_PROGRESS,
    S.ACCEPTANCE,
    S.RECTIFICATION,
)
FINAL_STATES = (S.COMPLETED, S.FAILED, S.CANCELLED)

# The five stages the project page draws as a timeline, and the states inside each.
STAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("publish", _("Publish"), (S.DRAFT, S.PUBLISHED)),
    ("bid", _("Apply / bid"), (S.PUBLISHED,)),
    ("review", _("Review"), (S.REVIEWING, S.AWARDED)),
    ("supervise", _("Supervise"), (S.IN_PROGRESS,)),
    ("accept", _("Accept"), (S.ACCEPTANCE, S.RECTIFICATION, S.COMPLETED)),
)


class Procurement(models.TextChoices):
    OPEN = "open", _("Open (any verified organization)")
    DIRECTED = "directed", _("Directed (one named organization)")


class BidStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    AWARDED = "awarded", _("Won")
    LOST = "lost", _("Not selected")


class AcceptanceResult(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class NotificationKind(models.TextChoices):
    BID_RECEIVED = "bid_received", _("A bid arrived")
    ASSIGNED = "assigned", _("You were assigned")
    DEADLINE_PASSED = "deadline_passed", _("Bidding closed")
    AWARDED = "awarded", _("You won")
    NOT_AWARDED = "not_awarded", _("Bid not selected")
    REPORT_DUE = "report_due", _("Report due")
    ACCEPTANCE_DUE = "acceptance_due", _("Acceptance due")
    ACCEPTED = "accepted", _("Acceptance result")
    CANCELLED = "cancelled", _("Project cancelled")


NOTIFICATION_TEXT = {
    NotificationKind.BID_RECEIVED: _("A new bid arrived for “%(title)s”."),
    NotificationKind.ASSIGNED: _("You were assigned to “%(title)s”."),
    NotificationKind.DEADLINE_PASSED: _("Bidding for “%(title)s” has closed."),
    NotificationKind.AWARDED: _("Your bid for “%(title)s” won. Start the service when ready."),
    NotificationKind.NOT_AWARDED: _("Your bid for “%(title)s” was not selected."),
    NotificationKind.REPORT_DUE: _("A progress report for “%(title)s” is due."),
    NotificationKind.ACCEPTANCE_DUE: _("“%(title)s” is waiting for acceptance."),
    NotificationKind.ACCEPTED: _("The acceptance result of “%(title)s” is in."),
    NotificationKind.CANCELLED: _("“%(title)s” was cancelled."),
}
