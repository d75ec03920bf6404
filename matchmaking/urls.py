from django.urls import path

from . import fair_views, import_views, views
from .reports.urls import urlpatterns as report_urlpatterns

app_name = "matchmaking"
urlpatterns = [
    path("needs/<int:pk>/matches/", views.NeedMatchesView.as_view(), name="need-matches"),
    path(
        "needs/<int:need_id>/matches/<int:offering_id>/mark/",
        views.MarkMatchView.as_view(),
        name="mark-match",
    ),
    path(
        "orgs/<int:pk>/recommended/",
        views.OrgRecommendationsView.as_view(),
        name="org-recommendations",
    ),
    path("conversations/", views.ConversationListView.as_view(), name="conversation-list"),
    path(
        "conversations/<int:pk>/",
        views.ConversationDetailView.as_view(),
        name="conversation-detail",
    ),
    path("match-runs/", views.RunListView.as_view(), name="run-list"),
    path("match-runs/<int:pk>/", views.RunDetailView.as_view(), name="run-detail"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/export/", views.DashboardExportView.as_view(), name="dashboard-export"),
    path("fairs/", fair_views.FairListView.as_view(), name="fair-list"),
    path("fairs/new/", fair_views.FairCreateView.as_view(), name="fair-create"),
    path("fairs/<int:pk>/", fair_views.FairDetailView.as_view(), name="fair-detail"),
    path(
        "fairs/<int:pk>/participants/",
        fair_views.ParticipantListView.as_view(),
        name="fair-participants",
    ),
    path("fairs/<int:pk>/register/", fair_views.RegisterView.as_view(), name="fair-register"),
    path("fairs/<int:pk>/proposal/", fair_views.ProposalView.as_view(), name="fair-proposal"),
    path(
        "fairs/<int:pk>/intentions/",
        fair_views.IntentionListView.as_view(),
        name="fair-intentions",
    ),
    path("fairs/<int:pk>/sign/", fair_views.IntentionSignView.as_view(), name="fair-sign"),
    path(
        "fairs/<int:pk>/intentions/<int:intention_id>/convert/",
        fair_views.IntentionConvertView.as_view(),
        name="fair-convert",
    ),
    path("imports/", import_views.ImportView.as_view(), name="import"),
    path(
        "imports/templates/<str:kind>.<str:fmt>",
        import_views.ImportTemplateView.as_view(),
        name="import-template",
    ),
    path("imports/<str:token>/", import_views.ImportPreviewView.as_view(), name="import-preview"),
    path(
        "imports/<str:token>/result/",
        import_views.ImportResultView.as_view(),
        name="import-result",
    ),
    path(
        "imports/<str:token>/problems.csv",
        import_views.ImportErrorsView.as_view(),
        name="import-errors",
    ),
]
urlpatterns += report_urlpatterns
