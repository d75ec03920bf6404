"""Throttles named in REST_FRAMEWORK settings.

Kept apart from config.api: DRF resolves these classes while importing its views, and
config.api imports DRF's views.
"""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import UserRateThrottle


class WriteRateThrottle(UserRateThrottle):
    """Caps writes per user (or IP when anonymous); reads are never throttled by this."""

    scope = "write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
