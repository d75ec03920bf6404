from django.urls import path

from . import views

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
]
