from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgType(models.TextChoices):
    SOCIAL_GROUP = "social_group", _("Social group")
    SOCIAL_SERVICE = "social_service", _("Social service institution")
    FOUNDATION = "foundation", _("Foundation")


class Grade(models.TextChoices):
    A1 = "1A", "1A"
    A2 = "2A", "2A"
    A3 = "3A", "3A"
    A4 = "4A", "4A"
    A5 = "5A", "5A"


class CertificateLevel(models.TextChoices):
    ASSISTANT = "assistant", _("Assistant social worker")
    INTERMEDIATE = "intermediate", _("Social worker")
    SENIOR = "senior", _("Senior social worker")


class OfferingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


# The second character of a USCC issued by civil affairs (registration authority 5) names the type.
USCC_TYPE_CHAR = {OrgType.SOCIAL_GROUP: "1", OrgType.SOCIAL_SERVICE: "2", OrgType.FOUNDATION: "3"}
