from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from communities.models import ServiceNeed
from communities.permissions import is_community_staff
from communities.selectors import needs_visible_to, official_region_codes, staff_community_ids
from core.errors import DomainError, NotAllowed
from orgs.models import ServiceOffering
from orgs.permissions import is_org_member
from orgs.selectors import offerings_visible_to, orgs_visible_to
from projects.selectors import resources_for_need

from . import services
from .choices import RunStatus, SuggestionStatus
from .forms import MatchRunForm
from .models import MatchSuggestion
from .permissions import can_start_runs, conversation_side
from .selectors import (
    conversations_visible_to,
    matches_for_need,
    matches_for_offer,
    runs_visible_to,
    suggestion_list,
)

COMPONENT_LABELS = {
    "category": _("Category fit"),
    "geography": _("Distance of the service area"),
    "target_groups": _("Target groups"),
    "budget": _("Price against budget"),
    "text": _("Similar description"),
    "strength": _("Organization strength"),
}


class NeedMatchesView(TemplateView):
    """推荐机构: organizations ranked for a need, why, and the money that could pay for it."""

    template_name = "matchmaking/need_matches.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        need = get_object_or_404(needs_visible_to(self.request.user), pk=kwargs["pk"])
        matches = matches_for_need(need, k=10)
        offerings = ServiceOffering.objects.select_related("org", "category").in_bulk(
            [m.offer_id for m in matches]
        )
        marked = dict(
            MatchSuggestion.objects.filter(need=need).values_list("offering_id", "status")
        )
        context.update(
            need=need,
            rows=[
                {
                    "match": m,
                    "offering": offerings[m.offer_id],
                    "status": marked.get(m.offer_id, SuggestionStatus.NEW),
                    "parts": [
                        (COMPONENT_LABELS.get(name, name), value)
                        for name, value in sorted(m.breakdown.items(), key=lambda kv: -kv[1])
                    ],
                }
                for m in matches
                if m.offer_id in offerings
            ],
            can_mark=is_community_staff(self.request.user, need.community_id),
            resources=resources_for_need(need)[:10],
        )
        return context


class MarkMatchView(LoginRequiredMixin, View):
    """Interest or dismissal from either side of a pair; the score is recomputed, not trusted."""

    http_method_names = ["post"]

    def post(self, request, need_id, offering_id):
        need = get_object_or_404(needs_visible_to(request.user), pk=need_id)
        offering = get_object_or_404(offerings_visible_to(request.user), pk=offering_id)
        status = request.POST.get("status", "")
        fresh = next((m for m in matches_for_need(need, k=50) if m.offer_id == offering.id), None)
        try:
            services.suggestion_set_status(
                actor=request.user,
                need=need,
                offering=offering,
                status=status,
                score=fresh.score if fresh else 0.0,
                breakdown=fresh.breakdown if fresh else {},
                reasons=fresh.reasons if fresh else (),
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Marked as interested.")
                if status == SuggestionStatus.INTERESTED
                else _("Dismissed."),
            )
        return redirect(request.POST.get("next") or need.get_absolute_url())


class OrgRecommendationsView(LoginRequiredMixin, TemplateView):
    """为我推荐: for each of the org's published offerings, the needs it fits best."""

    template_name = "matchmaking/org_recommendations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = get_object_or_404(orgs_visible_to(self.request.user), pk=kwargs["pk"])
        if not is_org_member(self.request.user, org.id):
            raise PermissionDenied

        groups = []
        for offering in org.offerings.filter(status="published").select_related("category"):
            matches = matches_for_offer(offering, k=5)
            needs = ServiceNeed.objects.select_related("community", "category").in_bulk(
                [m.need_id for m in matches]
            )
            groups.append(
                {
                    "offering": offering,
                    "rows": [{"match": m, "need": needs[m.need_id]} for m in matches],
                }
            )
        context.update(org=org, groups=groups)
        return context


class RunListView(LoginRequiredMixin, TemplateView):
    """Officials: the batch runs of their jurisdiction, and a form to start one."""

    template_name = "matchmaking/run_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_start_runs(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        return MatchRunForm(data, jurisdiction=official_region_codes(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(runs_visible_to(self.request.user), 20).get_page(
            self.request.GET.get("page")
        )
        context.setdefault("form", self.form())
        context.update(page_obj=page, runs=page.object_list)
        return context

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            run = services.match_run_start(
                actor=request.user,
                scope=form.cleaned_data["scope"],
                parameters={"top_k": form.cleaned_data["top_k"]},
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        messages.success(request, _("The matching run was queued."))
        return redirect("matchmaking:run-detail", pk=run.pk)


class RunDetailView(LoginRequiredMixin, DetailView):
    """A run's progress (refreshing itself while it runs) and its proposal table."""

    template_name = "matchmaking/run_detail.html"
    context_object_name = "run"

    def get_queryset(self):
        return runs_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        proposal = suggestion_list().filter(
            need__community__region__code__startswith=run.scope.prefix, proposed=True
        )
        page = Paginator(proposal.order_by("-score", "id"), 25).get_page(
            self.request.GET.get("page")
        )
        context.update(
            page_obj=page,
            proposal=page.object_list,
            active=run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        )
        return context


class ConversationListView(LoginRequiredMixin, TemplateView):
    template_name = "matchmaking/conversation_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(conversations_visible_to(self.request.user), 20).get_page(
            self.request.GET.get("page")
        )
        staff_of = set(staff_community_ids(self.request.user))
        for conversation in page.object_list:
            conversation.unread = (
                conversation.unread_community
                if conversation.need.community_id in staff_of
                else conversation.unread_org
            )
        context.update(page_obj=page, conversations=page.object_list)
        return context


class ConversationDetailView(LoginRequiredMixin, TemplateView):
    """Messages between a community and an organization; reading marks them read."""

    template_name = "matchmaking/conversation_detail.html"

    def conversation(self):
        return get_object_or_404(conversations_visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        conversation = kwargs.get("conversation") or self.conversation()
        services.conversation_mark_read(actor=self.request.user, conversation=conversation)
        context.update(
            conversation=conversation,
            chat=conversation.messages.select_related("sender"),
            side=conversation_side(self.request.user, conversation),
            error=kwargs.get("error"),
        )
        return context

    def post(self, request, *args, **kwargs):
        conversation = self.conversation()
        try:
            services.message_post(
                actor=request.user, conversation=conversation, body=request.POST.get("body", "")
            )
        except DomainError as exc:
            context = self.get_context_data(conversation=conversation, error=exc.message)
            return self.render_to_response(context, status=400)
        return redirect("matchmaking:conversation-detail", pk=conversation.pk)
