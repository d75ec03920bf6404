from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView

from communities.views import FilteredListView
from core.errors import DomainError, InvalidTransition, NotAllowed, ValidationFailed
from core.views import DomainFormView

from . import services
from .filters import OfferingFilter, OrgFilter
from .forms import OfferingForm, OrgForm, WorkerForm
from .permissions import (
    can_edit_offering,
    can_edit_org,
    can_see_org_contacts,
    can_verify_org,
)
from .selectors import offerings_visible_to, orgs_visible_to


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


class OrgListView(FilteredListView):
    """Organizations: verified ones for everybody; officials also see those awaiting checks."""

    template_name = "orgs/org_list.html"
    context_object_name = "orgs"
    filterset_class = OrgFilter
    default_status = ""
    primary_filters = ("q", "within", "org_type")

    def visible_queryset(self):
        return orgs_visible_to(self.request.user)


class OrgDetailView(DetailView):
    template_name = "orgs/org_detail.html"
    context_object_name = "org"

    def get_queryset(self):
        return orgs_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, org = self.request.user, self.object
        context["can_edit"] = can_edit_org(user, org)
        context["can_verify"] = can_verify_org(user, org) and not org.verified
        context["can_see_contacts"] = can_see_org_contacts(user, org)
        if context["can_see_contacts"]:
            context["workers"] = org.workers.order_by("name")
        context["offerings"] = offerings_visible_to(user).filter(org=org)
        return context


class OrgMemberFormMixin:
    """Resolve the org from the URL; 404 outside visibility, 403 for non-members."""

    def prepare(self, request, **kwargs):
        self.org = get_object_or_404(orgs_visible_to(request.user), pk=kwargs["org_id"])
        if not can_edit_org(request.user, self.org):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "org": self.org}


class OrgRegisterView(DomainFormView):
    template_name = "orgs/org_form.html"
    form_class = OrgForm

    def service(self, form):
        return services.org_register(actor=self.request.user, **form.cleaned_data)

    def success_message(self, obj):
        return _(
            "The organization was registered. An official of its region will verify it; "
            "until then only your members can see it."
        )


class OrgEditView(OrgMemberFormMixin, DomainFormView):
    template_name = "orgs/org_form.html"
    form_class = OrgForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.org}

    def service(self, form):
        return services.org_update(actor=self.request.user, org=self.org, **form.cleaned_data)

    def success_message(self, obj):
        return _("Your changes were saved.")


class OrgVerifyView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        org = get_object_or_404(orgs_visible_to(request.user), pk=pk)
        try:
            services.org_verify(actor=request.user, org=org)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        messages.success(request, _("The organization is verified and now public."))
        return redirect(org.get_absolute_url())


class WorkerCreateView(OrgMemberFormMixin, DomainFormView):
    template_name = "orgs/worker_form.html"
    form_class = WorkerForm

    def service(self, form):
        return services.worker_create(actor=self.request.user, org=self.org, **form.cleaned_data)

    def get_success_url(self):
        return self.org.get_absolute_url() + "#workers"

    def success_message(self, obj):
        return _("%(name)s was added.") % {"name": obj.name}


class WorkerEditView(OrgMemberFormMixin, DomainFormView):
    template_name = "orgs/worker_form.html"
    form_class = WorkerForm

    def get_form_kwargs(self):
        self.worker = get_object_or_404(self.org.workers, pk=self.kwargs["pk"])
        return {**super().get_form_kwargs(), "instance": self.worker}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "worker": self.worker}

    def service(self, form):
        return services.worker_update(
            actor=self.request.user, worker=self.worker, **form.cleaned_data
        )

    def get_success_url(self):
        return self.org.get_absolute_url() + "#workers"

    def success_message(self, obj):
        return _("Your changes were saved.")


class OfferingCreateView(OrgMemberFormMixin, DomainFormView):
    template_name = "orgs/offering_form.html"
    form_class = OfferingForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "org": self.org}

    def service(self, form):
        offering = services.offering_create(
            actor=self.request.user, org=self.org, **form.cleaned_data
        )
        if "publish" in self.request.POST:
            offering = services.offering_publish(actor=self.request.user, offering=offering)
        return offering

    def success_message(self, obj):
        if obj.status == "published":
            return _("The offering was published.")
        return _("The offering was saved as a draft. Publish it when it is ready.")


class OfferingEditView(DomainFormView):
    template_name = "orgs/offering_form.html"
    form_class = OfferingForm

    def prepare(self, request, **kwargs):
        self.offering = get_object_or_404(offerings_visible_to(request.user), pk=kwargs["pk"])
        if not can_edit_offering(request.user, self.offering):
            raise PermissionDenied
        self.org = self.offering.org

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "org": self.org, "instance": self.offering}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "org": self.org, "offering": self.offering}

    def service(self, form):
        try:
            return services.offering_update(
                actor=self.request.user, offering=self.offering, **form.cleaned_data
            )
        except InvalidTransition as exc:
            raise ValidationFailed(exc.message) from exc

    def success_message(self, obj):
        return _("Your changes were saved.")


class OfferingActionView(View):
    http_method_names = ["post"]
    actions = {
        "publish": (services.offering_publish, _("The offering was published.")),
        "close": (services.offering_close, _("The offering was closed.")),
    }

    def post(self, request, pk, action):
        if action not in self.actions:
            raise Http404
        offering = get_object_or_404(offerings_visible_to(request.user), pk=pk)
        service, done = self.actions[action]
        try:
            service(actor=request.user, offering=offering)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
        return redirect(offering.get_absolute_url())
