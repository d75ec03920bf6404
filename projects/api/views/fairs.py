"""The matchmaking fair (供需对接会): fairs, registrations, intention projects, statistics.

Fairs, their participants and their figures are public; intention projects are shown to the
two parties and the officials over them (`intentions_visible_to`). Writes are one service
call each: holding a fair (officials), registering (staff and members themselves, officials
anyone in their region; twice is a no-op answering 200 instead of 201), signing and
converting an intention (→ a `directed` project draft; twice is 409 `already_converted`).
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.public_cache import PublicCacheMixin
from projects import services
from projects.fairs import fair_stats
from projects.filters import FairFilter, IntentionFilter, RegistrationFilter
from projects.models import FairRegistration, Intention
from projects.selectors import fair_list, intentions_visible_to, registrations_of

from ..serializers import ProjectSerializer
from ..serializers.fairs import (
    ConvertSerializer,
    FairSerializer,
    FairStatsSerializer,
    IntentionInputSerializer,
    IntentionSerializer,
    RegistrationInputSerializer,
    RegistrationSerializer,
)
from .parsing import _parse

INTENTION_ID = OpenApiParameter("intention_id", int, OpenApiParameter.PATH)


class FairViewSet(
    PublicCacheMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Matchmaking fairs (供需对接会). Officials hold one for their region or one below it."""

    serializer_class = FairSerializer
    filterset_class = FairFilter
    lookup_value_regex = r"[0-9]+"
    ordering_fields = ["held_on", "year", "name"]

    def get_queryset(self):
        # The sub-collections filter their own rows; the schema reads their model from here.
        if self.action in ("registrations", "register"):
            return FairRegistration.objects.none()
        if self.action in ("intentions", "sign"):
            return Intention.objects.none()
        return fair_list()

    def perform_create(self, serializer):
        serializer.instance = services.fair_create(
            actor=self.request.user, **serializer.validated_data
        )

    def _fair(self):
        return get_object_or_404(fair_list(), pk=self.kwargs["pk"])

    # --- registrations ---------------------------------------------------------------------

    @extend_schema(responses=RegistrationSerializer(many=True), filters=True)
    @action(
        detail=True,
        methods=["get"],
        serializer_class=RegistrationSerializer,
        filterset_class=RegistrationFilter,
        ordering_fields=["id"],
    )
    def registrations(self, request, pk=None):
        """Streets, communities and organizations taking part."""
        fair = self._fair()
        queryset = self.filter_queryset(registrations_of(fair))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(RegistrationSerializer(page, many=True).data)

    @extend_schema(
        request=RegistrationInputSerializer,
        responses={200: RegistrationSerializer, 201: RegistrationSerializer},
    )
    @registrations.mapping.post
    def register(self, request, pk=None):
        fair = self._fair()
        data = _parse(RegistrationInputSerializer, request)
        before = fair.registrations.count()
        registration = services.registration_add(actor=request.user, fair=fair, **data)
        created = fair.registrations.count() > before
        return Response(
            RegistrationSerializer(registration).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    # --- intentions ------------------------------------------------------------------------

    def _intentions(self, fair):
        return intentions_visible_to(self.request.user).filter(fair=fair)

    @extend_schema(responses=IntentionSerializer(many=True), filters=True)
    @action(
        detail=True,
        methods=["get"],
        serializer_class=IntentionSerializer,
        filterset_class=IntentionFilter,
        ordering_fields=["signed_at", "amount"],
        permission_classes=[IsAuthenticated],
    )
    def intentions(self, request, pk=None):
        """Intention projects signed at the fair that the caller is party to or oversees."""
        fair = self._fair()
        queryset = self.filter_queryset(self._intentions(fair).order_by("-signed_at", "-id"))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(IntentionSerializer(page, many=True).data)

    @extend_schema(request=IntentionInputSerializer, responses={201: IntentionSerializer})
    @intentions.mapping.post
    def sign(self, request, pk=None):
        fair = self._fair()
        data = _parse(IntentionInputSerializer, request)
        intention = services.intention_sign(actor=request.user, fair=fair, **data)
        return Response(IntentionSerializer(intention).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[INTENTION_ID], responses=IntentionSerializer)
    @action(
        detail=True,
        methods=["get"],
        url_path=r"intentions/(?P<intention_id>[0-9]+)",
        filter_backends=[],
        serializer_class=IntentionSerializer,
        permission_classes=[IsAuthenticated],
    )
    def intention(self, request, pk=None, intention_id=None):
        intention = get_object_or_404(self._intentions(self._fair()), pk=intention_id)
        return Response(IntentionSerializer(intention).data)

    @extend_schema(
        parameters=[INTENTION_ID], request=ConvertSerializer, responses={201: ProjectSerializer}
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"intentions/(?P<intention_id>[0-9]+)/convert",
        filter_backends=[],
        serializer_class=ProjectSerializer,
    )
    def convert(self, request, pk=None, intention_id=None):
        """Make the intention a `directed` project draft of the community (its staff only);
        the project keeps the link to the intention and so to the fair."""
        intention = get_object_or_404(self._intentions(self._fair()), pk=intention_id)
        data = _parse(ConvertSerializer, request)
        project = services.intention_convert(actor=request.user, intention=intention, **data)
        return Response(
            ProjectSerializer(project, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    # --- statistics ------------------------------------------------------------------------

    @extend_schema(responses=FairStatsSerializer)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def stats(self, request, pk=None):
        """The figures the yearly report quotes: participants, resources, intentions."""
        return Response(FairStatsSerializer(fair_stats(self._fair())).data)
