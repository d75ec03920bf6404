from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from communities import services
from communities.filters import CommunityFilter, NeedFilter, RegionFilter
from communities.models import Region, ServiceCategory, TargetGroup
from communities.permissions import can_edit_need
from communities.selectors import community_list, needs_visible_to
from config.api import RolesBeforeBodyMixin
from core.errors import ValidationFailed
from core.public_cache import PublicCacheMixin

from .serializers import (
    CategorySerializer,
    CommunitySerializer,
    NeedSerializer,
    RegionSerializer,
    TargetGroupSerializer,
)


class RegionViewSet(PublicCacheMixin, viewsets.ReadOnlyModelViewSet):
    """Administrative divisions; `within=<code>` returns a region and everything below it."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    # Any code reaches the view, so a malformed one is a JSON 404 like an unknown one.
    lookup_field = "code"
    ordering_fields = ["code", "name"]


class CategoryViewSet(PublicCacheMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ServiceCategory.objects.select_related("parent")
    serializer_class = CategorySerializer
    lookup_field = "code"
    pagination_class = None


class TargetGroupViewSet(PublicCacheMixin, viewsets.ReadOnlyModelViewSet):
    queryset = TargetGroup.objects.all()
    serializer_class = TargetGroupSerializer
    lookup_field = "code"
    pagination_class = None


class CommunityViewSet(PublicCacheMixin, viewsets.ReadOnlyModelViewSet):
    queryset = community_list()
    serializer_class = CommunitySerializer
    filterset_class = CommunityFilter
    ordering_fields = ["name", "residents", "households"]


class NeedViewSet(
    PublicCacheMixin,
    RolesBeforeBodyMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Community service needs. Writers are the staff of the need's community."""

    serializer_class = NeedSerializer
    filterset_class = NeedFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    write_roles = {"partial_update": can_edit_need, "destroy": can_edit_need}
    write_refusal = _lazy("Only the staff of the need's community may change it.")

    def get_queryset(self):
        return needs_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.need_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        community = data.pop("community", serializer.instance.community)
        if community.pk != serializer.instance.community_id:
            raise ValidationFailed(
                _("A need cannot move to another community; post a new one there."),
                fields={"community": [_("This field cannot be changed.")]},
            )
        serializer.instance = services.need_update(
            actor=self.request.user, need=serializer.instance, **data
        )

    def perform_destroy(self, instance):
        services.need_delete(actor=self.request.user, need=instance)

    def _respond(self, need):
        fresh = get_object_or_404(self.get_queryset(), pk=need.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses=NeedSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._respond(services.need_publish(actor=request.user, need=self.get_object()))

    @extend_schema(request=None, responses=NeedSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._respond(services.need_close(actor=request.user, need=self.get_object()))
