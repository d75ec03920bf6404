from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("offers/", views.OfferingListView.as_view(), name="offering-list"),
    path("offers/<int:pk>/", views.OfferingDetailView.as_view(), name="offering-detail"),
]
