"""A lost database answers a clean 503, not a 500 (docs/deploy.md, "Database outages").

Each service runs in one transaction (`@transaction.atomic`), so a connection that drops
halfway through a write rolls the whole write back: nothing partial is stored, and the client
is told to try again. API paths get the contract's error body, pages a bilingual 503 page that
needs neither the database nor the session.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
FALLBACK_PAGE = (
    "<!doctype html><title>503</title><h1>服务暂时不可用</h1>"
    "<p>Service temporarily unavailable. Please try again shortly.</p>"
)


def service_unavailable(request) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {
                "code": "service_unavailable",
                "message": gettext(
                    "The service is temporarily unavailable. Please try again shortly."
                ),
                "fields": {},
            },
            status=503,
        )
    else:
        try:
            page = render_to_string("503.html")
        except Exception:  # the page must not fail on top of the outage
            logger.exception("could not render 503.html")
            page = FALLBACK_PAGE
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 when a view (or its template) loses the database.

    DRF views re-raise exceptions their handler does not know (config.api.exception_handler
    returns None for them), so API views arrive here too. Errors raised by other middleware
    outside any view still go to handler500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "database unavailable during %s %s: %s",
            request.method,
            request.path,
            exception,
            exc_info=exception,
        )
        return service_unavailable(request)
