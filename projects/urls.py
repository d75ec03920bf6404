from django.urls import path

from . import views

app_name = "projects"


def action(route: str, view, name: str):
    return path(f"projects/<int:pk>/{route}", view.as_view(), name=name)


urlpatterns = [
    path(
        "communities/<int:community_id>/decisions/",
        views.DecisionListView.as_view(),
        name="decision-list",
    ),
    path(
        "communities/<int:community_id>/decisions/new/",
        views.DecisionCreateView.as_view(),
        name="decision-create",
    ),
    path(
        "communities/<int:community_id>/projects/new/",
        views.ProjectCreateView.as_view(),
        name="project-create",
    ),
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    action("edit/", views.ProjectEditView, "project-edit"),
    # Each lifecycle action at its own URL (the API's action names, as `project_actions`).
    action("publish/", views.PublishView, "project-publish"),
    action("close-bidding/", views.CloseBiddingView, "project-close-bidding"),
    action("award/", views.AwardView, "project-award"),
    action("start/", views.StartView, "project-start"),
    action("final-report/", views.FinalReportView, "project-final-report"),
    action("accept/", views.AcceptView, "project-accept"),
    action("cancel/", views.CancelView, "project-cancel"),
    action("assign/", views.AssignView, "project-assign"),
    action("bid/", views.BidView, "project-bid"),
    action("bids/<int:bid>/withdraw/", views.BidWithdrawView, "bid-withdraw"),
    action("reviews/new/", views.ReviewCreateView, "review-create"),
    action("supervisions/new/", views.SupervisionCreateView, "supervision-create"),
    action("progress-reports/new/", views.ProgressReportCreateView, "progress-report-create"),
    action("demonstration/", views.DesignateDemonstrationView, "project-demonstration"),
    action(
        "demonstration/withdraw/",
        views.WithdrawDemonstrationView,
        "project-demonstration-withdraw",
    ),
    # Public (信息公开): the yearly ranking and the demonstration projects.
    path("rankings/", views.RankingsView.as_view(), name="rankings"),
    path("demonstration/", views.DemonstrationListView.as_view(), name="demonstration-list"),
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/read-all/",
        views.NotificationReadView.as_view(),
        name="notification-read-all",
    ),
    path(
        "notifications/<int:pk>/read/",
        views.NotificationReadView.as_view(),
        name="notification-read",
    ),
]
