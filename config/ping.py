"""`GET /api/v1/ping/`: the smallest DRF endpoint — no authentication, no permission check
beyond AllowAny, no throttle, no database.

It is the framework's ceiling in the load test (load/, docs/performance.md): whatever the
stack (gunicorn, middleware, DRF's request/response cycle, the JSON renderer) costs per request,
this endpoint pays and nothing more. Monitoring may use it as a liveness probe as well.
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class PingView(APIView):
    """Answer `{"ok": true}`: the web process is up and serving the API."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        tags=["ops"],
        responses=inline_serializer("Ping", fields={"ok": serializers.BooleanField()}),
    )
    def get(self, request):
        return Response({"ok": True})
