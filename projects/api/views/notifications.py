"""The caller's in-app notifications."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from projects import services
from projects.filters import NotificationFilter
from projects.models import Notification
from projects.selectors import notifications_for

from ..serializers import MarkedSerializer, NotificationSerializer


class NotificationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's in-app notifications, newest first; `unread=true` for the unread ones."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]

    def get_queryset(self):
        user = self.request.user
        if not user.is_authenticated:  # schema generation
            return Notification.objects.none()
        return notifications_for(user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.notification_mark_read(actor=request.user, notification=notification)
        notification.refresh_from_db(fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[])
    def read_all(self, request):
        marked = services.notification_mark_read(actor=request.user)
        return Response(MarkedSerializer({"marked": marked}).data)
