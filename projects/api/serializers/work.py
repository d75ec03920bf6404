"""The work on a project: bids, reviews, supervision visits, progress reports, and its
history of transitions."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from orgs.models import SocialOrg, SocialWorker
from projects.models import Bid, ProgressReport, ProjectTransition, Review, SupervisionVisit

from .fields import MONEY, ProjectBidField


class TeamMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = SocialWorker
        fields = ["id", "name", "certificate_level"]
        read_only_fields = fields


class BidSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    team = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    team_members = TeamMemberSerializer(source="team", many=True, read_only=True)
    review_mean = serializers.SerializerMethodField(
        help_text=_("Mean weighted review total; for the community and officials only.")
    )
    review_count = serializers.SerializerMethodField()

    class Meta:
        model = Bid
        fields = [
            "id",
            "org",
            "org_name",
            "amount",
            "proposal",
            "team",
            "team_members",
            "status",
            "created_at",
            "withdrawn_at",
            "review_mean",
            "review_count",
        ]
        read_only_fields = fields

    def _sees_reviews(self) -> bool:
        # Reviewers must not see colleagues' scores through the mean, nor bidders theirs.
        return bool(self.context.get("sees_reviews"))

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True))
    def get_review_mean(self, obj):
        mean = getattr(obj, "review_mean", None)
        if not self._sees_reviews() or mean is None:
            return None
        return str(Decimal(mean).quantize(Decimal("0.01")))

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_review_count(self, obj):
        return getattr(obj, "review_count", None) if self._sees_reviews() else None


class BidInputSerializer(serializers.Serializer):
    org = serializers.PrimaryKeyRelatedField(
        queryset=SocialOrg.objects.all(),
        required=False,
        help_text=_("The bidding organization; may be left out by members of exactly one."),
    )
    amount = serializers.DecimalField(min_value=Decimal("0.01"), **MONEY)
    proposal = serializers.CharField(max_length=20000)
    team = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=SocialWorker.objects.all(),
        help_text=_("Ids of the organization's certified social workers."),
    )


class ScoresSerializer(serializers.Serializer):
    capacity = serializers.IntegerField(min_value=0, max_value=100)
    plan = serializers.IntegerField(min_value=0, max_value=100)
    budget = serializers.IntegerField(min_value=0, max_value=100)
    track_record = serializers.IntegerField(min_value=0, max_value=100)


class ReviewSerializer(serializers.ModelSerializer):
    org = serializers.IntegerField(source="bid.org_id", read_only=True)
    reviewer_name = serializers.StringRelatedField(source="reviewer", read_only=True)
    scores = ScoresSerializer(source="*", read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "bid",
            "org",
            "reviewer",
            "reviewer_name",
            "scores",
            "total",
            "comments",
            "created_at",
        ]
        read_only_fields = fields


class ReviewInputSerializer(serializers.Serializer):
    bid = ProjectBidField()
    scores = ScoresSerializer()
    comments = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class SupervisionSerializer(serializers.ModelSerializer):
    supervisor_name = serializers.StringRelatedField(source="supervisor", read_only=True)

    class Meta:
        model = SupervisionVisit
        fields = [
            "id",
            "supervisor",
            "supervisor_name",
            "visited_on",
            "findings",
            "rating",
            "created_at",
        ]
        read_only_fields = ["id", "supervisor", "supervisor_name", "created_at"]
        extra_kwargs = {
            "findings": {"max_length": 20000},
            "rating": {"min_value": 1, "max_value": 5},
        }


class ProgressReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = ["id", "org", "period_end", "summary", "beneficiaries_served", "created_at"]
        read_only_fields = ["id", "org", "created_at"]
        extra_kwargs = {"summary": {"max_length": 20000}}


class TransitionSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField(read_only=True, allow_null=True)
    # `from` is a Python keyword: declare the field through the class namespace.
    vars()["from"] = serializers.CharField(source="from_status", read_only=True)
    to = serializers.CharField(source="to_status", read_only=True)

    class Meta:
        model = ProjectTransition
        fields = ["id", "action", "from", "to", "by", "at", "note"]
        read_only_fields = fields
