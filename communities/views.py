from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, ListView

from core.errors import DomainError, InvalidTransition, NotAllowed, ValidationFailed
from core.views import (
    DomainFormView,
    platform_city_code,
    querystring_without_page,
    region_select,
)

from . import services
from .choices import NeedStatus
from .filters import NeedFilter
from .forms import CommunityProfileForm, NeedForm
from .permissions import can_edit_community, can_edit_need, is_community_staff
from .selectors import community_list, needs_visible_to, region_choices


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


class CommunityDetailView(DetailView):
    """A community's profile and its needs; staff see drafts and actions."""

    template_name = "communities/community_detail.html"
    context_object_name = "community"

    def get_queryset(self):
        return community_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        needs = needs_visible_to(user).filter(community=self.object)
        status = self.request.GET.get("status", "")
        if status in NeedStatus.values:
            needs = needs.filter(status=status)
        paginator = Paginator(needs.order_by("-created_at", "-id"), 20)
        context["page_obj"] = paginator.get_page(self.request.GET.get("page"))
        context["needs"] = context["page_obj"].object_list
        context["status"] = status
        context["statuses"] = NeedStatus.choices
        context["can_edit"] = can_edit_community(user, self.object.id)
        context["querystring"] = querystring_without_page(self.request)
        return context


class CommunityEditView(DomainFormView):
    template_name = "communities/community_form.html"
    form_class = CommunityProfileForm

    def prepare(self, request, **kwargs):
        self.community = get_object_or_404(community_list(), pk=kwargs["pk"])
        if not can_edit_community(request.user, self.community.id):
            raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.community}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "community": self.community}

    def service(self, form):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        return services.community_update(actor=self.request.user, community=self.community, **data)

    def success_message(self, obj):
        return _("The community profile was saved.")


class NeedCreateView(DomainFormView):
    template_name = "communities/need_form.html"
    form_class = NeedForm

    def prepare(self, request, **kwargs):
        self.community = get_object_or_404(community_list(), pk=kwargs["community_id"])
        if not is_community_staff(request.user, self.community.id):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "community": self.community}

    def service(self, form):
        data = dict(form.cleaned_data)
        need = services.need_create(actor=self.request.user, community=self.community, **data)
        if "publish" in self.request.POST:
            need = services.need_publish(actor=self.request.user, need=need)
        return need

    def success_message(self, obj):
        if obj.status == NeedStatus.PUBLISHED:
            return _("The need was published.")
        return _("The need was saved as a draft. Publish it when it is ready.")


class NeedEditView(DomainFormView):
    template_name = "communities/need_form.html"
    form_class = NeedForm

    def prepare(self, request, **kwargs):
        self.need = get_object_or_404(needs_visible_to(request.user), pk=kwargs["pk"])
        if not can_edit_need(request.user, self.need):
            raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.need}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "community": self.need.community,
            "need": self.need,
        }

    def service(self, form):
        try:
            return services.need_update(
                actor=self.request.user, need=self.need, **dict(form.cleaned_data)
            )
        except InvalidTransition as exc:
            raise ValidationFailed(exc.message) from exc

    def success_message(self, obj):
        return _("Your changes were saved.")


class NeedActionView(View):
    """POST-only state changes (publish, close, delete) from the need's page."""

    http_method_names = ["post"]
    actions = {
        "publish": (services.need_publish, _("The need was published.")),
        "close": (services.need_close, _("The need was closed.")),
        "delete": (services.need_delete, _("The draft was deleted.")),
    }

    def post(self, request, pk, action):
        if action not in self.actions:
            raise Http404
        need = get_object_or_404(needs_visible_to(request.user), pk=pk)
        service, done = self.actions[action]
        try:
            service(actor=request.user, need=need)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(need.get_absolute_url())
        messages.success(request, done)
        if action == "delete":
            return redirect("communities:community-detail", pk=need.community_id)
        return redirect(need.get_absolute_url())
