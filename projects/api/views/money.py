"""The money: funding resources with their ledger, residents' decisions; and the caller
(me)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.public_cache import PublicCacheMixin
from projects import services
from projects.filters import DecisionFilter, ResourceFilter
from projects.selectors import decisions_visible_to, resources_visible_to

from ..serializers import (
    DecisionSerializer,
    LedgerEntrySerializer,
    MeSerializer,
    ResourceSerializer,
)


class MeView(APIView):
    """The signed-in user and every role they hold."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, tags=["auth"])
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class ResourceViewSet(
    PublicCacheMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Funding resources (项目资源). Officials publish them for their jurisdiction."""

    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter
    ordering_fields = ["year", "amount", "name"]

    def get_queryset(self):
        return resources_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.resource_create(
            actor=self.request.user, publish=True, **serializer.validated_data
        )

    @extend_schema(responses=LedgerEntrySerializer(many=True))
    @action(
        detail=True, methods=["get"], serializer_class=LedgerEntrySerializer, filter_backends=[]
    )
    def ledger(self, request, pk=None):
        """Every commit, release and disbursement of this resource, oldest first."""
        resource = self.get_object()
        page = self.paginate_queryset(resource.ledger.select_related("by"))
        return self.get_paginated_response(LedgerEntrySerializer(page, many=True).data)


class DecisionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Residents' decisions on the community fund; `valid` and `passed` follow from the counts."""

    serializer_class = DecisionSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = DecisionFilter
    ordering_fields = ["meeting_date"]

    def get_queryset(self):
        return decisions_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        community = data.pop("community")
        serializer.instance = services.decision_record(
            actor=self.request.user, community=community, **data
        )
