"""Small helpers the browser views of every app share."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def region_select(filterset, choices) -> None:
    """Render a filterset's free-text `within` as a picker of the platform's regions."""
    field = filterset.form.fields.get("within")
    if field is not None:
        field.widget = forms.Select(choices=[("", _("All regions")), *choices])


def platform_city_code() -> str:
    return settings.PLATFORM_CITY_CODE
