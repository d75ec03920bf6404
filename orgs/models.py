from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Region, ServiceCategory, TargetGroup
from core.models import TimeStampedModel, actor_field

from .choices import CertificateLevel, Grade, OfferingStatus, OrgType
from .validators import validate_uscc


class SocialOrg(TimeStampedModel):
    """A registered social organization or social-work agency (社会组织 / 社工机构)."""

    name = models.CharField(_("name"), max_length=100)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    org_type = models.CharField(_("organization type"), max_length=20, choices=OrgType.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("registered region"),
        on_delete=models.PROTECT,
        related_name="orgs",
    )
    grade = models.CharField(
        _("evaluation grade"), max_length=2, choices=Grade.choices, blank=True, default=""
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=40, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = actor_field(_("verified by"))
    history = HistoricalRecords(excluded_fields=["contact_phone"])

    class Meta:
        verbose_name = _("social organization")
        verbose_name_plural = _("social organizations")
        ordering = ["name"]
        indexes = [models.Index(fields=["verified", "region"])]
        constraints = [
            models.CheckConstraint(condition=Q(org_type__in=OrgType.values), name="org_type_valid"),
            models.CheckConstraint(
                condition=Q(grade="") | Q(grade__in=Grade.values), name="org_grade_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:org-detail", args=[self.pk])


class SocialWorker(TimeStampedModel):
    """A certified social worker (持证社工) working for an organization."""

    org = models.ForeignKey(
        SocialOrg, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="workers"
    )
    name = models.CharField(_("name"), max_length=40)
    certificate_level = models.CharField(
        _("certificate level"), max_length=12, choices=CertificateLevel.choices
    )
    certificate_no = models.CharField(_("certificate number"), max_length=40, unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="social_worker",
    )

    class Meta:
        verbose_name = _("social worker")
        verbose_name_plural = _("social workers")
        ordering = ["org", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(certificate_level__in=CertificateLevel.values),
                name="worker_level_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class OrgMember(TimeStampedModel):
    """Membership: this user acts for this organization."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="org_memberships",
    )
    org = models.ForeignKey(
        SocialOrg, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="members"
    )
    is_admin = models.BooleanField(_("organization administrator"), default=False)

    class Meta:
        verbose_name = _("organization member")
        verbose_name_plural = _("organization members")
        constraints = [models.UniqueConstraint(fields=["user", "org"], name="uniq_org_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.org}"


class ServiceOffering(TimeStampedModel):
    """A service an organization offers (服务供给)."""

    org = models.ForeignKey(
        SocialOrg,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="offerings",
    )
    title = models.CharField(_("title"), max_length=120)
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("service category"),
        on_delete=models.PROTECT,
        related_name="offerings",
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), related_name="offerings", blank=True
    )
    service_area = models.ManyToManyField(
        Region, verbose_name=_("service area"), related_name="offerings"
    )
    capacity = models.PositiveIntegerField(
        _("capacity (concurrent projects)"), default=1, validators=[MinValueValidator(1)]
    )
    price_min = models.DecimalField(
        _("minimum price (yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    price_max = models.DecimalField(
        _("maximum price (yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    description = models.TextField(_("description"), blank=True)
    workers = models.ManyToManyField(
        SocialWorker, verbose_name=_("social workers"), related_name="offerings", blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=OfferingStatus.choices, default=OfferingStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service offering")
        verbose_name_plural = _("service offerings")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["category", "status"]),
            # The lists' order: the first page walks the newest rows and stops, instead of
            # sorting every public row (10–15 ms at the city's size, growing with it).
            models.Index(fields=["-published_at", "-id"], name="offer_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="offer_capacity_positive"),
            models.CheckConstraint(condition=Q(price_min__gte=0), name="offer_price_nonnegative"),
            models.CheckConstraint(
                condition=Q(price_max__gte=F("price_min")), name="offer_price_range_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OfferingStatus.values), name="offer_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("orgs:offering-detail", args=[self.pk])
