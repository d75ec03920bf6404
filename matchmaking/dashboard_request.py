"""Which dashboard a request asks for: an area (`within`) and a year, with their defaults,
checked against the user's jurisdiction. The page, the API and the XLSX export share it.

Refusals follow the house rules: a user who is no official gets a 403, an area outside the
official's jurisdiction a 404 (as any row outside it would), and malformed input a 400 naming
the field (ValidationFailed, from here or from the analytics).
"""

import re

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Region
from communities.selectors import official_region_codes
from core import regions
from core.errors import ValidationFailed

from .dashboard import dashboard_cached
from .permissions import can_open_dashboard, can_view_dashboard

YEAR_RE = re.compile(r"[0-9]{4}")  # ASCII digits only: `isdigit()` also takes full-width ones


def current_year() -> int:
    """The calendar year now, in the local time zone (Asia/Shanghai)."""
    return timezone.localdate().year


def home_region(user) -> str | None:
    """Where an official's dashboard opens: the highest region they are an official of (the
    first by code among equals); for a superuser without one, the first city."""
    codes = official_region_codes(user)
    if codes:
        return min(codes, key=lambda code: (len(regions.prefix_of(code)), code))
    if user.is_superuser:
        return (
            Region.objects.filter(level=regions.CITY)
            .order_by("code")
            .values_list("code", flat=True)
            .first()
        )
    return None


def dashboard_params(user, params) -> tuple[str, int]:
    """The (within, year) that `params` (request.GET or DRF query_params) ask for."""
    if not can_open_dashboard(user):
        raise PermissionDenied
    raw_year = params.get("year", "")
    if not raw_year:
        year = current_year()
    elif YEAR_RE.fullmatch(raw_year):
        year = int(raw_year)
    else:
        message = _("Enter a year of four digits, such as %(year)s.") % {"year": current_year()}
        raise ValidationFailed(message, fields={"year": [message]})
    within = params.get("within", "") or home_region(user)
    if within is None:
        raise Http404
    # A malformed code goes on to the analytics, which refuse it with a 400 naming `within`;
    # a well-formed one outside the jurisdiction is not there for this user.
    if regions.is_valid_code(within) and not can_view_dashboard(user, within):
        raise Http404
    return within, year


def dashboard_for(user, params) -> dict:
    """The dashboard dict (matchmaking.dashboard) the request asks for, from the cache."""
    within, year = dashboard_params(user, params)
    return dashboard_cached(within, year)
