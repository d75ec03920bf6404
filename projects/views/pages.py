"""The project pages: the list, one project, drafting and editing one; and the
notifications."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView, TemplateView

from communities.selectors import community_list, needs_visible_to
from communities.views import FilteredListView
from core.errors import DomainError
from core.views import DomainFormView, form_error_from

from .. import services
from ..choices import STAGES, BidStatus, ProjectStatus
from ..filters import ProjectFilter
from ..forms import ProjectForm
from ..models import Project
from ..permissions import (
    Memberships,
    can_create_project,
    can_edit_project,
    project_actions,
    project_roles,
)
from ..selectors import (
    bids_visible_to,
    notifications_for,
    project_detail,
    project_money,
    projects_visible_to,
    reviews_visible_to,
)


class ProjectListView(FilteredListView):
    """Published projects for everybody (信息公开); drafts to their community and officials."""

    template_name = "projects/project_list.html"
    context_object_name = "projects"
    filterset_class = ProjectFilter
    default_status = ""
    primary_filters = ("q", "status", "within")
    hidden_filters = ("community",)

    def visible_queryset(self):
        return projects_visible_to(self.request.user)


def timeline(project: Project, transitions: list) -> list[dict]:
    """The five stages with their state: done, current, todo, or where it stopped
    (failed / cancelled)."""
    status = project.status
    stopped = status in (ProjectStatus.FAILED, ProjectStatus.CANCELLED)
    effective = status
    if stopped:
        effective = transitions[-1].from_status if transitions else ProjectStatus.DRAFT
    index = max(i for i, (__, __, states) in enumerate(STAGES) if effective in states)
    closing = {t.action: t.at for t in transitions}
    dates = {
        "publish": project.published_at,
        "bid": closing.get("close_bidding") or closing.get("fail_bidding"),
        "review": project.awarded_at,
        "supervise": project.started_at,
        "accept": project.closed_at if status == ProjectStatus.COMPLETED else None,
    }
    stages = []
    for i, (key, label, __) in enumerate(STAGES):
        if status == ProjectStatus.COMPLETED or i < index:
            state = "done"
        elif i == index:
            state = status if stopped else "current"
        else:
            state = "todo"
        stages.append(
            {
                "key": key,
                "label": label,
                "state": state,
                "at": dates[key] if state == "done" else None,
            }
        )
    return stages


# Action name (permissions.ACTIONS) → (label, URL name, style). `inline` actions post straight
# from the project page; the others open their form.
ACTION_BUTTONS = {
    "edit": (_("Edit draft"), "project-edit", "secondary"),
    "publish": (_("Publish"), "project-publish", ""),
    "close-bidding": (_("Close bidding"), "project-close-bidding", ""),
    "award": (_("Award"), "project-award", ""),
    "start": (_("Start the service"), "project-start", ""),
    "bid": (_("Bid"), "project-bid", ""),
    "review": (_("Score bids"), "review-create", ""),
    "supervise": (_("Record a visit"), "supervision-create", ""),
    "report-progress": (_("Report progress"), "progress-report-create", "secondary"),
    "submit-final-report": (_("File the final report"), "project-final-report", ""),
    "accept": (_("Accept"), "project-accept", ""),
    "assign": (_("Assign experts"), "project-assign", "secondary"),
    "cancel": (_("Cancel project"), "project-cancel", "danger"),
    "designate-demonstration": (_("Designate as demonstration"), "project-demonstration", ""),
    "withdraw-demonstration": (
        _("Withdraw the demonstration"),
        "project-demonstration-withdraw",
        "secondary",
    ),
}
INLINE_ACTIONS = {
    "start": _("Start the service now?"),
    "close-bidding": _("Close the bidding now?"),
}


class ProjectDetailView(TemplateView):
    """The whole project on one page; each role sees its part and its buttons."""

    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        try:
            project = project_detail(kwargs["pk"], user)
        except Project.DoesNotExist as exc:
            raise Http404 from exc
        memberships = Memberships.of(user)
        roles = project_roles(user, project, memberships)
        actions = project_actions(user, project, memberships)
        transitions = list(project.transitions.select_related("by"))
        bids = list(bids_visible_to(user, project))
        reviews = list(reviews_visible_to(user, project))
        my_reviews = {r.bid_id for r in reviews if r.reviewer_id == user.pk}
        # Review means: the community and officials; a reviewer only for bids they scored.
        for bid in bids:
            bid.show_mean = roles.manager or roles.superuser or bid.pk in my_reviews
            bid.can_withdraw = (
                bid.status == BidStatus.SUBMITTED
                and bid.org_id in dict(memberships.orgs)
                and project.status == ProjectStatus.PUBLISHED
                and project.bid_deadline is not None
                and timezone.now() < project.bid_deadline
            )
            bid.can_review = "review" in actions and bid.status == BidStatus.SUBMITTED
            bid.reviewed_by_me = bid.pk in my_reviews
        buttons = [
            {
                "action": name,
                "label": ACTION_BUTTONS[name][0],
                "url": reverse(f"projects:{ACTION_BUTTONS[name][1]}", args=[project.pk]),
                "style": ACTION_BUTTONS[name][2],
                "confirm": INLINE_ACTIONS.get(name),
            }
            for name in actions
        ]
        delivery = roles.sees_delivery
        context.update(
            project=project,
            actions=actions,
            buttons=buttons,
            stages=timeline(project, transitions),
            stopped=project.status in (ProjectStatus.FAILED, ProjectStatus.CANCELLED),
            money=project_money(project),
            lines=list(project.funding.all()),
            bids=bids,
            bids_shown=roles.manager or roles.reviewer or roles.superuser or bool(memberships.orgs),
            sees_all_bids=roles.manager or roles.reviewer or roles.superuser,
            reviews=reviews,
            delivery=delivery,
            assignments=list(project.assignments.all()) if delivery else [],
            visits=list(project.visits.select_related("supervisor")) if delivery else [],
            reports=list(project.progress_reports.select_related("org")) if delivery else [],
            acceptances=list(project.acceptances.select_related("by")) if delivery else [],
            transitions=transitions,
        )
        return context


class ProjectFormMixin:
    """Domain errors of every kind come back to the form (a 409 of the API is a message on the
    page here); a refused permission is a 403."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as exc:  # InvalidTransition, DeadlinePassed, InsufficientFunds…
            form_error_from(form, exc)
            return self.form_invalid(form)


