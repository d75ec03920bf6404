from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import regions
from core.models import TimeStampedModel, actor_field

from .choices import NeedStatus, RegionLevel

region_code_validator = RegexValidator(r"\A[0-9]{12}\Z", _("A region code has exactly 12 digits."))


class LocalizedNameMixin:
    """Reference data carries a Chinese and an English name; show the active language's."""

    @property
    def label(self) -> str:
        if (get_language() or "").startswith("en") and getattr(self, "name_en", ""):
            return self.name_en
        return self.name


class Region(models.Model):
    """An administrative division keyed by its 12-digit code; subtrees are code prefixes."""

    code = models.CharField(
        _("code"), max_length=12, primary_key=True, validators=[region_code_validator]
    )
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=RegionLevel.values), name="region_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return regions.prefix_of(self.code)

    def contains(self, code: str) -> bool:
        return regions.is_within(code, self.code)


class Community(TimeStampedModel):
    """The profile of a community-level region (社区)."""

    region = models.OneToOneField(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="community",
        limit_choices_to={"level": RegionLevel.COMMUNITY},
    )
    name = models.CharField(_("name"), max_length=60)
    address = models.CharField(_("address"), max_length=200, blank=True)
    households = models.PositiveIntegerField(_("households"), default=0)
    residents = models.PositiveIntegerField(_("residents"), default=0)
    elderly = models.PositiveIntegerField(_("elderly residents (60+)"), default=0)
    disabled = models.PositiveIntegerField(_("residents with disabilities"), default=0)
    staff_total = models.PositiveIntegerField(_("staff"), default=0)
    staff_certified = models.PositiveIntegerField(_("certified social workers on staff"), default=0)
    representatives_total = models.PositiveIntegerField(_("residents' representatives"), default=0)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["region_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(staff_certified__lte=models.F("staff_total")),
                name="community_certified_le_staff",
            ),
            models.CheckConstraint(
                condition=Q(elderly__lte=models.F("residents"))
                & Q(disabled__lte=models.F("residents")),
                name="community_subgroups_le_residents",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:community-detail", args=[self.pk])


class ServiceCategory(LocalizedNameMixin, models.Model):
    """Two-level taxonomy of services; a need or offer may use either level."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def root(self) -> "ServiceCategory":
        return self.parent if self.parent_id else self


class TargetGroup(LocalizedNameMixin, models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label


class CommunityStaff(TimeStampedModel):
    """Membership: this user works for this community (社区工作者)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="community_memberships",
    )
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="staff"
    )
    position = models.CharField(_("position"), max_length=40, blank=True)
    certified = models.BooleanField(_("certified social worker"), default=False)

    class Meta:
        verbose_name = _("community staff member")
        verbose_name_plural = _("community staff")
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="uniq_staff_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.community}"


class Official(TimeStampedModel):
    """Membership: a civil-affairs official with jurisdiction over a region and below."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="official_memberships",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="officials"
    )
    title = models.CharField(_("title"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("civil-affairs official")
        verbose_name_plural = _("civil-affairs officials")
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="uniq_official_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.region}"


class ServiceNeed(TimeStampedModel):
    """A community's service need (社区服务需求)."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="needs"
    )
    title = models.CharField(_("title"), max_length=120)
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("service category"),
        on_delete=models.PROTECT,
        related_name="needs",
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), related_name="needs", blank=True
    )
    beneficiaries = models.PositiveIntegerField(_("beneficiaries"), default=0)
    description = models.TextField(_("description"), blank=True)
    budget = models.DecimalField(
        _("expected budget (yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = actor_field(_("created by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service need")
        verbose_name_plural = _("service needs")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["category", "status"]),
            # The lists' order: the first page walks the newest rows and stops, instead of
            # sorting every public row (10–15 ms at the city's size, growing with it).
            models.Index(fields=["-published_at", "-id"], name="need_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gt=0), name="need_budget_positive"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="need_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=NeedStatus.values), name="need_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=NeedStatus.DRAFT) | Q(published_at__isnull=False),
                name="need_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("communities:need-detail", args=[self.pk])
