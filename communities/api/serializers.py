from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from communities.api.fields import CategoryCodeField, TargetGroupCodeField
from communities.models import Community, Region, ServiceCategory, ServiceNeed, TargetGroup


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)
    name = serializers.CharField(source="label")

    class Meta:
        model = ServiceCategory
        fields = ["code", "name", "parent"]


class TargetGroupSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="label")

    class Meta:
        model = TargetGroup
        fields = ["code", "name"]


class CommunitySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    street = serializers.CharField(source="region.parent_id")
    district = serializers.CharField(source="region.parent.parent_id")

    class Meta:
        model = Community
        fields = [
            "id",
            "name",
            "region",
            "street",
            "district",
            "households",
            "residents",
            "elderly",
            "disabled",
            "staff_total",
            "staff_certified",
        ]


class NeedSerializer(serializers.ModelSerializer):
    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all())
    community_name = serializers.CharField(source="community.name", read_only=True)
    category = CategoryCodeField()
    target_groups = TargetGroupCodeField(many=True, required=False)

    class Meta:
        model = ServiceNeed
        fields = [
            "id",
            "community",
            "community_name",
            "title",
            "category",
            "target_groups",
            "beneficiaries",
            "description",
            "budget",
            "period_start",
            "period_end",
            "status",
            "published_at",
            "created_at",
        ]
        read_only_fields = ["status", "published_at", "created_at"]
        extra_kwargs = {"budget": {"min_value": Decimal("0.01")}}

    def validate(self, attrs):
        start = attrs.get("period_start", getattr(self.instance, "period_start", None))
        end = attrs.get("period_end", getattr(self.instance, "period_end", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"period_end": [_("The period must end on or after its start.")]}
            )
        return attrs
