from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from projects import services
from projects.filters import ResourceFilter
from projects.selectors import resources_visible_to

from .serializers import MeSerializer, ResourceSerializer


class MeView(APIView):
    """The signed-in user and every role they hold."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, tags=["auth"])
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class ResourceViewSet(
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