class ProjectCreateView(ProjectFormMixin, DomainFormView):
    template_name = "projects/project_form.html"
    form_class = ProjectForm

    def prepare(self, request, **kwargs):
        self.community = get_object_or_404(community_list(), pk=kwargs["community_id"])
        if not can_create_project(request.user, self.community.id):
            raise PermissionDenied

    def get_initial(self):
        initial = super().get_initial()
        need_id = self.request.GET.get("need", "")
        if need_id.isdigit():
            need = (
                needs_visible_to(self.request.user)
                .filter(community=self.community, pk=int(need_id))
                .first()
            )
            if need is not None:
                initial.update(
                    need=need.pk,
                    title=need.title,
                    category=need.category_id,
                    description=need.description,
                    beneficiaries=need.beneficiaries,
                    budget=need.budget,
                    year=need.period_start.year,
                    period_start=need.period_start,
                    period_end=need.period_end,
                )
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "community": self.community}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "community": self.community}

    def service(self, form):
        return services.project_create(
            actor=self.request.user, community=self.community, **form.service_data()
        )

    def success_message(self, obj):
        return _("The project was saved as a draft. Publish it when the funding is complete.")


class ProjectEditView(ProjectFormMixin, DomainFormView):
    template_name = "projects/project_form.html"
    form_class = ProjectForm

    def prepare(self, request, **kwargs):
        self.project = get_object_or_404(projects_visible_to(request.user), pk=kwargs["pk"])
        if not can_edit_project(request.user, self.project):
            raise PermissionDenied
        self.community = self.project.community

    def get(self, request, *args, **kwargs):
        if self.project.status != ProjectStatus.DRAFT:
            messages.error(request, _("Only a draft can be edited."))
            return redirect(self.project.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "community": self.community,
            "instance": self.project,
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "community": self.community,
            "project": self.project,
        }

    def service(self, form):
        return services.project_update(
            actor=self.request.user, project=self.project, **form.service_data()
        )

    def success_message(self, obj):
        return _("Your changes were saved.")


# --- notifications --------------------------------------------------------------------------


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "projects/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return notifications_for(self.request.user)


class NotificationReadView(LoginRequiredMixin, View):
    """POST: mark one notification (`pk`) or all of them read."""

    http_method_names = ["post"]

    def post(self, request, pk=None):
        notification = None
        if pk is not None:
            notification = get_object_or_404(notifications_for(request.user), pk=pk)
        services.notification_mark_read(actor=request.user, notification=notification)
        if notification is None:
            messages.success(request, _("All notifications are marked read."))
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
        return redirect("projects:notification-list")
