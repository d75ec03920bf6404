from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from communities.selectors import needs_visible_to, staff_community_ids
from core.public_cache import cached_data
from matchmaking import services
from matchmaking.selectors import (
    conversations_visible_to,
    matches_for_need,
    matches_for_offer,
    runs_visible_to,
    suggestions_visible_to,
)
from orgs.selectors import offerings_visible_to
from projects.selectors import resources_for_need

from .serializers import (
    ConversationSerializer,
    MatchRunSerializer,
    MessageSerializer,
    NeedMatchesSerializer,
    OfferMatchesSerializer,
    SuggestionSerializer,
)

K_PARAM = OpenApiParameter("k", int, description="How many matches (1–50, default 10).")


def _k(request) -> int:
    raw = request.query_params.get("k", "10")
    if not raw.isdigit() or not 1 <= int(raw) <= 50:
        raise ValidationError({"k": ["Between 1 and 50."]})
    return int(raw)


class MatchRunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Batch runs over a region. Officials start them inside their jurisdiction."""

    serializer_class = MatchRunSerializer
    permission_classes = [IsAuthenticated]
    throttle_scope = "batch"

    def get_queryset(self):
        return runs_visible_to(self.request.user)

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.match_run_start(
            actor=request.user,
            scope=serializer.validated_data["scope"],
            parameters={"top_k": serializer.validated_data.get("top_k", 10)},
        )
        run.refresh_from_db()
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)


class SuggestionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's suggestions: for their community's needs, or naming their organization."""

    serializer_class = SuggestionSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "patch", "head", "options"]
    filterset_fields = ["need", "org", "status", "proposed"]
    ordering_fields = ["score", "rank"]

    def get_queryset(self):
        return suggestions_visible_to(self.request.user).order_by("need_id", "rank", "id")

    def perform_update(self, serializer):
        serializer.instance = services.suggestion_mark(
            actor=self.request.user,
            suggestion=serializer.instance,
            status=serializer.validated_data["status"],
        )


class NeedMatchesView(APIView):
    """Ranked offers for one need, scored now against current data, and money that could pay."""

    @extend_schema(parameters=[K_PARAM], responses=NeedMatchesSerializer, tags=["matching"])
    def get(self, request, pk):
        need = get_object_or_404(needs_visible_to(request.user), pk=pk)
        k = _k(request)

        def build():
            matches = matches_for_need(need, k=k)
            data = {
                "count": len(matches),
                "results": matches,
                "resources": resources_for_need(need)[:10],
            }
            return NeedMatchesSerializer(data).data

        # The same for everyone who may see the need: scored once per data version.
        return Response(cached_data("need-matches", build, str(need.pk), str(k)))


class OfferMatchesView(APIView):
    """Ranked published needs for one offer, scored now."""

    @extend_schema(parameters=[K_PARAM], responses=OfferMatchesSerializer, tags=["matching"])
    def get(self, request, pk):
        offering = get_object_or_404(offerings_visible_to(request.user), pk=pk)
        k = _k(request)

        def build():
            matches = matches_for_offer(offering, k=k)
            return OfferMatchesSerializer({"count": len(matches), "results": matches}).data

        return Response(cached_data("offer-matches", build, str(offering.pk), str(k)))


class ConversationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's conversations with the other party about a need."""

    serializer_class = ConversationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return conversations_visible_to(self.request.user)

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "staff_community_ids": set(staff_community_ids(self.request.user)),
        }

    @extend_schema(methods=["get"], responses=MessageSerializer(many=True))
    @extend_schema(methods=["post"], request=MessageSerializer, responses=MessageSerializer)
    @action(detail=True, methods=["get", "post"], serializer_class=MessageSerializer)
    def messages(self, request, pk=None):
        """GET reads (and marks read) the messages; POST sends one."""
        conversation = self.get_object()
        if request.method == "POST":
            serializer = MessageSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            message = services.message_post(
                actor=request.user,
                conversation=conversation,
                body=serializer.validated_data["body"],
            )
            return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
        services.conversation_mark_read(actor=request.user, conversation=conversation)
        page = self.paginate_queryset(conversation.messages.select_related("sender"))
        return self.get_paginated_response(MessageSerializer(page, many=True).data)
