"""The matchmaking fair's pages (供需对接会): the list, holding one, the fair's page with its
figures, the participants, the matching proposal, and signing and converting intention
projects at the venue. Fairs and their figures are public; the proposal and the intentions
are shown to whom they concern (the selectors decide)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from communities.selectors import staff_community_ids
from core.errors import DomainError, NotAllowed
from core.views import DomainFormView, querystring_without_page
from orgs.selectors import member_org_ids
from projects import services
from projects.fairs import fair_stats
from projects.permissions import can_convert_intention, can_hold_fairs, can_sign_at_fairs
from projects.selectors import (
    fair_list,
    intentions_visible_to,
    registrations_of,
    unregistered_for,
)

from .fair_forms import FairForm, IntentionForm, RegistrationForm
from .selectors import fair_proposal

PREVIEW = 8  # rows of the proposal and the intentions on the fair's own page


class FairMixin:
    def get_fair(self):
        if not hasattr(self, "_fair"):
            self._fair = get_object_or_404(fair_list(), pk=self.kwargs["pk"])
        return self._fair


class FairListView(ListView):
    template_name = "matchmaking/fairs/fair_list.html"
    context_object_name = "fairs"
    paginate_by = 20

    def get_queryset(self):
        fairs = fair_list()
        year = self.request.GET.get("year", "")
        if year.isdigit():
            fairs = fairs.filter(year=int(year))
        return fairs

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "can_create": can_hold_fairs(self.request.user),
            "years": fair_list().order_by("-year").values_list("year", flat=True).distinct(),
            "year": self.request.GET.get("year", ""),
            "querystring": querystring_without_page(self.request),
        }


class FairCreateView(DomainFormView):
    template_name = "matchmaking/fairs/fair_form.html"
    form_class = FairForm

    def prepare(self, request, **kwargs):
        if not can_hold_fairs(request.user):
            raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def service(self, form):
        return services.fair_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, obj):
        return _("The fair is set up: now register the participants.")

    def get_success_url(self):
        return reverse("matchmaking:fair-detail", args=[self.object.pk])


class FairDetailView(FairMixin, TemplateView):
    """The fair's figures (the table the yearly report quotes), what the visitor can do, and
    a preview of the proposal and the intentions that concern them."""

    template_name = "matchmaking/fairs/fair_detail.html"

    def get_context_data(self, **kwargs):
        fair = self.get_fair()
        user = self.request.user
        context = {"fair": fair, "stats": fair_stats(fair)}
        if user.is_authenticated:
            own_communities = staff_community_ids(user)
            own_orgs = member_org_ids(user)
            pending_communities, pending_orgs = unregistered_for(fair, own_communities, own_orgs)
            is_official = can_hold_fairs(user)
            context.update(
                pending_communities=pending_communities,
                pending_orgs=pending_orgs,
                can_register_others=is_official,
                # can_sign_at_fairs, from what is read above already
                can_sign=bool(own_communities or own_orgs) or is_official,
                proposal=list(fair_proposal(fair, user)[:PREVIEW]),
                intentions=list(
                    intentions_visible_to(user).filter(fair=fair).order_by("-signed_at")[:PREVIEW]
                ),
                # The convert button: `can_convert_intention` is the community's staff.
                own_communities=set(own_communities),
            )
        return {**super().get_context_data(**kwargs), **context}


class ParticipantListView(FairMixin, ListView):
    template_name = "matchmaking/fairs/participant_list.html"
    context_object_name = "registrations"
    paginate_by = 50
    KINDS = ("street", "community", "org")

    def get_queryset(self):
        registrations = registrations_of(self.get_fair())
        kind = self.request.GET.get("kind", "")
        if kind in self.KINDS:
            registrations = registrations.filter(**{f"{kind}__isnull": False})
        return registrations

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "fair": self.get_fair(),
            "kind": self.request.GET.get("kind", ""),
            "querystring": querystring_without_page(self.request),
        }


class ProposalView(LoginRequiredMixin, FairMixin, ListView):
    """Whom to meet: the engine's pairs among the participants, for this visitor."""

    template_name = "matchmaking/fairs/proposal.html"
    context_object_name = "pairs"
    paginate_by = 30

    def get_queryset(self):
        return fair_proposal(self.get_fair(), self.request.user)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "fair": self.get_fair(),
            "querystring": querystring_without_page(self.request),
        }


