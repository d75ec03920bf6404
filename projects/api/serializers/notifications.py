"""In-app notifications."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from projects.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True)
    project_title = serializers.CharField(
        source="project.title", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "text",
            "detail",
            "project",
            "project_title",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were marked read."))
