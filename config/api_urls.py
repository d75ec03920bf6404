"""REST API v1: one router over every app's viewsets, plus auth and the OpenAPI schema."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api.views import LoginView, LogoutView
from communities.api.views import (
    CategoryViewSet,
    CommunityViewSet,
    NeedViewSet,
    RegionViewSet,
    TargetGroupViewSet,
)
from config.ping import PingView
from matchmaking.api.dashboard import DashboardExportView, DashboardView
from matchmaking.api.reports import ReportViewSet
from matchmaking.api.views import (
    ConversationViewSet,
    MatchRunViewSet,
    NeedMatchesView,
    OfferMatchesView,
    SuggestionViewSet,
)
from orgs.api.views import OfferingViewSet, OrgViewSet
from projects.api.views import (
    DecisionViewSet,
    DemonstrationProjectListView,
    FairViewSet,
    MeView,
    NotificationViewSet,
    ProjectViewSet,
    RankingListView,
    ResourceViewSet,
)

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("categories", CategoryViewSet, basename="category")
router.register("target-groups", TargetGroupViewSet, basename="target-group")
router.register("communities", CommunityViewSet, basename="community")
router.register("needs", NeedViewSet, basename="need")
router.register("orgs", OrgViewSet, basename="org")
router.register("offers", OfferingViewSet, basename="offer")
router.register("resources", ResourceViewSet, basename="resource")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("projects", ProjectViewSet, basename="project")
router.register("fairs", FairViewSet, basename="fair")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("match-runs", MatchRunViewSet, basename="match-run")
router.register("suggestions", SuggestionViewSet, basename="suggestion")
router.register("conversations", ConversationViewSet, basename="conversation")
router.register("reports", ReportViewSet, basename="report")

v1 = [
    path("ping/", PingView.as_view(), name="ping"),
    path("auth/login/", LoginView.as_view(), name="login"),
    path("auth/logout/", LogoutView.as_view(), name="logout"),
    path("me/", MeView.as_view(), name="me"),
    path("needs/<int:pk>/matches/", NeedMatchesView.as_view(), name="need-matches"),
    path("offers/<int:pk>/matches/", OfferMatchesView.as_view(), name="offer-matches"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("dashboard/export/", DashboardExportView.as_view(), name="dashboard-export"),
    path("rankings/", RankingListView.as_view(), name="rankings"),
    path(
        "demonstration-projects/",
        DemonstrationProjectListView.as_view(),
        name="demonstration-projects",
    ),
    path("", include(router.urls)),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI sets inline styles on its elements; only this page allows them.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="swagger-ui",
    ),
]
