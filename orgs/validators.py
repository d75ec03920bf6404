from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import uscc

_REASONS = {
    "must be exactly 18 characters": _("must be exactly 18 characters"),
    "characters 3–8 must be the 6-digit region code": _(
        "characters 3–8 must be the 6-digit region code"
    ),
    "the check character does not match": _(
        "the check character does not match — please check for a typo"
    ),
}


def validate_uscc(value: str) -> None:
    reason = uscc.validation_error(value)
    if reason is None:
        return
    text = _REASONS.get(reason)
    if text is None:  # characters outside the alphabet; the reason names them
        text = _("contains characters not allowed in a credit code")
    raise ValidationError(
        _("Invalid unified social credit code: %(reason)s."),
        code="invalid_uscc",
        params={"reason": text},
    )
