from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response

from config.api import RolesBeforeBodyMixin
from core.errors import NotAllowed, ValidationFailed
from core.public_cache import PublicCacheMixin
from orgs import services
from orgs.filters import OfferingFilter, OrgFilter
from orgs.permissions import can_edit_offering, can_edit_org, can_see_org_contacts
from orgs.selectors import offerings_visible_to, orgs_visible_to

from .serializers import OfferingSerializer, OrgSerializer, WorkerSerializer


class OrgViewSet(
    PublicCacheMixin,
    RolesBeforeBodyMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Social organizations. Verified ones are public; POST registers a new one."""

    serializer_class = OrgSerializer
    filterset_class = OrgFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_roles = {"partial_update": can_edit_org, "workers": can_edit_org}  # (POST adds one)
    write_refusal = _lazy("Only the organization's members may change it.")

    def get_queryset(self):
        return orgs_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.org_register(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.org_update(
            actor=self.request.user, org=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=None, responses=OrgSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        org = services.org_verify(actor=request.user, org=self.get_object())
        return Response(self.get_serializer(orgs_visible_to(request.user).get(pk=org.pk)).data)

    @extend_schema(methods=["get"], responses=WorkerSerializer(many=True))
    @extend_schema(methods=["post"], request=WorkerSerializer, responses=WorkerSerializer)
    @action(detail=True, methods=["get", "post"], serializer_class=WorkerSerializer)
    def workers(self, request, pk=None):
        """Certified social workers: members of the org and officials over it only."""
        org = self.get_object()
        if not request.user.is_authenticated:
            # 401, not 403: the contract keeps 403 for signed-in users who may not do this.
            raise NotAuthenticated()
        if not can_see_org_contacts(request.user, org):
            raise NotAllowed(
                _("Only the organization's members and officials may see its workers.")
            )
        if request.method == "POST":
            serializer = WorkerSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            worker = services.worker_create(
                actor=request.user, org=org, **serializer.validated_data
            )
            return Response(WorkerSerializer(worker).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(org.workers.all().order_by("id"))
        return self.get_paginated_response(WorkerSerializer(page, many=True).data)


class OfferingViewSet(
    PublicCacheMixin,
    RolesBeforeBodyMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OfferingSerializer
    filterset_class = OfferingFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_roles = {"partial_update": can_edit_offering}
    write_refusal = _lazy("Only the organization's members may change its offerings.")

    def get_queryset(self):
        return offerings_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.offering_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        org = data.pop("org", serializer.instance.org)
        if org.pk != serializer.instance.org_id:
            raise ValidationFailed(
                _("An offering cannot move to another organization."),
                fields={"org": [_("This field cannot be changed.")]},
            )
        serializer.instance = services.offering_update(
            actor=self.request.user, offering=serializer.instance, **data
        )

    def _respond(self, offering):
        fresh = get_object_or_404(self.get_queryset(), pk=offering.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(request=None, responses=OfferingSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._respond(
            services.offering_publish(actor=request.user, offering=self.get_object())
        )

    @extend_schema(request=None, responses=OfferingSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._respond(
            services.offering_close(actor=request.user, offering=self.get_object())
        )
