"""`GET dashboard/` (the figures as JSON) and `GET dashboard/export/` (the same as XLSX).

Both take `within` (a region code; default: the official's own, highest region) and `year`
(default: the current year). Officials see their region and everything below it, superusers
everything; a region outside the jurisdiction is a 404, a user who is no official gets a 403,
a malformed or unknown `within` / `year` a 400 naming the field. docs/dashboard.md defines
every figure.

The serializers below document the shape for the OpenAPI schema; the view returns the
analytics' dict as it is (tests keep the two in step).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from matchmaking.dashboard_request import dashboard_for
from matchmaking.exports import SHEETS, XLSX_TYPE, xlsx_response

PARAMETERS = [
    OpenApiParameter(
        "within",
        str,
        description="Region code (12 digits) of the area: a city, district, street or "
        "community. Default: the caller's own region (the highest, for an official of several).",
    ),
    OpenApiParameter(
        "year", int, description="Calendar year (Asia/Shanghai), 2000–2100. Default: this year."
    ),
]
MONEY = {"help_text": "Yuan, two decimals, as a string."}
SHARE = {
    "allow_null": True,
    "help_text": "0–1, four places; null when there is nothing to measure.",
}


class DashboardRegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DashboardScopeSerializer(DashboardRegionSerializer):
    level = serializers.CharField()


class DashboardTotalsSerializer(serializers.Serializer):
    communities = serializers.IntegerField()
    staff_total = serializers.IntegerField()
    staff_certified = serializers.IntegerField()
    staff_certified_share = serializers.FloatField(**SHARE)
    orgs = serializers.IntegerField()
    orgs_verified = serializers.IntegerField()
    certified_workers = serializers.IntegerField()
    needs_published = serializers.IntegerField()
    offers_published = serializers.IntegerField()
    resources_published = serializers.IntegerField()
    resources_amount = serializers.DecimalField(max_digits=16, decimal_places=2, **MONEY)
    funds_committed = serializers.DecimalField(max_digits=16, decimal_places=2, **MONEY)
    funds_disbursed = serializers.DecimalField(max_digits=16, decimal_places=2, **MONEY)
    projects_by_status = serializers.DictField(
        child=serializers.IntegerField(), help_text="Every project status, zeros included."
    )
    match_rate = serializers.FloatField(**SHARE)
    median_days_to_award = serializers.FloatField(allow_null=True)


class DashboardCellSerializer(serializers.Serializer):
    demand = serializers.IntegerField()
    supply = serializers.IntegerField()
    gap = serializers.IntegerField(help_text="demand − supply")


class DashboardMarginSerializer(DashboardCellSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DashboardBiggestSerializer(DashboardCellSerializer):
    category = serializers.CharField()
    region = serializers.CharField()
    text = serializers.CharField(help_text="The gap in words, in the request's language.")


class DashboardGapSerializer(serializers.Serializer):
    categories = DashboardRegionSerializer(
        many=True, help_text="Rows: the root service categories, in order."
    )
    regions = DashboardRegionSerializer(
        many=True, help_text="Columns: the sub-regions of the area."
    )
    cells = serializers.ListField(
        child=DashboardCellSerializer(many=True), help_text="cells[row][column], rows = categories."
    )
    by_category = DashboardMarginSerializer(many=True)
    by_region = DashboardMarginSerializer(many=True)
    biggest = DashboardBiggestSerializer(many=True)


class DashboardTrendsSerializer(serializers.Serializer):
    months = serializers.ListField(child=serializers.IntegerField())
    needs_published = serializers.ListField(child=serializers.IntegerField())
    projects_published = serializers.ListField(child=serializers.IntegerField())
    projects_awarded = serializers.ListField(child=serializers.IntegerField())
    projects_completed = serializers.ListField(child=serializers.IntegerField())


class DashboardPipelineSerializer(serializers.Serializer):
    bidding = serializers.IntegerField()
    review = serializers.IntegerField()
    delivery = serializers.IntegerField()
    acceptance = serializers.IntegerField()
    completed = serializers.IntegerField()


class DashboardOverdueItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    community = serializers.CharField()
    days = serializers.IntegerField(allow_null=True, help_text="Whole days waited.")


class DashboardOverdueSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    items = DashboardOverdueItemSerializer(many=True, help_text="The ten that have waited longest.")


class DashboardOverdueListsSerializer(serializers.Serializer):
    bidding_without_bids = DashboardOverdueSerializer()
    reports_late = DashboardOverdueSerializer()
    acceptance_pending = DashboardOverdueSerializer()


class DashboardSerializer(serializers.Serializer):
    """The dashboard of one area and year (documentation of the response)."""

    scope = DashboardScopeSerializer()
    year = serializers.IntegerField()
    totals = DashboardTotalsSerializer()
    gap = DashboardGapSerializer()
    trends = DashboardTrendsSerializer()
    pipeline = DashboardPipelineSerializer()
    overdue = DashboardOverdueListsSerializer()
    breadcrumb = DashboardScopeSerializer(
        many=True, help_text="The area and the regions above it, city first."
    )
    children = DashboardRegionSerializer(many=True, help_text="The sub-regions to drill into.")


class DashboardView(APIView):
    """Officials' dashboard: totals, supply–demand gap, trends, pipeline and overdue lists."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=PARAMETERS,
        responses=DashboardSerializer,
        tags=["dashboard"],
        operation_id="dashboard_retrieve",
    )
    def get(self, request):
        return Response(dashboard_for(request.user, request.query_params))


class DashboardExportView(APIView):
    """The dashboard as an Excel workbook: one sheet per section, numbers as numbers."""

    permission_classes = [IsAuthenticated]

    def perform_content_negotiation(self, request, force=False):
        # The workbook is returned as it is; an `Accept: …spreadsheetml.sheet` header must not
        # make DRF refuse the request (406) for want of a renderer of that type.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[
            *PARAMETERS,
            OpenApiParameter(
                "sheet",
                str,
                enum=list(SHEETS),
                description="The sheet the workbook opens on (default: the first).",
            ),
        ],
        responses={
            (200, XLSX_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="dashboard-<within>-<year>.xlsx"
            )
        },
        tags=["dashboard"],
        operation_id="dashboard_export",
    )
    def get(self, request):
        data = dashboard_for(request.user, request.query_params)
        return xlsx_response(data, active=request.query_params.get("sheet"))
