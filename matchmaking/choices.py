from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SuggestionStatus(models.TextChoices):
    NEW = "new", _("New")
    INTERESTED = "interested", _("Interested")
    DISMISSED = "dismissed", _("Dismissed")
