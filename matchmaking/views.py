from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from communities.models import ServiceNeed
from communities.permissions import is_community_staff
from communities.selectors import needs_visible_to, official_region_codes, staff_community_ids
from core import regions
from core.errors import DomainError, NotAllowed, ValidationFailed
from orgs.models import ServiceOffering
from orgs.permissions import is_org_member
from orgs.selectors import offerings_visible_to, orgs_visible_to
from projects.selectors import resources_for_need

from . import exports, services
from .choices import RunStatus, SuggestionStatus
from .dashboard import dashboard_cached
from .dashboard_request import current_year, dashboard_params, home_region
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


# --- officials' dashboard -------------------------------------------------------------------
DASH = "—"  # a share or a median with nothing to measure (docs/dashboard.md)


def _count(value) -> str:
    return formats.number_format(value, force_grouping=True)


def _yuan(value) -> str:
    return "¥" + formats.number_format(Decimal(value), 2, force_grouping=True)


def _percent(share) -> str:
    if share is None:
        return DASH
    return formats.number_format(Decimal(str(share)) * 100, 2) + "%"


def _days(days) -> str:
    if days is None:
        return DASH
    return _("%(days)s days") % {"days": formats.number_format(days, 1)}


def _dashboard_url(path: str, code: str, year: int) -> str:
    return f"{path}?{urlencode({'within': code, 'year': year})}"


def _cards(totals: dict) -> list[dict]:
    """The totals as the page's cards: a label, the figure and a line of detail."""
    return [
        {"label": _("Communities"), "value": _count(totals["communities"])},
        {
            "label": _("Organizations"),
            "value": _count(totals["orgs"]),
            "detail": _("%(n)s verified") % {"n": _count(totals["orgs_verified"])},
        },
        {"label": _("Certified social workers"), "value": _count(totals["certified_workers"])},
        {
            "label": _("Community staff certified"),
            "value": _percent(totals["staff_certified_share"]),
            "detail": _("%(certified)s of %(total)s staff")
            % {
                "certified": _count(totals["staff_certified"]),
                "total": _count(totals["staff_total"]),
            },
        },
        {"label": _("Needs published"), "value": _count(totals["needs_published"])},
        {"label": _("Offerings published"), "value": _count(totals["offers_published"])},
        {
            "label": _("Resources published"),
            "value": _count(totals["resources_published"]),
            "detail": _yuan(totals["resources_amount"]),
        },
        {"label": _("Funds committed"), "value": _yuan(totals["funds_committed"])},
        {"label": _("Funds disbursed"), "value": _yuan(totals["funds_disbursed"])},
        {"label": _("Match rate"), "value": _percent(totals["match_rate"])},
        {"label": _("Median days to award"), "value": _days(totals["median_days_to_award"])},
        {
            "label": _("Projects of the year"),
            "value": _count(sum(totals["projects_by_status"].values())),
        },
    ]


def _charts(data: dict, *, path: str, months: list[str]) -> dict:
    """What static/js/dashboard.js draws, labelled already (the page passes it through
    json_script): the script only arranges series, it translates nothing."""
    gap, trends = data["gap"], data["trends"]
    statuses = data["totals"]["projects_by_status"]
    return {
        "locale": "EN" if get_language() == "en" else "ZH",
        "drill": {"path": path, "year": data["year"], "enabled": bool(data["children"])},
        "text": {
            "demand": str(_("Demand")),
            "supply": str(_("Supply")),
            "gap": str(_("Gap (demand − supply)")),
            "projects": str(_("Projects")),
        },
        "gap": {
            "regions": gap["regions"],
            "categories": [row["name"] for row in gap["categories"]],
            # [column, row, gap, demand, supply] for every cell
            "cells": [
                [c, r, cell["gap"], cell["demand"], cell["supply"]]
                for r, row in enumerate(gap["cells"])
                for c, cell in enumerate(row)
            ],
        },
        "byCategory": {
            "names": [row["name"] for row in gap["by_category"]],
            "demand": [row["demand"] for row in gap["by_category"]],
            "supply": [row["supply"] for row in gap["by_category"]],
        },
        "byRegion": {
            "names": [row["name"] for row in gap["by_region"]],
            "codes": [row["code"] for row in gap["by_region"]],
            "demand": [row["demand"] for row in gap["by_region"]],
            "supply": [row["supply"] for row in gap["by_region"]],
        },
        "trends": {
            "months": months,
            "series": [
                {"name": str(label), "data": trends[key]} for key, label in exports.TRENDS.items()
            ],
        },
        "pipeline": {
            "names": [str(label) for label in exports.STAGES.values()],
            "values": [data["pipeline"][key] for key in exports.STAGES],
        },
        "status": {
            "names": [exports.status_label(value) for value in statuses],
            "values": list(statuses.values()),
        },
    }


