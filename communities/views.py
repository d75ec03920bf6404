from django.views.generic import DetailView, ListView

from core.views import platform_city_code, querystring_without_page, region_select

from .filters import NeedFilter
from .permissions import can_edit_need
from .selectors import needs_visible_to, region_choices


class NeedListView(ListView):
    """Browse needs: public ones for everybody; the filters also apply to the user's drafts."""

    template_name = "communities/need_list.html"
    context_object_name = "needs"
    paginate_by = 20

    def get_queryset(self):
        base = needs_visible_to(self.request.user)
        params = self.request.GET.copy()
        params.setdefault("status", "published")
        self.filterset = NeedFilter(params, queryset=base, request=self.request)
        region_select(self.filterset, region_choices(platform_city_code()))
        if not self.filterset.is_valid():
            return base.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["querystring"] = querystring_without_page(self.request)
        return context


class NeedDetailView(DetailView):
    template_name = "communities/need_detail.html"
    context_object_name = "need"

    def get_queryset(self):
        return needs_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = can_edit_need(self.request.user, self.object)
        return context
