from django.views.generic import DetailView

from communities.views import FilteredListView

from .filters import OfferingFilter
from .permissions import can_edit_offering
from .selectors import offerings_visible_to


class OfferingListView(FilteredListView):
    template_name = "orgs/offering_list.html"
    context_object_name = "offerings"
    filterset_class = OfferingFilter
    hidden_filters = ("org",)

    def visible_queryset(self):
        return offerings_visible_to(self.request.user)


class OfferingDetailView(DetailView):
    template_name = "orgs/offering_detail.html"
    context_object_name = "offering"

    def get_queryset(self):
        return offerings_visible_to(self.request.user).prefetch_related("workers")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = can_edit_offering(self.request.user, self.object)
        return context
