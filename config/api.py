"""API wiring shared by every app: pagination and the contract's error format."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError, NotAllowed


class APILanguageMiddleware:
    """Let REST clients choose the language with `Accept-Language` (or the language cookie).

    API URLs carry no language prefix, and LocaleMiddleware puts every unprefixed path in
    LANGUAGE_CODE when `i18n_patterns(prefix_default_language=False)` is in use, so without
    this `Accept-Language: en` would be ignored. Goes right after LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class RolesBeforeBodyMixin:
    """Ask whether the caller may write to the object before its body is read.

    `write_roles` maps a view action to a predicate `(user, obj) -> bool`. A signed-in caller
    who may see the object but not take the action gets 403 whatever they sent (API.md), not
    a 400 about a body they were never allowed to send; the services ask again, with their
    own messages, for every other caller.
    """

    write_roles: dict = {}
    write_refusal = gettext_lazy("You may not do this.")

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        allowed = self.write_roles.get(self.action)
        if request.method not in SAFE_METHODS and allowed and not allowed(request.user, obj):
            raise NotAllowed(str(self.write_refusal))


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200


def _flatten(detail) -> tuple[str, dict]:
    """Split DRF validation detail into a top-level message and per-field lists."""
    if isinstance(detail, dict):
        fields = {}
        message = ""
        for key, value in detail.items():
            items = value if isinstance(value, list) else [value]
            texts = [str(v) for v in items]
            if key in ("non_field_errors", "detail"):
                message = message or "; ".join(texts)
            else:
                fields[key] = texts
        if not message:
            message = "; ".join(f"{k}: {v[0]}" for k, v in fields.items()) or "Invalid input."
        return message, fields
    if isinstance(detail, list):
        return "; ".join(str(d) for d in detail), {}
    return str(detail), {}


def exception_handler(exc, context):
    """Render every error as {"code", "message", "fields"}."""
    if isinstance(exc, DomainError):
        return Response(
            {"code": exc.code, "message": exc.message, "fields": exc.fields}, status=exc.status
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        message, fields = _flatten(exc.detail)
        code = "invalid"
    else:
        message, fields = _flatten(exc.detail)
        codes = exc.get_codes() if hasattr(exc, "get_codes") else None
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        code = "throttled"
    response.data = {"code": code, "message": message, "fields": fields}
    return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """Unknown routes under /api/ answer in the contract's error body; pages get the 404 page."""
    if _is_api(request):
        return JsonResponse(
            {"code": "not_found", "message": gettext("Not found."), "fields": {}}, status=404
        )
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            {"code": "server_error", "message": gettext("Server error."), "fields": {}},
            status=500,
        )
    return defaults.server_error(request)
