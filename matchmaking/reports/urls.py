"""Browser routes of the reports pages; included into `matchmaking.urls` (same namespace)."""

from django.urls import path

from .. import report_views

urlpatterns: list = [
    path("reports/", report_views.ReportListView.as_view(), name="report-list"),
    path("reports/<int:pk>/", report_views.ReportDetailView.as_view(), name="report-detail"),
    path(
        "reports/<int:pk>/download/",
        report_views.ReportDownloadView.as_view(),
        name="report-download",
    ),
]
