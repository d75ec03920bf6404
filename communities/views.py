from django import forms
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from core.views import platform_city_code, querystring_without_page, region_select

from .filters import NeedFilter
from .permissions import can_edit_need
from .selectors import needs_visible_to, region_choices


class FilteredListView(ListView):
    """A paged list behind a FilterSet, shared by every browsable list.

    The queryset always starts from the app's `*_visible_to(user)` selector; filters narrow it.
    Lists open on published rows; an empty `status=` shows the user's drafts as well.
    """

    paginate_by = 20
    filterset_class = None
    default_status = "published"
    # Filters shown up front; the rest fold away on a phone.
    primary_filters = ("q", "category", "within")
    # Filters reached through links (e.g. "my community"), not typed by hand.
    hidden_filters = ()

    def visible_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        base = self.visible_queryset()
        params = self.request.GET.copy()
        params.setdefault("status", self.default_status)
        self.filterset = self.filterset_class(params, queryset=base, request=self.request)
        form = self.filterset.form
        region_select(self.filterset, region_choices(platform_city_code()))
        for name in self.hidden_filters:
            form.fields[name].widget = forms.HiddenInput()
        for field in form.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = _("Any")
            elif isinstance(field, forms.ChoiceField) and field.choices:
                choices = list(field.choices)
                if choices[0][0] in ("", None):
                    field.choices = [("", _("Any")), *choices[1:]]
        if not self.filterset.is_valid():
            return base.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        context["filter"] = self.filterset
        context["primary_fields"] = [form[name] for name in self.primary_filters]
        context["secondary_fields"] = [
            form[name]
            for name in form.fields
            if name not in self.primary_filters and name not in self.hidden_filters
        ]
        context["hidden_fields"] = [form[name] for name in self.hidden_filters]
        context["secondary_active"] = any(
            self.request.GET.get(field.name) for field in context["secondary_fields"]
        )
        context["querystring"] = querystring_without_page(self.request)
        return context


class NeedListView(FilteredListView):
    """Browse needs: public ones for everybody; the filters also apply to the user's drafts."""

    template_name = "communities/need_list.html"
    context_object_name = "needs"
    filterset_class = NeedFilter
    hidden_filters = ("community",)

    def visible_queryset(self):
        return needs_visible_to(self.request.user)


class NeedDetailView(DetailView):
    template_name = "communities/need_detail.html"
    context_object_name = "need"

    def get_queryset(self):
        return needs_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = can_edit_need(self.request.user, self.object)
        return context
