"""The ranking (排行榜), the demonstration projects (示范项目), and the bodies of designating a
demonstration and withdrawing it."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from communities.api.fields import CategoryCodeField
from communities.models import Region
from core import regions
from projects.models import Project
from projects.rankings import RankingLevel

from .fields import ChoiceField

_SHARE = {"max_digits": 5, "decimal_places": 4}
_SCORE = {"max_digits": 5, "decimal_places": 2}


class RankingQuerySerializer(serializers.Serializer):
    """The query of GET rankings/ (400 naming the parameter)."""

    year = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("The projects' year; by default the latest year with a finished project."),
    )
    level = ChoiceField(
        choices=RankingLevel.choices,
        required=False,
        default=RankingLevel.COMMUNITY,
        help_text=_("What is ranked: community (default), street, district or org."),
    )
    within = serializers.CharField(
        required=False,
        help_text=_("A 12-digit region code: only projects of communities in that region count."),
    )

    def validate_within(self, value):
        if not regions.is_valid_code(value):
            raise serializers.ValidationError(_("A region code has exactly 12 digits."))
        if not Region.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("There is no region with this code."))
        return value


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class UnitField(serializers.Field):
    """A community's or organization's id (integer), or a street's or district's code."""

    def to_representation(self, value):
        return value


class RankingRowSerializer(serializers.Serializer):
    """One row of the ranking; the columns are defined in docs/rankings.md."""

    rank = serializers.IntegerField(help_text=_("1, 2, 3…: distinct even when figures tie."))
    unit = UnitField(
        help_text=_(
            "The ranked unit: a community or organization id, or a street or district code."
        )
    )
    code = serializers.CharField(
        allow_null=True, help_text=_("The region code; null for organizations.")
    )
    name = serializers.CharField()
    completed = serializers.IntegerField()
    failed = serializers.IntegerField()
    acceptance_mean = serializers.DecimalField(
        allow_null=True,
        help_text=_("Mean acceptance score (0–100) of the completed projects; null if none."),
        **_SCORE,
    )
    rating_mean = serializers.DecimalField(
        allow_null=True,
        help_text=_("Mean supervision rating (1–5) over the completed projects' visits."),
        **_SCORE,
    )
    beneficiaries = serializers.IntegerField(
        help_text=_("Residents served, summed over the completed projects' progress reports.")
    )
    on_time_rate = serializers.DecimalField(
        allow_null=True,
        help_text=_("Share of the completed projects closed by the end of their period."),
        **_SHARE,
    )
    service_power = serializers.DecimalField(
        allow_null=True,
        help_text=_(
            "Organizations only (null for regions), 0–100: 0.40·acceptance_mean "
            "+ 0.20·(rating_mean − 1)/4·100 + 0.20·on_time_rate·100 "
            "+ 0.20·min(completed, 5)/5·100, a missing mean counting 0."
        ),
        **_SCORE,
    )


class DemonstrationQuerySerializer(serializers.Serializer):
    """The query of GET demonstration-projects/."""

    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    category = CategoryCodeField(
        required=False,
        help_text=_("A category code; a top-level category includes its sub-categories."),
    )


class DemonstrationProjectSerializer(serializers.ModelSerializer):
    """A demonstration project as the public sees it: what was bought, from whom, how it
    passed, and why it is an example."""

    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.label", read_only=True)
    category_root = serializers.SerializerMethodField(
        help_text=_("The top-level category's code (the category itself when it is one).")
    )
    community_name = serializers.CharField(source="community.name", read_only=True)
    region = serializers.CharField(source="community.region_id", read_only=True)
    awarded_org = serializers.IntegerField(
        source="awarded_bid.org_id", read_only=True, allow_null=True, default=None
    )
    awarded_org_name = serializers.CharField(
        source="awarded_bid.org.name", read_only=True, allow_null=True, default=None
    )
    citation = serializers.CharField(source="demonstration_citation", read_only=True)
    designated_at = serializers.DateTimeField(source="demonstration_at", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "title",
            "year",
            "category",
            "category_name",
            "category_root",
            "community",
            "community_name",
            "region",
            "awarded_org",
            "awarded_org_name",
            "contract_amount",
            "acceptance_score",
            "closed_at",
            "citation",
            "designated_at",
        ]
        read_only_fields = fields

    def get_category_root(self, obj) -> str | None:
        if obj.category is None:
            return None
        root = obj.category.parent or obj.category
        return root.code


class DesignateDemonstrationSerializer(serializers.Serializer):
    citation = serializers.CharField(
        max_length=2000, help_text=_("Why the project is an example: shown publicly.")
    )


class WithdrawDemonstrationSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text=_("Why the designation is withdrawn: kept in the history.")
    )
