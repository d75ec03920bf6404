"""Projects and the bodies of their lifecycle actions."""

from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from communities.api.fields import CategoryCodeField
from communities.models import Community
from projects.choices import AcceptanceResult
from projects.models import FundingResource, Project, ProjectFunding
from projects.permissions import project_actions, project_roles

from .fields import MONEY, ChoiceField, LineTotalField, ProjectBidField


class FundingLineSerializer(serializers.ModelSerializer):
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    provider_type = serializers.CharField(source="resource.provider_type", read_only=True)

    class Meta:
        model = ProjectFunding
        fields = [
            "resource",
            "resource_name",
            "provider_type",
            "amount",
            "committed",
            "released",
            "disbursed",
        ]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    """A project as every reader sees it; `actions` and `final_report` depend on the caller.

    The view puts the caller's `Memberships` in the context, so the per-caller fields cost no
    query per row.
    """

    community_name = serializers.CharField(source="community.name", read_only=True)
    category = serializers.CharField(source="category.code", read_only=True)
    funding = FundingLineSerializer(many=True, read_only=True)
    awarded_org = serializers.IntegerField(
        source="awarded_bid.org_id", read_only=True, allow_null=True, default=None
    )
    awarded_org_name = serializers.CharField(
        source="awarded_bid.org.name", read_only=True, allow_null=True, default=None
    )
    committed = LineTotalField("committed")
    released = LineTotalField("released")
    disbursed = LineTotalField("disbursed")
    outstanding = LineTotalField(
        "outstanding", help_text=_("Still reserved: committed − released − disbursed.")
    )
    final_report = serializers.SerializerMethodField(
        help_text=_("Shown to those who follow the delivery (see can_see_delivery); else null.")
    )
    actions = serializers.SerializerMethodField(
        help_text=_("What the caller may do now: POST projects/{id}/<action>/ or a sub-collection.")
    )
    intention = serializers.SerializerMethodField(
        help_text=_("The intention project signed at a fair that this project came from, or null.")
    )
    fair = serializers.SerializerMethodField(
        help_text=_("The fair where its intention was signed, or null.")
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "title",
            "description",
            "community",
            "community_name",
            "need",
            "category",
            "beneficiaries",
            "year",
            "budget",
            "funding",
            "committed",
            "released",
            "disbursed",
            "outstanding",
            "procurement",
            "directed_org",
            "decision",
            "period_start",
            "period_end",
            "status",
            "bid_deadline",
            "awarded_bid",
            "awarded_org",
            "awarded_org_name",
            "award_reason",
            "contract_amount",
            "final_report",
            "acceptance_score",
            "cancel_reason",
            "demonstration",
            "demonstration_citation",
            "demonstration_at",
            "created_at",
            "published_at",
            "intention",
            "fair",
            "actions",
        ]
        read_only_fields = fields

    @staticmethod
    def _intention(obj):
        try:
            return obj.intention
        except Project.intention.RelatedObjectDoesNotExist:
            return None

    def get_intention(self, obj) -> int | None:
        intention = self._intention(obj)
        return intention.pk if intention else None

    def get_fair(self, obj) -> int | None:
        intention = self._intention(obj)
        return intention.fair_id if intention else None

    def _memberships(self):
        memberships = self.context.get("memberships")
        return memberships() if callable(memberships) else memberships

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None) or AnonymousUser()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, obj) -> list[str]:
        return project_actions(self._user(), obj, self._memberships())

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_final_report(self, obj):
        if not obj.final_report:
            return None
        roles = project_roles(self._user(), obj, self._memberships())
        return obj.final_report if roles.sees_delivery else None


class FundingLineInputSerializer(serializers.Serializer):
    resource = serializers.PrimaryKeyRelatedField(queryset=FundingResource.objects.all())
    amount = serializers.DecimalField(min_value=Decimal("0.01"), **MONEY)


class ProjectWriteSerializer(serializers.ModelSerializer):
    """The body of POST projects/ and PATCH projects/{id}/ (drafts only)."""

    serializer_choice_field = ChoiceField

    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all())
    category = CategoryCodeField(required=False)
    funding = FundingLineInputSerializer(
        many=True,
        required=False,
        help_text=_("Funding lines; on PATCH they replace every line."),
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "description",
            "community",
            "need",
            "category",
            "beneficiaries",
            "year",
            "budget",
            "procurement",
            "directed_org",
            "decision",
            "period_start",
            "period_end",
            "funding",
        ]
        extra_kwargs = {
            "budget": {"min_value": Decimal("0.01")},
            "year": {"required": False, "min_value": 2000, "max_value": 2100},
        }

    def validate(self, attrs):
        start = attrs.get("period_start", getattr(self.instance, "period_start", None))
        end = attrs.get("period_end", getattr(self.instance, "period_end", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"period_end": [_("The period must end on or after its start.")]}
            )
        return attrs


class PublishSerializer(serializers.Serializer):
    bid_deadline = serializers.DateTimeField(help_text=_("When bidding closes; in the future."))


class AwardSerializer(serializers.Serializer):
    bid = ProjectBidField()
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=_("Required to choose a bid that is not the best reviewed, or with no reviews."),
    )


class FinalReportSerializer(serializers.Serializer):
    report = serializers.CharField(max_length=20000)


class AcceptSerializer(serializers.Serializer):
    result = ChoiceField(choices=AcceptanceResult.choices)
    score = serializers.IntegerField(min_value=0, max_value=100)
    comments = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AssignSerializer(serializers.Serializer):
    reviewers = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=User.objects.all(), help_text=_("User ids.")
    )
    supervisors = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=User.objects.all(), help_text=_("User ids.")
    )
