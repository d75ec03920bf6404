"""The money: funding resources and their ledger, residents' decisions; and the caller
(me), with every role they hold."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.api.serializers import UserSerializer
from communities.api.fields import CategoryCodeField, RegionCodeField
from projects.models import FundingResource, LedgerEntry, ResidentDecision
from projects.selectors import user_roles


class ResourceSerializer(serializers.ModelSerializer):
    region = RegionCodeField()
    categories = CategoryCodeField(many=True, required=False)
    available = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = FundingResource
        fields = [
            "id",
            "name",
            "provider_type",
            "provider_name",
            "year",
            "amount",
            "committed",
            "disbursed",
            "available",
            "categories",
            "region",
            "community",
            "description",
            "status",
            "published_at",
            "fair",
        ]
        read_only_fields = ["status", "published_at", "committed", "disbursed"]
        # The model's check constraint would only report "constraint violated" for the row.
        extra_kwargs = {"amount": {"min_value": Decimal("0.01")}}


class MeSerializer(UserSerializer):
    roles = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "phone", "roles"]
        read_only_fields = fields

    def get_roles(self, obj) -> list[dict]:
        return user_roles(obj).as_api()


class LedgerEntrySerializer(serializers.ModelSerializer):
    # Not CharField(source="by.__str__"): with no user that rendered None's method-wrapper.
    by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "amount", "project", "reference", "note", "at", "by"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResidentDecision
        fields = [
            "id",
            "community",
            "subject",
            "amount",
            "meeting_date",
            "representatives_total",
            "attendees",
            "votes_for",
            "votes_against",
            "abstentions",
            "minutes",
            "valid",
            "passed",
            "created_at",
        ]
        read_only_fields = ["valid", "passed", "created_at"]
        extra_kwargs = {"amount": {"min_value": Decimal("0.01")}}

    def validate(self, attrs):
        errors = {}
        if attrs["attendees"] > attrs["representatives_total"]:
            errors["attendees"] = [_("More attendees than representatives.")]
        votes = attrs["votes_for"] + attrs.get("votes_against", 0) + attrs.get("abstentions", 0)
        if votes > attrs["attendees"]:
            errors["votes_for"] = [_("More votes than attendees.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs
