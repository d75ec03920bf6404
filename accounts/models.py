from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

phone_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number starting with 1.")
)


class User(AbstractUser):
    """A person who logs in. Roles are memberships owned by the app the role belongs to."""

    phone = models.CharField(_("phone"), max_length=11, blank=True, validators=[phone_validator])
    display_name = models.CharField(_("display name"), max_length=50, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username
