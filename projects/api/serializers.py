from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserSerializer
from accounts.models import User
from communities.api.fields import CategoryCodeField, RegionCodeField
from communities.models import Community
from orgs.models import SocialOrg, SocialWorker
from projects.choices import AcceptanceResult
from projects.models import (
    Bid,
    FundingResource,
    LedgerEntry,
    Notification,
    ProgressReport,
    Project,
    ProjectFunding,
    ProjectTransition,
    ResidentDecision,
    Review,
    SupervisionVisit,
)
from projects.permissions import project_actions, project_roles
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


# --- projects -------------------------------------------------------------------------------
#
# Output serializers render what selectors return; input serializers only parse a request body
# (400 naming the field) and hand plain values to one service call.

ZERO = Decimal("0.00")
MONEY = {"max_digits": 14, "decimal_places": 2}


class ChoiceField(serializers.ChoiceField):
    """Names the valid values instead of echoing the input: DRF's message repeats it, and a
    lone surrogate in the echo cannot be encoded as UTF-8 (the response would be a 500)."""

    default_error_messages = {"invalid_choice": _("Choose one of: {choices}.")}

    def to_internal_value(self, data):
        if data == "" and self.allow_blank:
            return ""
        try:
            return self.choice_strings_to_values[str(data)]
        except KeyError:
            self.fail("invalid_choice", choices=", ".join(self.choice_strings_to_values))


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


class LineTotalField(serializers.DecimalField):
    """The sum of one money column over the project's (prefetched) funding lines: the same
    totals as `selectors.project_money`, without a query per row of a list."""

    def __init__(self, column: str, **kwargs):
        self.column = column
        super().__init__(source="*", read_only=True, **MONEY, **kwargs)

    def to_representation(self, project):
        lines = project.funding.all()
        if self.column == "outstanding":
            total = sum((li.outstanding for li in lines), ZERO)
        else:
            total = sum((getattr(li, self.column) for li in lines), ZERO)
        return super().to_representation(total)


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
            "created_at",
            "published_at",
            "actions",
        ]
        read_only_fields = fields

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


class ProjectBidField(serializers.PrimaryKeyRelatedField):
    """A bid of the project in the serializer's context (another project's bid is a 400)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Bid.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        project = self.context.get("project")
        queryset = super().get_queryset()
        return queryset.filter(project=project) if project is not None else queryset


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
