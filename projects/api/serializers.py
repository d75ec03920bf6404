from decimal import Decimal

from rest_framework import serializers

from accounts.api.serializers import UserSerializer
from communities.api.fields import CategoryCodeField, RegionCodeField
from projects.models import FundingResource


class ResourceSerializer(serializers.ModelSerializer):
    region = RegionCodeField()
    categories = CategoryCodeField(many=True, required=False)
    committed = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, default="0.00"
    )
    available = serializers.SerializerMethodField()

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
            "available",
            "categories",
            "region",
            "community",
            "description",
            "status",
            "published_at",
        ]
        read_only_fields = ["status", "published_at"]
        # The model's check constraint would only report "constraint violated" for the row.
        extra_kwargs = {"amount": {"min_value": Decimal("0.01")}}

    def get_available(self, obj) -> str:
        committed = getattr(obj, "committed", None) or 0
        return f"{obj.amount - committed:.2f}"


class MeSerializer(UserSerializer):
    roles = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "phone", "roles"]
        read_only_fields = fields

    def get_roles(self, obj) -> list[dict]:
        from projects.selectors import user_roles

        return user_roles(obj).as_api()
