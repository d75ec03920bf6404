from django.urls import path

from . import views

app_name = "projects"
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
]
