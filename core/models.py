from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def actor_field(verbose_name) -> models.ForeignKey:
    """Who did something to a row: kept when the user is deleted (the row stays, the name goes),
    and no reverse accessor, since nobody asks a user for every row they touched."""
    from django.conf import settings

    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
