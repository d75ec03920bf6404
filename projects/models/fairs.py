"""The yearly supply–demand matchmaking fair (供需对接会): registrations and intention projects.

These models live in `projects`, not `matchmaking`, because `FundingResource.fair` must point
at the fair (resources published for it) and `Intention.project` at the project it becomes,
while `projects` may not import `matchmaking` (dependency direction: matchmaking reads
projects, never the other way round).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.choices import RegionLevel
from communities.models import Community, Region, ServiceCategory, ServiceNeed
from core.models import TimeStampedModel, actor_field
from orgs.models import ServiceOffering, SocialOrg


class Fair(TimeStampedModel):
    """One fair, held by the officials of a region (usually the city) on one day."""

    name = models.CharField(_("name"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    held_on = models.DateField(_("held on"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="fairs"
    )
    created_by = actor_field(_("created by"))

    class Meta:
        verbose_name = _("matchmaking fair")
        verbose_name_plural = _("matchmaking fairs")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.name


class FairRegistration(TimeStampedModel):
    """One participant of a fair: a street, a community or an organization (exactly one)."""

    fair = models.ForeignKey(
        Fair, verbose_name=_("fair"), on_delete=models.CASCADE, related_name="registrations"
    )
    street = models.ForeignKey(
        Region,
        verbose_name=_("street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fair_registrations",
        limit_choices_to={"level": RegionLevel.STREET},
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fair_registrations",
    )
    org = models.ForeignKey(
        SocialOrg,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fair_registrations",
    )
    registered_by = actor_field(_("registered by"))

    class Meta:
        verbose_name = _("fair registration")
        verbose_name_plural = _("fair registrations")
        ordering = ["fair", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(street__isnull=False, community__isnull=True, org__isnull=True)
                    | Q(street__isnull=True, community__isnull=False, org__isnull=True)
                    | Q(street__isnull=True, community__isnull=True, org__isnull=False)
                ),
                name="fair_registration_exactly_one",
                violation_error_message=_(
                    "Register exactly one of a street, a community or an organization."
                ),
            ),
            models.UniqueConstraint(
                fields=["fair", "street"],
                condition=Q(street__isnull=False),
                name="uniq_fair_street",
            ),
            models.UniqueConstraint(
                fields=["fair", "community"],
                condition=Q(community__isnull=False),
                name="uniq_fair_community",
            ),
            models.UniqueConstraint(
                fields=["fair", "org"], condition=Q(org__isnull=False), name="uniq_fair_org"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fair}: {self.street or self.community or self.org}"


class Intention(TimeStampedModel):
    """An intention project (意向项目) a community and an organization sign at the fair;
    converting it makes a `directed` project draft, linked back through `project`."""

    fair = models.ForeignKey(
        Fair, verbose_name=_("fair"), on_delete=models.PROTECT, related_name="intentions"
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="intentions",
    )
    org = models.ForeignKey(
        SocialOrg,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="intentions",
    )
    title = models.CharField(_("title"), max_length=120)
    amount = models.DecimalField(_("estimated amount (yuan)"), max_digits=14, decimal_places=2)
    need = models.ForeignKey(
        ServiceNeed,
        verbose_name=_("need"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intentions",
    )
    offer = models.ForeignKey(
        ServiceOffering,
        verbose_name=_("offering"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intentions",
    )
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("service category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intentions",
        help_text=_("The project draft's category; taken from the need or the offering."),
    )
    signed_at = models.DateTimeField(_("signed at"))
    signed_by = actor_field(_("signed by"))
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intention",
    )

    class Meta:
        verbose_name = _("intention project")
        verbose_name_plural = _("intention projects")
        ordering = ["fair", "-signed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="intention_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.title
