"""The matchmaking fair: fairs, registrations, intention projects and the statistics."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from communities.api.fields import CategoryCodeField, RegionCodeField
from communities.models import Community, Region, ServiceNeed
from orgs.models import ServiceOffering, SocialOrg
from projects.models import Fair, FairRegistration, Intention


class FairSerializer(serializers.ModelSerializer):
    region = RegionCodeField()
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Fair
        fields = ["id", "name", "year", "held_on", "venue", "region", "region_name", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"year": {"min_value": 2000, "max_value": 2100}}


class RegistrationSerializer(serializers.ModelSerializer):
    """Output: which participant, by kind, with its display name."""

    kind = serializers.SerializerMethodField()
    street = serializers.CharField(source="street_id", read_only=True, allow_null=True)
    name = serializers.SerializerMethodField()

    class Meta:
        model = FairRegistration
        fields = ["id", "fair", "kind", "street", "community", "org", "name", "created_at"]
        read_only_fields = fields

    def get_kind(self, obj) -> str:
        return "street" if obj.street_id else "community" if obj.community_id else "org"

    def get_name(self, obj) -> str:
        return str(obj.street or obj.community or obj.org)


class RegistrationInputSerializer(serializers.Serializer):
    """Exactly one of the three; the service names the field when that rule is broken."""

    street = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    community = serializers.PrimaryKeyRelatedField(
        queryset=Community.objects.all(), required=False, allow_null=True
    )
    org = serializers.PrimaryKeyRelatedField(
        queryset=SocialOrg.objects.all(), required=False, allow_null=True
    )


class IntentionSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    category = serializers.CharField(
        source="category.code", read_only=True, allow_null=True, default=None
    )
    project_code = serializers.CharField(
        source="project.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Intention
        fields = [
            "id",
            "fair",
            "community",
            "community_name",
            "org",
            "org_name",
            "title",
            "amount",
            "need",
            "offer",
            "category",
            "signed_at",
            "project",
            "project_code",
        ]
        read_only_fields = fields


class IntentionInputSerializer(serializers.Serializer):
    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all())
    org = serializers.PrimaryKeyRelatedField(queryset=SocialOrg.objects.all())
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    need = serializers.PrimaryKeyRelatedField(
        queryset=ServiceNeed.objects.all(), required=False, allow_null=True
    )
    offer = serializers.PrimaryKeyRelatedField(
        queryset=ServiceOffering.objects.all(), required=False, allow_null=True
    )
    category = CategoryCodeField(
        required=False,
        allow_null=True,
        help_text=_("Taken from the need or the offering when not given."),
    )


class ConvertSerializer(serializers.Serializer):
    category = CategoryCodeField(
        required=False,
        allow_null=True,
        help_text=_("Only for an intention without a service category."),
    )


class FairStatsSerializer(serializers.Serializer):
    streets = serializers.IntegerField(
        help_text=_("Distinct streets registered directly or through their communities.")
    )
    communities = serializers.IntegerField()
    orgs = serializers.IntegerField()
    resources_amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text=_("Resources published with this fair.")
    )
    intentions = serializers.IntegerField()
    intentions_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
