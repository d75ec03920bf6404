"""Small helpers the browser views of every app share."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from django.views.i18n import set_language as django_set_language

from .errors import DomainError, NotAllowed


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
    """Show a service's DomainError on the form: at each named field, else at the top."""
    fields = getattr(exc, "fields", None) or {}
    placed = False
    for name, texts in fields.items():
        if name in form.fields:
            for message in texts:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


class DomainFormView(LoginRequiredMixin, FormView):
    """A form whose valid data goes to one service; its domain errors come back to the form.

    Anonymous visitors are sent to sign in before anything is looked up.
    """

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.prepare(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def prepare(self, request, **kwargs) -> None:
        """Look up the objects the form acts on; raise Http404 or PermissionDenied."""

    def service(self, form):
        raise NotImplementedError

    def success_message(self, obj) -> str:
        return ""

    def form_valid(self, form):
        try:
            self.object = self.service(form)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            # Bad input names its fields; a refused state change (409 in the API) has none and
            # shows above the form.
            form_error_from(form, exc)
            return self.form_invalid(form)
        message = self.success_message(self.object)
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()
