from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Region, ServiceNeed
from core.models import TimeStampedModel, actor_field
from orgs.models import ServiceOffering, SocialOrg

from .choices import RunStatus, SuggestionStatus


class MatchRun(TimeStampedModel):
    """One batch matching of a region's published needs against the offers that can serve them."""

    scope = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="match_runs"
    )
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stats = models.JSONField(_("statistics"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = actor_field(_("started by"))

    class Meta:
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["scope", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values), name="matchrun_status_valid"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="matchrun_progress_le_100"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} #{self.pk}"


class MatchSuggestion(TimeStampedModel):
    """A ranked offer for a need, with its score broken down and reasons a person can check."""

    run = models.ForeignKey(
        MatchRun,
        verbose_name=_("match run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    need = models.ForeignKey(
        ServiceNeed, verbose_name=_("need"), on_delete=models.CASCADE, related_name="suggestions"
    )
    offering = models.ForeignKey(
        ServiceOffering,
        verbose_name=_("offering"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    org = models.ForeignKey(
        SocialOrg, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(_("score"))
    breakdown = models.JSONField(_("score breakdown"), default=dict)
    reasons = models.JSONField(_("reasons"), default=list)
    rank = models.PositiveSmallIntegerField(_("rank"))
    proposed = models.BooleanField(_("in the proposal"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=SuggestionStatus.choices, default=SuggestionStatus.NEW
    )

    class Meta:
        verbose_name = _("match suggestion")
        verbose_name_plural = _("match suggestions")
        ordering = ["need", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["need", "offering"], name="uniq_suggestion_pair"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="suggestion_score_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values), name="suggestion_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["org", "status"]),
            models.Index(fields=["need", "rank"]),
        ]

    def __str__(self) -> str:
        return f"{self.need} → {self.offering} ({self.score:.2f})"


class Conversation(TimeStampedModel):
    """The online exchange (互动交流) a community and an organization have about one need.

    Opened when either side marks interest in a pairing; only the two parties can read it.
    """

    need = models.ForeignKey(
        ServiceNeed, verbose_name=_("need"), on_delete=models.CASCADE, related_name="conversations"
    )
    org = models.ForeignKey(
        SocialOrg,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="conversations",
    )
    offering = models.ForeignKey(
        ServiceOffering,
        verbose_name=_("offering"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    community_read_at = models.DateTimeField(_("read by the community at"), null=True, blank=True)
    org_read_at = models.DateTimeField(_("read by the organization at"), null=True, blank=True)
    last_message_at = models.DateTimeField(_("last message at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "org"], name="uniq_conversation_pair")
        ]

    def __str__(self) -> str:
        return f"{self.need} ↔ {self.org}"


class MessageSide(models.TextChoices):
    COMMUNITY = "community", _("Community")
    ORG = "org", _("Organization")


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    side = models.CharField(_("side"), max_length=10, choices=MessageSide.choices)
    sender = actor_field(_("sender"))
    body = models.TextField(_("message"), max_length=2000)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["conversation", "sent_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(side__in=MessageSide.values), name="message_side_valid"
            )
        ]

    def __str__(self) -> str:
        return self.body[:40]


class ReportKind(models.TextChoices):
    NEEDS_HANDBOOK = "needs_handbook", _("Community Service Needs Handbook")
    SUPPLY_HANDBOOK = "supply_handbook", _("Social Organization Service Supply Handbook")
    RESOURCES_HANDBOOK = "resources_handbook", _("Project Resource Handbook")
    RANKING = "ranking", _("Project Implementation Ranking")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class Report(TimeStampedModel):
    """A yearly handbook or ranking of a region as a PDF or XLSX file, built in the background.

    The file is recorded only once it is completely written (status `done`); a failure
    records its reason in `error` and leaves no file. See docs/reports.md.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    scope = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="reports"
    )
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/", max_length=255, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = actor_field(_("requested by"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["scope", "-created_at"]),
            models.Index(fields=["kind", "year"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="report_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(format__in=ReportFormat.values), name="report_format_valid"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_le_100"),
            models.CheckConstraint(
                condition=Q(status=RunStatus.DONE) | Q(file=""), name="report_file_only_when_done"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scope_id} {self.year} #{self.pk}"
