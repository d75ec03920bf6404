from django.urls import path

from . import import_views, views

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
