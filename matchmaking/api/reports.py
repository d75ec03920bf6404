"""`reports/`: the yearly handbooks and the ranking as PDF/XLSX, built in the background.

POST `{kind, year, within, format}` → 202 with the queued report; GET a report for its
`status, progress, error` and, once done, `download` (the absolute URL of `download/`, which
streams the file). Officials and superusers only (403 for every other role); a report outside
the caller's jurisdiction is a 404.
"""

import django_filters
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from core.errors import DomainError
from matchmaking.choices import RunStatus
from matchmaking.models import Report, ReportFormat, ReportKind
from matchmaking.permissions import can_use_reports
from matchmaking.reports import services
from matchmaking.reports.selectors import reports_visible_to


@extend_schema_field({"type": "string", "enum": ReportKind.values})
class KindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ReportKind.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": ReportFormat.values})
class FormatField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ReportFormat.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": RunStatus.values})
class ReportStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=RunStatus.choices, **kwargs)


class CodeField(serializers.CharField):
    """A region code: a string (a JSON number is not a code); the service checks the rest."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ReportSerializer(serializers.ModelSerializer):
    """A report; POST takes `kind, year, within, format` and the service checks the values."""

    kind = KindField()
    year = serializers.IntegerField(min_value=1, max_value=9999)
    within = CodeField(
        source="scope_id", max_length=12, help_text=gettext_lazy("12-digit region code.")
    )
    format = FormatField()
    status = ReportStatusField(read_only=True)
    scope_name = serializers.CharField(source="scope.name", read_only=True)
    download = serializers.SerializerMethodField()
    filename = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "year",
            "within",
            "scope_name",
            "format",
            "status",
            "progress",
            "error",
            "summary",
            "download",
            "filename",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = [
            "status",
            "progress",
            "error",
            "summary",
            "created_at",
            "started_at",
            "finished_at",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download(self, report) -> str | None:
        if report.status != RunStatus.DONE or not report.file:
            return None
        path = reverse("api:report-download", args=[report.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_filename(self, report) -> str:
        return services.report_filename(report)


class CanUseReports(BasePermission):
    """Officials and superusers; every other role gets 403 on every reports endpoint."""

    message = gettext_lazy("Only civil-affairs officials can use reports.")

    def has_permission(self, request, view) -> bool:
        return can_use_reports(request.user)


class ReportFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices)
    status = django_filters.ChoiceFilter(choices=RunStatus.choices)
    year = django_filters.NumberFilter(min_value=1, max_value=9999)
    within = django_filters.CharFilter(
        method="filter_within", label=gettext_lazy("Within region (code)")
    )

    class Meta:
        model = Report
        fields = ["kind", "status", "year", "within"]

    def filter_within(self, queryset, name, value):
        from core import regions

        if not regions.is_valid_code(value):
            return queryset.none()
        return queryset.filter(scope__code__startswith=regions.prefix_of(value))


class ReportNotReady(DomainError):
    """The report has no file (yet): it is queued, running or failed."""

    code = "report_not_ready"


class ReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Handbooks and rankings of a year and a region, as PDF or XLSX."""

    serializer_class = ReportSerializer
    permission_classes = [IsAuthenticated, CanUseReports]
    filterset_class = ReportFilter
    ordering_fields = ["created_at", "year", "kind", "status"]
    throttle_scope = "batch"

    def get_queryset(self):
        return reports_visible_to(self.request.user)

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(
        responses={202: ReportSerializer},
        description="Queue a report; poll the returned report until `status` is done or failed.",
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = services.report_request(
            actor=request.user,
            kind=data["kind"],
            year=data["year"],
            within=data["scope_id"],
            fmt=data["format"],
        )
        report = self.get_queryset().get(pk=report.pk)
        return Response(self.get_serializer(report).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="The report is not done (no file yet)."),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The report's file, as an attachment named after the region, year and kind."""
        report = self.get_object()
        if report.status != RunStatus.DONE or not report.file:
            raise ReportNotReady(_("The report has no file: it is not done."))
        try:
            handle = report.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        return FileResponse(
            handle,
            as_attachment=True,
            filename=services.report_filename(report),
            content_type=services.CONTENT_TYPES[report.format],
        )
