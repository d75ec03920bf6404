from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from communities.api.fields import RegionCodeField
from matchmaking.choices import SuggestionStatus
from matchmaking.models import Conversation, MatchRun, MatchSuggestion, Message
from projects.api.serializers import ResourceSerializer


class MatchRunSerializer(serializers.ModelSerializer):
    within = RegionCodeField(source="scope", write_only=True)
    scope = serializers.CharField(source="scope_id", read_only=True)
    top_k = serializers.IntegerField(
        write_only=True, required=False, min_value=1, max_value=50, default=10
    )

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "within",
            "scope",
            "top_k",
            "status",
            "progress",
            "stats",
            "error",
            "parameters",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = [
            "status",
            "progress",
            "stats",
            "error",
            "parameters",
            "created_at",
            "started_at",
            "finished_at",
        ]


class SuggestionSerializer(serializers.ModelSerializer):
    need_title = serializers.CharField(source="need.title", read_only=True)
    community = serializers.IntegerField(source="need.community_id", read_only=True)
    offering_title = serializers.CharField(source="offering.title", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    status = serializers.ChoiceField(choices=SuggestionStatus.choices)

    class Meta:
        model = MatchSuggestion
        fields = [
            "id",
            "need",
            "need_title",
            "community",
            "offering",
            "offering_title",
            "org",
            "org_name",
            "score",
            "breakdown",
            "reasons",
            "rank",
            "proposed",
            "status",
            "run",
        ]
        read_only_fields = [f for f in fields if f != "status"]


class MatchSerializer(serializers.Serializer):
    """One ranked pair computed on demand (not stored)."""

    offer = serializers.IntegerField(source="offer_id")
    org = serializers.IntegerField(source="org_id")
    need = serializers.IntegerField(source="need_id")
    score = serializers.FloatField(help_text=_("0–1"))
    breakdown = serializers.DictField(child=serializers.FloatField())
    reasons = serializers.ListField(child=serializers.CharField())
    rank = serializers.IntegerField()


class NeedMatchesSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = MatchSerializer(many=True)
    resources = ResourceSerializer(many=True)


class OfferMatchesSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = MatchSerializer(many=True)


class MessageSerializer(serializers.ModelSerializer):
    sender = serializers.StringRelatedField(allow_null=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "side", "sender", "body", "sent_at"]
        read_only_fields = ["id", "side", "sender", "sent_at"]


class ConversationSerializer(serializers.ModelSerializer):
    need_title = serializers.CharField(source="need.title", read_only=True)
    community = serializers.IntegerField(source="need.community_id", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Conversation
        fields = [
            "id",
            "need",
            "need_title",
            "community",
            "org",
            "org_name",
            "offering",
            "last_message_at",
            "unread",
        ]
        read_only_fields = fields

    def get_unread(self, obj) -> int:
        """Unread messages for the side the caller speaks for."""
        staff_of = self.context.get("staff_community_ids", ())
        if obj.need.community_id in staff_of:
            return getattr(obj, "unread_community", 0)
        return getattr(obj, "unread_org", 0)
