"""The work on a project: its sub-collections (bids, reviews, supervision visits, progress
reports, history), mixed into ProjectViewSet."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response

from core.errors import NotAllowed, ValidationFailed
from orgs.models import SocialOrg
from projects import services
from projects.models import Review, SupervisionVisit
from projects.permissions import can_manage_project, can_see_delivery
from projects.selectors import bids_visible_to, reviews_visible_to

from ..serializers import (
    BidInputSerializer,
    BidSerializer,
    ProgressReportSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
    SupervisionSerializer,
    TransitionSerializer,
)
from .parsing import _parse

BID_ID = OpenApiParameter("bid_id", int, OpenApiParameter.PATH, description="Bid id.")


class ProjectWorkMixin:
    """The sub-collections of `ProjectViewSet` (a `GenericViewSet`): each an @action on one
    project, paginated for GET, one service call for POST."""

    def _page(self, queryset, serializer_class, **context):
        page = self.paginate_queryset(queryset)
        serializer = serializer_class(
            page, many=True, context={**self.get_serializer_context(), **context}
        )
        return self.get_paginated_response(serializer.data)

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
