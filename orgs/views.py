from django.views.generic import DetailView, ListView

from communities.selectors import region_choices
from core.views import platform_city_code, querystring_without_page, region_select

from .filters import OfferingFilter
from .permissions import can_edit_offering
from .selectors import offerings_visible_to


class OfferingListView(ListView):
    template_name = "orgs/offering_list.html"
    context_object_name = "offerings"
    paginate_by = 20

    def get_queryset(self):
        base = offerings_visible_to(self.request.user)
        params = self.request.GET.copy()
        params.setdefault("status", "published")
        self.filterset = OfferingFilter(params, queryset=base, request=self.request)
        region_select(self.filterset, region_choices(platform_city_code()))
        if not self.filterset.is_valid():
            return base.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["querystring"] = querystring_without_page(self.request)
        return context


class OfferingDetailView(DetailView):
    template_name = "orgs/offering_detail.html"
    context_object_name = "offering"

    def get_queryset(self):
        return offerings_visible_to(self.request.user).prefetch_related("workers")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = can_edit_offering(self.request.user, self.object)
        return context
