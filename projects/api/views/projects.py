"""Projects (项目) and their lifecycle actions; the sub-collections (bids, reviews, visits,
reports, history) are in work.py."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import RolesBeforeBodyMixin
from core.errors import ValidationFailed
from core.public_cache import PublicCacheMixin
from projects import services
from projects.filters import ProjectFilter
from projects.models import Assignment, Bid, ProjectFunding
from projects.permissions import BODY_ACTION_ROLES, Memberships, can_edit_project
from projects.selectors import projects_visible_to

from ..serializers import (
    AcceptSerializer,
    AssignSerializer,
    AwardSerializer,
    CancelSerializer,
    FinalReportSerializer,
    ProjectSerializer,
    ProjectWriteSerializer,
    PublishSerializer,
)
from .parsing import _parse
from .rankings import DemonstrationActionsMixin
from .work import ProjectWorkMixin


def _line_prefetch():
    lines = ProjectFunding.objects.select_related("resource").order_by("id")
    return Prefetch("funding", queryset=lines)


class ProjectViewSet(
    PublicCacheMixin,
    RolesBeforeBodyMixin,
    ProjectWorkMixin,
    DemonstrationActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Projects (项目) through publish → bid → review → supervise → accept.

    Published projects are public; drafts are seen by their community's staff and the officials
    over it (anyone else gets a 404). Each action is one service call; `actions` on a project
    lists what the caller may do now. Sub-collections: `bids/` and `reviews/` are filtered to
    what the caller may see (an organization its own bids, a reviewer colleagues' scores only
    for bids they scored); `supervisions/` and `progress-reports/` are for the people who follow
    the delivery (the community, officials, assigned experts, the awarded organization) and
    refuse anyone else (401 anonymous, 403 signed in).
    """

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    ordering_fields = ["published_at", "bid_deadline", "budget", "created_at", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_roles = {"partial_update": can_edit_project, **BODY_ACTION_ROLES}
    write_refusal = _lazy("You may not do this on this project.")

    def get_queryset(self):
        user = self.request.user
        queryset = projects_visible_to(user).prefetch_related(_line_prefetch())
        if user.is_authenticated:
            # What `project_actions` reads for each row; anonymous callers have no actions.
            queryset = queryset.prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=Assignment.objects.only(
                        "id", "project_id", "user_id", "role"
                    ).order_by(),
                ),
                Prefetch(
                    "bids",
                    queryset=Bid.objects.only("id", "project_id", "org_id", "status").order_by(),
                ),
            )
        return queryset

    @cached_property
    def memberships(self) -> Memberships:
        return Memberships.of(self.request.user)

    def get_serializer_context(self):
        # Lazy: read the caller's memberships once, and only when a project is rendered.
        return {**super().get_serializer_context(), "memberships": lambda: self.memberships}

    def _respond(self, project, code=status.HTTP_200_OK):
        fresh = get_object_or_404(self.get_queryset(), pk=project.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    # --- the project itself ---

    @extend_schema(request=ProjectWriteSerializer, responses={201: ProjectSerializer})
    def create(self, request, *args, **kwargs):
        """Community staff draft a project with its funding lines."""
        data = _parse(ProjectWriteSerializer, request)
        project = services.project_create(actor=request.user, **data)
        return self._respond(project, status.HTTP_201_CREATED)

    @extend_schema(request=ProjectWriteSerializer, responses=ProjectSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change a draft; `funding`, when sent, replaces every line."""
        project = self.get_object()
        serializer = ProjectWriteSerializer(
            project, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        community = data.pop("community", None)
        if community is not None and community.pk != project.community_id:
            raise ValidationFailed(
                _("A project cannot move to another community; draft a new one there."),
                fields={"community": [_("This field cannot be changed.")]},
            )
        services.project_update(actor=request.user, project=project, **data)
        return self._respond(project)

    # --- lifecycle actions: each returns the project ---

    @extend_schema(request=PublishSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request, pk=None):
        """Open for bids: commits every funding line on the ledger."""
        project = self.get_object()
        data = _parse(PublishSerializer, request)
        services.project_publish(actor=request.user, project=project, **data)
        return self._respond(project)

    @extend_schema(request=None, responses=ProjectSerializer)
    @action(detail=True, methods=["post"], url_path="close-bidding", filter_backends=[])
    def close_bidding(self, request, pk=None):
        """After the deadline (directed: once the named organization bid); no bid → failed."""
        project = self.get_object()
        services.project_close_bidding(actor=request.user, project=project)
        return self._respond(project)

    @extend_schema(request=AwardSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def award(self, request, pk=None):
        """The best-reviewed bid, or another (or an unreviewed one) with a written reason."""
        project = self.get_object()
        data = _parse(AwardSerializer, request, project=project)
        services.project_award(actor=request.user, project=project, **data)
        return self._respond(project)

    @extend_schema(request=None, responses=ProjectSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def start(self, request, pk=None):
        project = self.get_object()
        services.project_start(actor=request.user, project=project)
        return self._respond(project)

    @extend_schema(request=FinalReportSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"], url_path="submit-final-report", filter_backends=[])
    def submit_final_report(self, request, pk=None):
        project = self.get_object()
        data = _parse(FinalReportSerializer, request)
        services.project_submit_final_report(actor=request.user, project=project, **data)
        return self._respond(project)

    @extend_schema(request=AcceptSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        """Pass pays the contract out of the ledger; fail sends it to rectification (once)."""
        project = self.get_object()
        data = _parse(AcceptSerializer, request)
        services.project_accept(actor=request.user, project=project, **data)
        return self._respond(project)

    @extend_schema(request=CancelSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request, pk=None):
        """Stop the project; what is still reserved goes back to the resources."""
        project = self.get_object()
        data = _parse(CancelSerializer, request)
        services.project_cancel(actor=request.user, project=project, **data)
        return self._respond(project)

    @extend_schema(request=AssignSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def assign(self, request, pk=None):
        """Officials put reviewers and supervisors from the expert pool on the project."""
        project = self.get_object()
        data = _parse(AssignSerializer, request)
        services.project_assign(actor=request.user, project=project, **data)
        return self._respond(project)
