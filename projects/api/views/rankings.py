"""The ranking (排行榜) and the demonstration projects (示范项目): two public lists, and the
officials' actions `designate-demonstration` / `withdraw-demonstration` on a project (mixed
into ProjectViewSet)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny

from core.public_cache import PublicCacheMixin
from projects import services
from projects.rankings import demonstration_projects, ranking_years, rankings

from ..serializers import (
    DemonstrationProjectSerializer,
    DemonstrationQuerySerializer,
    DesignateDemonstrationSerializer,
    ProjectSerializer,
    RankingQuerySerializer,
    RankingRowSerializer,
    WithdrawDemonstrationSerializer,
)
from .parsing import _parse


def _query(serializer_class, request) -> dict:
    """Validate the query string (400 naming the parameter) and return plain values."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class RankingListView(PublicCacheMixin, generics.ListAPIView):
    """The ranking of a year (信息公开: public, anonymous included).

    Rows in rank order, paginated like every list: `rank` (1, 2, 3…, distinct even when the
    figures tie), the unit (`unit`, `code`, `name`), the counts (`completed`, `failed`,
    `beneficiaries`), the means as decimal strings (`acceptance_mean`, `rating_mean`,
    `on_time_rate`) and, for organizations, `service_power`. Only completed and failed projects
    of `year` count; docs/rankings.md defines every column, the order and the tie-breaks.
    """

    serializer_class = RankingRowSerializer
    permission_classes = [AllowAny]
    filter_backends: list = []

    @extend_schema(parameters=[RankingQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        return self.from_cache(self._ranking, request)

    def _ranking(self, request):
        query = _query(RankingQuerySerializer, request)
        year = query.get("year")
        if year is None:
            years = ranking_years()
            year = years[0] if years else timezone.localdate().year
        rows = rankings(year=year, level=query["level"], within=query.get("within"))
        for row in rows:
            row.setdefault("service_power", None)  # one shape for every level
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DemonstrationProjectListView(PublicCacheMixin, generics.ListAPIView):
    """Completed projects designated as demonstrations (信息公开: public), newest year first
    and the latest designation first within a year, with the citation, the community, the
    winning organization, the contract amount and the acceptance score."""

    serializer_class = DemonstrationProjectSerializer
    permission_classes = [AllowAny]
    filter_backends: list = []

    def get_queryset(self):
        query = _query(DemonstrationQuerySerializer, self.request)
        return demonstration_projects(year=query.get("year"), category=query.get("category"))

    @extend_schema(parameters=[DemonstrationQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DemonstrationActionsMixin:
    """`POST projects/{id}/designate-demonstration/ {citation}` and
    `POST projects/{id}/withdraw-demonstration/ {reason}`, mixed into ProjectViewSet: each
    returns the project. Officials over the project's community only (403); a project that is
    not completed, already designated or not designated is a 409."""

    @extend_schema(request=DesignateDemonstrationSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"], url_path="designate-demonstration", filter_backends=[])
    def designate_demonstration(self, request, pk=None):
        """Designate a completed project as a demonstration project (示范项目)."""
        project = self.get_object()
        data = _parse(DesignateDemonstrationSerializer, request)
        services.project_designate_demonstration(actor=request.user, project=project, **data)
        return self._respond(project)

    @extend_schema(request=WithdrawDemonstrationSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"], url_path="withdraw-demonstration", filter_backends=[])
    def withdraw_demonstration(self, request, pk=None):
        """Withdraw the designation; the citation is cleared (the history keeps it)."""
        project = self.get_object()
        data = _parse(WithdrawDemonstrationSerializer, request)
        services.project_withdraw_demonstration(actor=request.user, project=project, **data)
        return self._respond(project)