class IntentionListView(LoginRequiredMixin, FairMixin, ListView):
    template_name = "matchmaking/fairs/intention_list.html"
    context_object_name = "intentions"
    paginate_by = 30

    def get_queryset(self):
        intentions = intentions_visible_to(self.request.user).filter(fair=self.get_fair())
        state = self.request.GET.get("converted", "")
        if state == "yes":
            intentions = intentions.filter(project__isnull=False)
        elif state == "no":
            intentions = intentions.filter(project__isnull=True)
        q = self.request.GET.get("q", "").strip()
        for term in q.split():
            intentions = intentions.filter(
                Q(title__icontains=term)
                | Q(community__name__icontains=term)
                | Q(org__name__icontains=term)
            )
        return intentions.order_by("-signed_at", "-id")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "fair": self.get_fair(),
            "converted": self.request.GET.get("converted", ""),
            "q": self.request.GET.get("q", ""),
            "own_communities": set(staff_community_ids(self.request.user)),
            "querystring": querystring_without_page(self.request),
        }


class RegisterView(FairMixin, DomainFormView):
    template_name = "matchmaking/fairs/register_form.html"
    form_class = RegistrationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "fair": self.get_fair()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "fair": self.get_fair()}

    def service(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if v}
        return services.registration_add(actor=self.request.user, fair=self.get_fair(), **data)

    def success_message(self, obj):
        return _("Registered: %(name)s.") % {"name": obj.street or obj.community or obj.org}

    def get_success_url(self):
        return reverse("matchmaking:fair-detail", args=[self.get_fair().pk])


class IntentionSignView(FairMixin, DomainFormView):
    """Signing on a phone at the venue: one form, prefilled from the proposal's pair."""

    template_name = "matchmaking/fairs/intention_form.html"
    form_class = IntentionForm

    def prepare(self, request, **kwargs):
        """Only a community, an organization or an official can be a party to sign for."""
        if not can_sign_at_fairs(request.user):
            raise PermissionDenied

    def get_initial(self):
        initial = {}
        for name in ("community", "org", "need", "offer"):
            value = self.request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "fair": self.get_fair()}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.request.method != "POST" and form.initial.get("need"):
            need = form.fields["need"].queryset.filter(pk=form.initial["need"]).first()
            if need is not None:
                form.initial.setdefault("community", need.community_id)
                form.initial.setdefault("amount", need.budget)
        return form

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "fair": self.get_fair()}

    def service(self, form):
        return services.intention_sign(
            actor=self.request.user, fair=self.get_fair(), **form.cleaned_data
        )

    def success_message(self, obj):
        return _("Signed: %(title)s.") % {"title": obj.title}

    def get_success_url(self):
        return reverse("matchmaking:fair-intentions", args=[self.get_fair().pk])


class IntentionConvertView(LoginRequiredMixin, FairMixin, View):
    """One action: the intention becomes a `directed` project draft, opened for editing."""

    def post(self, request, pk, intention_id):
        intentions = intentions_visible_to(request.user).filter(fair=self.get_fair())
        intention = get_object_or_404(intentions, pk=intention_id)
        if not can_convert_intention(request.user, intention):
            raise PermissionDenied
        try:
            project = services.intention_convert(actor=request.user, intention=intention)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("matchmaking:fair-intentions", pk=pk)
        messages.success(
            request,
            _("The intention is now a directed project draft: check it, add funding, publish."),
        )
        return redirect(project.get_absolute_url())
