"""Small helpers the browser views of every app share."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language as django_set_language


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


def set_language(request):
    """Django's `set_language`, resolving `next` in the language of its own URL prefix.

    Django resolves `next` in the request's language. The switch posts to the unprefixed
    /i18n/setlang/, whose language is always the default, so an /en/… page did not resolve and
    choosing 中文 there left the visitor on the English URL.
    """
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    language = translation.get_language_from_path(urlsplit(next_url).path)
    with translation.override(language or settings.LANGUAGE_CODE):
        return django_set_language(request)


def form_error_from(form, exc) -> None:
    """Show a service's ValidationFailed on the form: at each named field, else at the top."""
    fields = getattr(exc, "fields", None) or {}
    placed = False
    for name, messages in fields.items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)
