from django.db import models
from django.utils.translation import gettext_lazy as _


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
