"""Projects (项目) and what happens to them: bids, reviews, visits, reports, acceptance."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from communities.models import Community, ServiceCategory, ServiceNeed
from core.models import TimeStampedModel, actor_field
from orgs.models import SocialOrg, SocialWorker

from ..choices import (
    NOTIFICATION_TEXT,
    TRANSITIONS,
    AcceptanceResult,
    BidStatus,
    ExpertRole,
    NotificationKind,
    Procurement,
    ProjectStatus,
)
from .resources import FundingResource, ResidentDecision

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


def _fsm(action: str):
    """A django-fsm transition declared from the table in choices.TRANSITIONS."""
    sources, target = TRANSITIONS[action]
    return transition(field="status", source=list(sources), target=target)


class Project(TimeStampedModel):
    """A purchase of service for a community, run through the five unifications.

    Only the services in projects.services move `status`, through the transition methods
    below (which do nothing but change the state: guards, money and the log are the
    services' job, under a row lock).
    """

    code = models.CharField(_("code"), max_length=20, unique=True, null=True, blank=True)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="projects"
    )
    need = models.ForeignKey(
        ServiceNeed,
        verbose_name=_("need"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("service category"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    beneficiaries = models.PositiveIntegerField(_("planned beneficiaries"), default=0)
    year = models.PositiveSmallIntegerField(_("year"))
    budget = models.DecimalField(_("budget (yuan)"), **MONEY)
    procurement = models.CharField(
        _("procurement"), max_length=10, choices=Procurement.choices, default=Procurement.OPEN
    )
    directed_org = models.ForeignKey(
        SocialOrg,
        verbose_name=_("directed organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directed_projects",
        help_text=_("For directed procurement: the only organization that may bid."),
    )
    decision = models.ForeignKey(
        ResidentDecision,
        verbose_name=_("residents' decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        help_text=_("Required when the community benefit fund pays."),
    )
    period_start = models.DateField(_("service starts"), null=True, blank=True)
    period_end = models.DateField(_("service ends"), null=True, blank=True)
    status = FSMField(
        _("status"), max_length=14, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    bid_deadline = models.DateTimeField(_("bid deadline"), null=True, blank=True)
    awarded_bid = models.ForeignKey(
        "projects.Bid",
        verbose_name=_("awarded bid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    award_reason = models.TextField(_("award reason"), blank=True)
    contract_amount = models.DecimalField(
        _("contract amount (yuan)"), null=True, blank=True, **MONEY
    )
    final_report = models.TextField(_("final report"), blank=True)
    final_report_at = models.DateTimeField(_("final report filed at"), null=True, blank=True)
    rectified = models.BooleanField(_("has been through rectification"), default=False)
    acceptance_score = models.PositiveSmallIntegerField(
        _("acceptance score"), null=True, blank=True
    )
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    demonstration = models.BooleanField(_("demonstration project"), default=False)
    # Set by projects.services.demonstration; cleared when the designation is withdrawn (the
    # ProjectTransition log and the field history keep what it was).
    demonstration_citation = models.TextField(_("demonstration citation"), blank=True)
    demonstration_at = models.DateTimeField(
        _("designated a demonstration at"), null=True, blank=True
    )
    demonstration_by = actor_field(_("designated a demonstration by"))
    created_by = actor_field(_("created by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "bid_deadline"]),
            models.Index(fields=["community", "status"]),
            models.Index(fields=["year", "status"]),
            # A region's projects of a year (dashboard, rankings): a district's or a street's
            # found community by community, without reading the whole year's (year, status)
            # index once per community; with the id, a city's funding lines are joined to
            # their projects from this index alone (index-only). docs/performance.md.
            models.Index(
                fields=["community", "year", "status", "id"], name="project_scope_year_idx"
            ),
            # Whether a need reached a project in a given state (the dashboard's match rate):
            # an index-only probe per need, only the projects made from a need indexed.
            models.Index(
                fields=["need", "status"],
                condition=Q(need__isnull=False),
                name="project_need_status_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gt=0), name="project_budget_positive"),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="project_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(procurement=Procurement.OPEN, directed_org__isnull=True)
                | Q(procurement=Procurement.DIRECTED, directed_org__isnull=False),
                name="project_directed_names_org",
                violation_error_message=_(
                    "Directed procurement names exactly one organization; open names none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(contract_amount__isnull=True)
                | (Q(contract_amount__gt=0) & Q(contract_amount__lte=F("budget"))),
                name="project_contract_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(acceptance_score__isnull=True) | Q(acceptance_score__lte=100),
                name="project_acceptance_score_range",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="project_period_ordered",
                violation_error_message=_("The service cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code or '—'} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:project-detail", args=[self.pk])

    # --- transitions (state only; see projects.services) ---------------------------------

    @_fsm("publish")
    def publish(self):
        pass

    @_fsm("close_bidding")
    def close_bidding(self):
        pass

    @_fsm("fail_bidding")
    def fail_bidding(self):
        pass

    @_fsm("award")
    def award(self):
        pass

    @_fsm("start")
    def start(self):
        pass

    @_fsm("submit_final_report")
    def submit_final_report(self):
        pass

    @_fsm("accept_pass")
    def accept_pass(self):
        pass

    @_fsm("accept_fail")
    def accept_fail(self):
        pass

    @_fsm("accept_fail_final")
    def accept_fail_final(self):
        pass

    @_fsm("cancel")
    def cancel(self):
        pass


class ProjectFunding(models.Model):
    """One funding line: how much of one resource pays for the project.

    `committed`, `released` and `disbursed` follow the ledger entries of this line, so the money
    still reserved for the project is committed − released − disbursed.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="funding"
    )
    resource = models.ForeignKey(
        FundingResource,
        verbose_name=_("funding resource"),
        on_delete=models.PROTECT,
        related_name="project_lines",
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    committed = models.DecimalField(_("committed (yuan)"), default=ZERO, **MONEY)
    released = models.DecimalField(_("released (yuan)"), default=ZERO, **MONEY)
    disbursed = models.DecimalField(_("disbursed (yuan)"), default=ZERO, **MONEY)

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "resource"],
                name="uniq_project_resource",
                violation_error_message=_("Each resource appears once in a project's funding."),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_amount_positive"),
            models.CheckConstraint(
                condition=Q(committed__gte=0)
                & Q(committed__lte=F("amount"))
                & Q(released__gte=0)
                & Q(disbursed__gte=0)
                & Q(committed__gte=F("released") + F("disbursed")),
                name="funding_line_balanced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} ← {self.resource}: {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        """Still reserved for the project: committed and neither released nor paid out."""
        return self.committed - self.released - self.disbursed


class ProjectTransition(models.Model):
    """Our own log of every status change: who, when, from, to and why."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=14, choices=ProjectStatus.choices)
    to_status = models.CharField(_("to"), max_length=14, choices=ProjectStatus.choices)
    by = actor_field(_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("project transition")
        verbose_name_plural = _("project transitions")
        ordering = ["project", "at", "id"]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_status} → {self.to_status}"


class Assignment(models.Model):
    """A reviewer or supervisor assigned to a project by an official."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="project_assignments",
    )
    role = models.CharField(_("role"), max_length=12, choices=ExpertRole.choices)
    assigned_by = actor_field(_("assigned by"))
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["project", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user", "role"], name="uniq_project_assignment"
            ),
            models.CheckConstraint(
                condition=Q(role__in=ExpertRole.values), name="assignment_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_role_display()} {self.user}"


class Bid(TimeStampedModel):
    """An organization's application (申报) for a project."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="bids"
    )
    org = models.ForeignKey(
        SocialOrg, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="bids"
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    proposal = models.TextField(_("proposal"))
    team = models.ManyToManyField(
        SocialWorker, verbose_name=_("team"), related_name="bids", blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BidStatus.choices, default=BidStatus.SUBMITTED
    )
    submitted_by = actor_field(_("submitted by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["project", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bid_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=BidStatus.values), name="bid_status_valid"
            ),
            models.UniqueConstraint(
                fields=["project", "org"],
                condition=~Q(status=BidStatus.WITHDRAWN),
                name="one_live_bid_per_org",
                violation_error_message=_("This organization already has a bid on the project."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} → {self.project}: {self.amount}"


def _score_field(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )


class Review(TimeStampedModel):
    """A reviewer's scores (0–100 each) for one bid; `total` weighs them by
    settings.PROJECT_REVIEW_WEIGHTS as they were when the review was submitted."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reviews"
    )
    bid = models.ForeignKey(
        Bid, verbose_name=_("bid"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    capacity = _score_field(_("capacity"))
    plan = _score_field(_("service plan"))
    budget = _score_field(_("budget"))
    track_record = _score_field(_("track record"))
    total = models.DecimalField(_("weighted total"), max_digits=5, decimal_places=2)
    comments = models.TextField(_("comments"), blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["bid", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "reviewer"],
                name="one_review_per_bid_and_reviewer",
                violation_error_message=_("You have already reviewed this bid."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__lte=100)
                & Q(plan__lte=100)
                & Q(budget__lte=100)
                & Q(track_record__lte=100),
                name="review_scores_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} · {self.bid}: {self.total}"


class SupervisionVisit(TimeStampedModel):
    """A supervisor's visit (督导) with findings and a 1–5 rating."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="visits"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        related_name="supervision_visits",
    )
    visited_on = models.DateField(_("visited on"))
    findings = models.TextField(_("findings"))
    rating = models.PositiveSmallIntegerField(
        _("rating (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")
        ordering = ["project", "visited_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="visit_rating_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.visited_on} ({self.rating})"


class ProgressReport(TimeStampedModel):
    """The awarded organization's report on a period of the service."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    org = models.ForeignKey(
        SocialOrg,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    period_end = models.DateField(_("period ends"))
    summary = models.TextField(_("summary"))
    beneficiaries_served = models.PositiveIntegerField(_("beneficiaries served"))
    submitted_by = actor_field(_("submitted by"))

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project", "period_end", "id"]
        indexes = [
            # A project's latest report (the dashboard's late reports): one index probe.
            models.Index(fields=["project", "-created_at"], name="report_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.period_end}"


class Acceptance(TimeStampedModel):
    """An official's acceptance check (验收) of the delivered service."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="acceptances"
    )
    result = models.CharField(_("result"), max_length=4, choices=AcceptanceResult.choices)
    score = _score_field(_("score (0–100)"))
    comments = models.TextField(_("comments"), blank=True)
    by = actor_field(_("by"))

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["project", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=AcceptanceResult.values), name="acceptance_result_valid"
            ),
            models.CheckConstraint(condition=Q(score__lte=100), name="acceptance_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_result_display()} {self.score}"


class Notification(models.Model):
    """An in-app message telling a user that something needs them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.text}"

    @property
    def text(self) -> str:
        """Rendered in the reader's language (the kind is stored, not a sentence)."""
        title = self.project.title if self.project_id else ""
        return str(NOTIFICATION_TEXT[self.kind]) % {"title": title}
