from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Community, Region, ServiceCategory
from core.models import TimeStampedModel

from .choices import ExpertRole, ProviderType, ResourceStatus


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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

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
            models.UniqueConstraint(
                fields=["community", "year"],
                condition=Q(provider_type=ProviderType.COMMUNITY_FUND),
                name="one_community_fund_per_year",
                violation_error_message=_("This community already has a benefit fund that year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


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
