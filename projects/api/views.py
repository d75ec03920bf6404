from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotAllowed, ValidationFailed
from orgs.models import SocialOrg
from projects import services
from projects.filters import DecisionFilter, NotificationFilter, ProjectFilter, ResourceFilter
from projects.models import (
    Assignment,
    Bid,
    Notification,
    ProjectFunding,
    Review,
    SupervisionVisit,
)
from projects.permissions import Memberships, can_manage_project, can_see_delivery
from projects.selectors import (
    bids_visible_to,
    decisions_visible_to,
    notifications_for,
    projects_visible_to,
    resources_visible_to,
    reviews_visible_to,
)

from .serializers import (
    AcceptSerializer,
    AssignSerializer,
    AwardSerializer,
    BidInputSerializer,
    BidSerializer,
    CancelSerializer,
    DecisionSerializer,
    FinalReportSerializer,
    LedgerEntrySerializer,
    MarkedSerializer,
    MeSerializer,
    NotificationSerializer,
    ProgressReportSerializer,
    ProjectSerializer,
    ProjectWriteSerializer,
    PublishSerializer,
    ResourceSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
    SupervisionSerializer,
    TransitionSerializer,
)


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


# --- projects -------------------------------------------------------------------------------


def _parse(serializer_class, request, **context) -> dict:
    """Validate a request body (400 naming the fields) and return plain values."""
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _line_prefetch():
    lines = ProjectFunding.objects.select_related("resource").order_by("id")
    return Prefetch("funding", queryset=lines)


BID_ID = OpenApiParameter("bid_id", int, OpenApiParameter.PATH, description="Bid id.")


class ProjectViewSet(
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

    def _page(self, queryset, serializer_class, **context):
        page = self.paginate_queryset(queryset)
        serializer = serializer_class(
            page, many=True, context={**self.get_serializer_context(), **context}
        )
        return self.get_paginated_response(serializer.data)

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

    # --- sub-collections ---

    def _bid_context(self, project) -> dict:
        user = self.request.user
        return {"sees_reviews": user.is_superuser or can_manage_project(user, project)}

    def _bidding_org(self, user):
        """The org a bid is for when the body names none: the caller's only organization."""
        orgs = list(SocialOrg.objects.filter(members__user=user).order_by("id")[:2])
        if len(orgs) == 1:
            return orgs[0]
        if not orgs:
            raise NotAllowed(_("Only members of an organization may bid."))
        raise ValidationFailed(
            _("You belong to several organizations: say which one bids."),
            fields={"org": [_("This field is required.")]},
        )

    @extend_schema(methods=["get"], responses=BidSerializer(many=True))
    @extend_schema(methods=["post"], request=BidInputSerializer, responses={201: BidSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def bids(self, request, pk=None):
        """Bids: an organization sees its own, the community, officials and reviewers all."""
        project = self.get_object()
        visible = bids_visible_to(request.user, project).order_by("created_at", "id")
        context = self._bid_context(project)
        if request.method == "POST":
            data = _parse(BidInputSerializer, request)
            org = data.pop("org", None) or self._bidding_org(request.user)
            bid = services.bid_submit(
                actor=request.user,
                project=project,
                org=org,
                amount=data["amount"],
                proposal=data["proposal"],
                team=data.get("team", []),
            )
            return Response(
                BidSerializer(visible.get(pk=bid.pk), context=context).data,
                status=status.HTTP_201_CREATED,
            )
        return self._page(visible, BidSerializer, **context)

    @extend_schema(request=None, responses=BidSerializer, parameters=[BID_ID])
    @action(
        detail=True,
        methods=["post"],
        url_path=r"bids/(?P<bid_id>[0-9]+)/withdraw",
        filter_backends=[],
    )
    def withdraw_bid(self, request, pk=None, bid_id=None):
        """Withdraw a bid before the deadline (the organization may then bid again)."""
        project = self.get_object()
        visible = bids_visible_to(request.user, project)
        bid = get_object_or_404(visible, pk=bid_id)
        services.bid_withdraw(actor=request.user, bid=bid)
        fresh = visible.get(pk=bid.pk)
        return Response(BidSerializer(fresh, context=self._bid_context(project)).data)

    @extend_schema(methods=["get"], responses=ReviewSerializer(many=True))
    @extend_schema(
        methods=["post"], request=ReviewInputSerializer, responses={201: ReviewSerializer}
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def reviews(self, request, pk=None):
        """Reviews: a reviewer sees a colleague's scores for a bid only after scoring it."""
        project = self.get_object()
        if request.method == "POST":
            data = _parse(ReviewInputSerializer, request, project=project)
            review = services.review_submit(
                actor=request.user,
                project=project,
                bid=data["bid"],
                comments=data.get("comments", ""),
                **data["scores"],
            )
            review = Review.objects.select_related("bid", "reviewer").get(pk=review.pk)
            return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)
        return self._page(reviews_visible_to(request.user, project), ReviewSerializer)

    def _delivery(self, request, project) -> None:
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        if not can_see_delivery(request.user, project):
            raise NotAllowed(
                _(
                    "Only the community, officials, assigned experts and the awarded organization "
                    "follow the delivery."
                )
            )

    @extend_schema(methods=["get"], responses=SupervisionSerializer(many=True))
    @extend_schema(
        methods=["post"], request=SupervisionSerializer, responses={201: SupervisionSerializer}
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def supervisions(self, request, pk=None):
        """Supervision visits: assigned supervisors record them."""
        project = self.get_object()
        if request.method == "POST":
            data = _parse(SupervisionSerializer, request)
            visit = services.supervision_record(actor=request.user, project=project, **data)
            visit = SupervisionVisit.objects.select_related("supervisor").get(pk=visit.pk)
            return Response(SupervisionSerializer(visit).data, status=status.HTTP_201_CREATED)
        self._delivery(request, project)
        visits = project.visits.select_related("supervisor").order_by("visited_on", "id")
        return self._page(visits, SupervisionSerializer)

    @extend_schema(methods=["get"], responses=ProgressReportSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=ProgressReportSerializer,
        responses={201: ProgressReportSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="progress-reports", filter_backends=[])
    def progress_reports(self, request, pk=None):
        """Progress reports: the awarded organization files them while the service runs."""
        project = self.get_object()
        if request.method == "POST":
            data = _parse(ProgressReportSerializer, request)
            report = services.progress_report_submit(actor=request.user, project=project, **data)
            return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)
        self._delivery(request, project)
        reports = project.progress_reports.order_by("period_end", "id")
        return self._page(reports, ProgressReportSerializer)

    @extend_schema(responses=TransitionSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        """Every status change: who, when, from, to and why."""
        project = self.get_object()
        transitions = project.transitions.select_related("by").order_by("at", "id")
        return self._page(transitions, TransitionSerializer)


class NotificationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's in-app notifications, newest first; `unread=true` for the unread ones."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]

    def get_queryset(self):
        user = self.request.user
        if not user.is_authenticated:  # schema generation
            return Notification.objects.none()
        return notifications_for(user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.notification_mark_read(actor=request.user, notification=notification)
        notification.refresh_from_db(fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[])
    def read_all(self, request):
        marked = services.notification_mark_read(actor=request.user)
        return Response(MarkedSerializer({"marked": marked}).data)
