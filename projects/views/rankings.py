"""The yearly ranking (排行榜) and the demonstration projects (示范项目): two public pages
(信息公开, anonymous visitors included), and the officials' designation and withdrawal."""

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView

from communities.selectors import region_choices
from core.views import platform_city_code, querystring_without_page

from .. import services
from ..forms import (
    DemonstrationFilterForm,
    DesignateDemonstrationForm,
    RankingForm,
    WithdrawDemonstrationForm,
)
from ..models import Project
from ..permissions import can_designate_demonstration
from ..rankings import (
    RankingLevel,
    demonstration_projects,
    demonstration_years,
    ranking_years,
    rankings,
)
from .actions import ProjectActionView

# Where a row of each level leads: a community or an organization to its page; a street or
# district down to the ranking of what lies in it.
_DRILL = {RankingLevel.DISTRICT: RankingLevel.STREET, RankingLevel.STREET: RankingLevel.COMMUNITY}
_PAGE = {
    RankingLevel.COMMUNITY: "communities:community-detail",
    RankingLevel.ORG: "orgs:org-detail",
}


def _percent(rate: str | None) -> str | None:
    """The on-time share as a percentage with one decimal ("0.7500" → "75.0")."""
    if rate is None:
        return None
    return str((Decimal(rate) * 100).quantize(Decimal("0.1")))


class RankingsView(TemplateView):
    """`/rankings/?year=&level=&within=`: the scorecard of a year, per level, within a region.

    Without a year it opens on the latest year that has finished projects. A bad parameter is
    shown at its field and the table stays empty (the API answers 400).
    """

    template_name = "projects/rankings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years = ranking_years()
        params = self.request.GET.copy()
        if not params.get("year"):
            params["year"] = str(years[0] if years else timezone.localdate().year)
        if not params.get("level"):
            params["level"] = RankingLevel.COMMUNITY
        choices = region_choices(platform_city_code())
        form = RankingForm(params, years=years, region_choices=choices)
        rows = []
        level = params["level"] if params["level"] in RankingLevel.values else None
        if form.is_valid():
            data = form.cleaned_data
            rows = rankings(year=data["year"], level=data["level"], within=data["within"])
            for row in rows:
                row["on_time_percent"] = _percent(row["on_time_rate"])
                row["url"] = self._row_url(row, data)
        context.update(
            form=form,
            rows=rows,
            level=level,
            is_org=level == RankingLevel.ORG,
            tabs=self._tabs(params, level),
            region_name=dict(choices).get(params.get("within", ""), "").strip(),
        )
        return context

    def _tabs(self, params, current) -> list[dict]:
        keep = {k: params[k] for k in ("year", "within") if params.get(k)}
        return [
            {
                "label": label,
                "url": "?" + urlencode({**keep, "level": value}),
                "current": value == current,
            }
            for value, label in RankingLevel.choices
        ]

    def _row_url(self, row, data) -> str:
        level = data["level"]
        if level in _PAGE:
            return reverse(_PAGE[level], args=[row["unit"]])
        query = {"year": data["year"], "level": _DRILL.get(level, level), "within": row["code"]}
        return "?" + urlencode(query)


class DemonstrationListView(ListView):
    """`/demonstration/?year=&category=`: the demonstration projects, newest year first."""

    template_name = "projects/demonstration_list.html"
    context_object_name = "projects"
    paginate_by = 20

    def get_queryset(self):
        params = self.request.GET
        bound = any(params.get(name) for name in ("year", "category"))
        self.form = DemonstrationFilterForm(params if bound else None, years=demonstration_years())
        if not bound:
            return demonstration_projects()
        if not self.form.is_valid():
            return Project.objects.none()
        data = self.form.cleaned_data
        return demonstration_projects(year=data["year"], category=data["category"])

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "form": self.form,
            "filtered": self.form.is_bound,
            "querystring": querystring_without_page(self.request),
        }


class DesignateDemonstrationView(ProjectActionView):
    """Officials over the community designate a completed project, with a citation."""

    action = "designate-demonstration"
    form_class = DesignateDemonstrationForm
    title = _("Designate a demonstration project")
    lead = _(
        "A demonstration project (示范项目) is listed publicly as an example for other "
        "communities and organizations, with your citation."
    )
    submit_label = _("Designate")
    done = _("The project is now a demonstration project.")

    def permitted(self, user, project):
        return can_designate_demonstration(user, project)

    def service(self, form):
        return services.project_designate_demonstration(
            actor=self.request.user, project=self.project, **form.cleaned_data
        )


class WithdrawDemonstrationView(ProjectActionView):
    """Withdraw the designation, with a reason (the history keeps the citation)."""

    action = "withdraw-demonstration"
    form_class = WithdrawDemonstrationForm
    template_name = "projects/demonstration_withdraw.html"
    title = _("Withdraw the demonstration designation")
    lead = _("The project leaves the public list of demonstration projects.")
    submit_label = _("Withdraw the designation")
    done = _("The designation was withdrawn.")

    def permitted(self, user, project):
        return can_designate_demonstration(user, project)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "danger": True}

    def service(self, form):
        return services.project_withdraw_demonstration(
            actor=self.request.user, project=self.project, **form.cleaned_data
        )
