from django.urls import path

from . import views

app_name = "communities"
urlpatterns = [
    path("needs/", views.NeedListView.as_view(), name="need-list"),
    path("needs/<int:pk>/", views.NeedDetailView.as_view(), name="need-detail"),
]
