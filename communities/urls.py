from django.urls import path, re_path

from . import views

app_name = "communities"
urlpatterns = [
    path("needs/", views.NeedListView.as_view(), name="need-list"),
    path("needs/<int:pk>/", views.NeedDetailView.as_view(), name="need-detail"),
    path("needs/<int:pk>/edit/", views.NeedEditView.as_view(), name="need-edit"),
    # Only the known actions, so other apps' needs/<pk>/… pages (matches) stay reachable.
    re_path(
        rf"^needs/(?P<pk>[0-9]+)/(?P<action>{'|'.join(views.NeedActionView.actions)})/$",
        views.NeedActionView.as_view(),
        name="need-action",
    ),
    path("communities/<int:pk>/", views.CommunityDetailView.as_view(), name="community-detail"),
    path("communities/<int:pk>/edit/", views.CommunityEditView.as_view(), name="community-edit"),
    path(
        "communities/<int:community_id>/needs/new/",
        views.NeedCreateView.as_view(),
        name="need-create",
    ),
]