def _year_choices(year: int) -> list[int]:
    """The years offered by the selector: the last five, the next one, and the one shown."""
    now = current_year()
    return sorted({*range(now - 5, now + 2), year}, reverse=True)


class DashboardView(LoginRequiredMixin, TemplateView):
    """数据看板: one area and year of the official's jurisdiction — totals, the supply–demand
    gap, trends, the pipeline and the overdue lists; every chart has its table behind it.

    Not an official: 403. An area outside the jurisdiction: 404. A bad `within` or `year`:
    the page with the error and a 400.
    """

    template_name = "matchmaking/dashboard.html"

    def get(self, request, *args, **kwargs):
        try:
            within, year = dashboard_params(request.user, request.GET)
            data = dashboard_cached(within, year)
        except ValidationFailed as exc:
            labels = {"within": _("Area"), "year": _("Year")}
            fields = [
                {"name": name, "label": labels.get(name, name), "text": text}
                for name, texts in exc.fields.items()
                for text in texts
            ]
            context = self.get_context_data(error=exc, error_fields=fields)
            return self.render_to_response(context, status=400)
        return self.render_to_response(self.get_context_data(**self.figures(data)))

    def figures(self, data: dict) -> dict:
        path, year = self.request.path, data["year"]
        user = self.request.user
        # Every breadcrumb step the user may open is a link (one above their region is not).
        codes = official_region_codes(user)

        def visible(code: str) -> bool:
            return user.is_superuser or any(regions.is_within(code, c) for c in codes)

        gap, trends, overdue = data["gap"], data["trends"], data["overdue"]
        months = [formats.date_format(date(year, month, 1), "M") for month in trends["months"]]
        export = reverse("matchmaking:dashboard-export")
        return {
            "data": data,
            "scope": data["scope"],
            "year": year,
            "years": _year_choices(year),
            "crumbs": [
                {
                    **crumb,
                    "url": _dashboard_url(path, crumb["code"], year)
                    if visible(crumb["code"])
                    else None,
                }
                for crumb in data["breadcrumb"]
            ],
            "children": [
                {**child, "url": _dashboard_url(path, child["code"], year)}
                for child in data["children"]
            ],
            "home": home_region(user) != data["scope"]["code"],
            "cards": _cards(data["totals"]),
            "gap_rows": [
                {"category": category, "cells": cells}
                for category, cells in zip(gap["categories"], gap["cells"], strict=True)
            ],
            "trend_rows": [
                {
                    "month": label,
                    "values": [trends[key][index] for key in exports.TRENDS],
                }
                for index, label in enumerate(months)
            ],
            "trend_labels": list(exports.TRENDS.values()),
            "pipeline_rows": [
                (label, data["pipeline"][key]) for key, label in exports.STAGES.items()
            ],
            "status_rows": [
                (exports.status_label(value), count)
                for value, count in data["totals"]["projects_by_status"].items()
            ],
            "overdue": [
                {
                    "key": key,
                    "label": label,
                    "count": overdue[key]["count"],
                    "items": overdue[key]["items"],
                    "more": overdue[key]["count"] - len(overdue[key]["items"]),
                }
                for key, label in exports.OVERDUE.items()
            ],
            "export_url": f"{export}?{urlencode({'within': data['scope']['code'], 'year': year})}",
            "charts": _charts(data, path=path, months=months),
        }


class DashboardExportView(LoginRequiredMixin, View):
    """The dashboard as an Excel workbook; `sheet` picks the sheet it opens on."""

    def get(self, request, *args, **kwargs):
        try:
            within, year = dashboard_params(request.user, request.GET)
            data = dashboard_cached(within, year)
        except ValidationFailed as exc:
            return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
        return exports.xlsx_response(data, active=request.GET.get("sheet"))
