from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, When
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Community, Region, ServiceCategory
from core.models import TimeStampedModel, actor_field

from ..choices import ExpertRole, LedgerKind, ProviderType, ResourceStatus


class FundingResource(TimeStampedModel):
    """Money that can buy services (项目资源): a budget line, a community fund, a donation."""

    name = models.CharField(_("name"), max_length=120)
    provider_type = models.CharField(
        _("provider type"), max_length=20, choices=ProviderType.choices
    )
    provider_name = models.CharField(_("provider"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    categories = models.ManyToManyField(
        ServiceCategory,
        verbose_name=_("eligible categories"),
        related_name="resources",
        blank=True,
        help_text=_("Leave empty when any category is eligible."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region scope"),
        on_delete=models.PROTECT,
        related_name="resources",
        help_text=_("Projects in this region and below may use the money."),
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funds",
        help_text=_("For a community benefit fund: the community whose residents decide."),
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    fair = models.ForeignKey(
        "projects.Fair",
        verbose_name=_("fair"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resources",
        help_text=_("The matchmaking fair this money was published for, if any."),
    )
    created_by = actor_field(_("created by"))
    # Running totals of the ledger, kept under the row lock so the database itself can refuse
    # an overspend (check constraints below); the ledger entries remain the record of truth.
    committed = models.DecimalField(
        _("committed (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    disbursed = models.DecimalField(
        _("disbursed (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    history = HistoricalRecords(excluded_fields=["committed", "disbursed"])

    class Meta:
        verbose_name = _("funding resource")
        verbose_name_plural = _("funding resources")
        ordering = ["-year", "provider_type", "name"]
        indexes = [models.Index(fields=["year", "provider_type"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="resource_amount_positive"),
            models.CheckConstraint(
                condition=Q(provider_type__in=ProviderType.values), name="resource_provider_valid"
            ),
            models.CheckConstraint(
                condition=~Q(provider_type=ProviderType.COMMUNITY_FUND)
                | Q(community__isnull=False),
                name="community_fund_has_community",
            ),
            models.CheckConstraint(
                condition=Q(committed__gte=0) & Q(committed__lte=F("amount")),
                name="resource_never_overspent",
            ),
            models.CheckConstraint(
                condition=Q(disbursed__gte=0) & Q(disbursed__lte=F("committed")),
                name="resource_disbursed_within_committed",
            ),
            models.UniqueConstraint(
                fields=["community", "year"],
                condition=Q(provider_type=ProviderType.COMMUNITY_FUND),
                name="one_community_fund_per_year",
                violation_error_message=_("This community already has a benefit fund that year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def available(self) -> Decimal:
        """Amount − commits + releases."""
        return self.amount - self.committed


class Expert(TimeStampedModel):
    """A reviewer or supervisor in an official's pool, to be assigned to projects."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="expert_roles",
    )
    role = models.CharField(_("role"), max_length=12, choices=ExpertRole.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="experts"
    )
    fields = models.ManyToManyField(
        ServiceCategory, verbose_name=_("fields of expertise"), related_name="experts", blank=True
    )
    affiliation = models.CharField(_("affiliation"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="uniq_expert_role"),
            models.CheckConstraint(
                condition=Q(role__in=ExpertRole.values), name="expert_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class LedgerEntry(models.Model):
    """One movement of a resource's money. Entries are only ever added, never edited."""

    resource = models.ForeignKey(
        FundingResource,
        verbose_name=_("funding resource"),
        on_delete=models.PROTECT,
        related_name="ledger",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=LedgerKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger",
    )
    reference = models.CharField(
        _("reference"), max_length=60, blank=True, help_text=_("e.g. the project code")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = actor_field(_("by"))

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["resource", "at", "id"]
        indexes = [models.Index(fields=["resource", "at"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=LedgerKind.values), name="ledger_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} · {self.resource}"


def _valid_meeting():
    # Organic Law of Urban Residents' Committees: more than half of the representatives attend…
    return GreaterThan(F("attendees") * 2, F("representatives_total"))


class ResidentDecision(TimeStampedModel):
    """A residents' (representatives') meeting deciding how to use the community fund.

    Validity and the result are computed by the database from the counts, never typed in:
    valid when more than half of the representatives attend; passed when valid and more than
    half of those present vote for.
    """

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="decisions"
    )
    subject = models.CharField(_("subject"), max_length=200)
    amount = models.DecimalField(
        _("amount decided (yuan)"),
        max_digits=14,
        decimal_places=2,
        help_text=_("How much of the community fund the decision allows to spend."),
    )
    meeting_date = models.DateField(_("meeting date"))
    representatives_total = models.PositiveIntegerField(_("residents' representatives"))
    attendees = models.PositiveIntegerField(_("attendees"))
    votes_for = models.PositiveIntegerField(_("votes for"))
    votes_against = models.PositiveIntegerField(_("votes against"), default=0)
    abstentions = models.PositiveIntegerField(_("abstentions"), default=0)
    minutes = models.TextField(_("minutes"), blank=True)
    valid = models.GeneratedField(
        expression=Case(When(_valid_meeting(), then=True), default=False),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("quorum reached"),
    )
    passed = models.GeneratedField(
        expression=Case(
            # …and more than half of those present vote for. Integers only: exactly half fails.
            When(
                Q(_valid_meeting()) & Q(GreaterThan(F("votes_for") * 2, F("attendees"))),
                then=True,
            ),
            default=False,
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("passed"),
    )
    recorded_by = actor_field(_("recorded by"))

    class Meta:
        verbose_name = _("residents' decision")
        verbose_name_plural = _("residents' decisions")
        ordering = ["-meeting_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(representatives_total__gt=0), name="decision_has_representatives"
            ),
            models.CheckConstraint(
                condition=Q(attendees__lte=F("representatives_total")),
                name="decision_attendees_le_representatives",
            ),
            models.CheckConstraint(
                condition=Q(attendees__gte=F("votes_for") + F("votes_against") + F("abstentions")),
                name="decision_votes_le_attendees",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="decision_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.community} · {self.subject}"
