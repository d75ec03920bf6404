from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from communities.api.fields import CategoryCodeField, RegionCodeField, TargetGroupCodeField
from orgs.choices import Grade
from orgs.models import ServiceOffering, SocialOrg, SocialWorker
from orgs.permissions import org_contacts_checker


class OrgSerializer(serializers.ModelSerializer):
    region = RegionCodeField()
    grade = serializers.ChoiceField(
        choices=Grade.choices, allow_null=True, required=False, allow_blank=True
    )
    certified_workers = serializers.IntegerField(read_only=True, default=0)
    contact = serializers.SerializerMethodField()

    class Meta:
        model = SocialOrg
        fields = [
            "id",
            "name",
            "uscc",
            "org_type",
            "region",
            "grade",
            "certified_workers",
            "founded_on",
            "description",
            "address",
            "verified",
            "verified_at",
            "contact",
            "contact_name",
            "contact_phone",
        ]
        read_only_fields = ["verified", "verified_at"]
        extra_kwargs = {
            "contact_name": {"write_only": True},
            "contact_phone": {"write_only": True},
            "uscc": {"validators": []},
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["grade"] = data["grade"] or None
        return data

    def validate_grade(self, value):
        return value or ""

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"name": {"type": "string"}, "phone": {"type": "string"}},
        }
    )
    def get_contact(self, obj) -> dict | None:
        """Contact details only for the org's members and officials over it (PIPL)."""
        request = self.context.get("request")
        if request is None:
            return None
        # One checker per response (the context is shared by every row of a list), so a list
        # costs two queries for the user's memberships instead of two per org.
        if "org_contacts_checker" not in self.context:
            self.context["org_contacts_checker"] = org_contacts_checker(request.user)
        if not self.context["org_contacts_checker"](obj):
            return None
        return {"name": obj.contact_name, "phone": obj.contact_phone}


class WorkerSerializer(serializers.ModelSerializer):
    class Meta:
        model = SocialWorker
        fields = ["id", "org", "name", "certificate_level", "certificate_no", "phone"]
        read_only_fields = ["org"]
        extra_kwargs = {"certificate_no": {"validators": []}}


class OfferingSerializer(serializers.ModelSerializer):
    org = serializers.PrimaryKeyRelatedField(queryset=SocialOrg.objects.all())
    org_name = serializers.CharField(source="org.name", read_only=True)
    category = CategoryCodeField()
    target_groups = TargetGroupCodeField(many=True, required=False)
    service_area = RegionCodeField(many=True)
    workers = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=SocialWorker.objects.all()
    )

    class Meta:
        model = ServiceOffering
        fields = [
            "id",
            "org",
            "org_name",
            "title",
            "category",
            "target_groups",
            "service_area",
            "capacity",
            "price_min",
            "price_max",
            "description",
            "workers",
            "status",
            "published_at",
            "created_at",
        ]
        read_only_fields = ["status", "published_at", "created_at"]

    def validate(self, attrs):
        low = attrs.get("price_min", getattr(self.instance, "price_min", None))
        high = attrs.get("price_max", getattr(self.instance, "price_max", None))
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"price_max": [_("The maximum price must not be below the minimum price.")]}
            )
        return attrs
