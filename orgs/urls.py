from django.urls import path, re_path

from . import views

app_name = "orgs"
urlpatterns = [
    path("offers/", views.OfferingListView.as_view(), name="offering-list"),
    path("offers/<int:pk>/", views.OfferingDetailView.as_view(), name="offering-detail"),
    path("offers/<int:pk>/edit/", views.OfferingEditView.as_view(), name="offering-edit"),
    re_path(
        rf"^offers/(?P<pk>[0-9]+)/(?P<action>{'|'.join(views.OfferingActionView.actions)})/$",
        views.OfferingActionView.as_view(),
        name="offering-action",
    ),
    path("orgs/", views.OrgListView.as_view(), name="org-list"),
    path("orgs/register/", views.OrgRegisterView.as_view(), name="org-register"),
    path("orgs/<int:pk>/", views.OrgDetailView.as_view(), name="org-detail"),
    path("orgs/<int:org_id>/edit/", views.OrgEditView.as_view(), name="org-edit"),
    path("orgs/<int:pk>/verify/", views.OrgVerifyView.as_view(), name="org-verify"),
    path("orgs/<int:org_id>/workers/new/", views.WorkerCreateView.as_view(), name="worker-create"),
    path(
        "orgs/<int:org_id>/workers/<int:pk>/edit/",
        views.WorkerEditView.as_view(),
        name="worker-edit",
    ),
    path(
        "orgs/<int:org_id>/offers/new/", views.OfferingCreateView.as_view(), name="offering-create"
    ),
]
