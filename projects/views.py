from datetime import timedelta

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
from django.views.generic import FormView, ListView, TemplateView

from communities.selectors import community_list, needs_visible_to
from communities.views import FilteredListView
from core.errors import DomainError
from core.views import DomainFormView, form_error_from
from orgs.models import SocialOrg
from orgs.selectors import member_org_ids, offerings_visible_to

from . import services
from .choices import STAGES, BidStatus, ExpertRole, ProjectStatus
from .filters import ProjectFilter
from .forms import (
    AcceptForm,
    AssignForm,
    AwardForm,
    BidForm,
    DecisionForm,
    EmptyForm,
    FinalReportForm,
    ProgressReportForm,
    ProjectForm,
    PublishForm,
    ReasonForm,
    ReviewForm,
    SupervisionForm,
)
from .models import Bid, Project
from .permissions import (
    Memberships,
    can_accept_project,
    can_assign_experts,
    can_cancel_project,
    can_create_project,
    can_edit_project,
    can_manage_project,
    can_record_decision,
    can_report_progress,
    can_review,
    can_start_project,
    can_supervise,
    can_view_decisions,
    project_actions,
    project_roles,
)
from .selectors import (
    bids_visible_to,
    decisions_visible_to,
    experts_for,
    notifications_for,
    project_detail,
    project_money,
    projects_visible_to,
    reviews_visible_to,
    user_roles,
)


class HomeView(TemplateView):
    """Landing page: what the platform is, and for a signed-in user, where each role goes."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["roles"] = user_roles(user)
        context["latest_needs"] = needs_visible_to(user).filter(status="published")[:5]
        context["latest_offerings"] = offerings_visible_to(user).filter(status="published")[:5]
        return context


class DecisionListView(TemplateView):
    """A community's residents' decisions: its staff and the officials over it."""

    template_name = "projects/decision_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        community = get_object_or_404(community_list(), pk=kwargs["community_id"])
        if not can_view_decisions(self.request.user, community):
            raise Http404
        decisions = decisions_visible_to(self.request.user).filter(community=community)
        context.update(
            community=community,
            decisions=decisions,
            can_record=can_record_decision(self.request.user, community.id),
        )
        return context


class DecisionCreateView(DomainFormView):
    template_name = "projects/decision_form.html"
    form_class = DecisionForm

    def prepare(self, request, **kwargs):
        self.community = get_object_or_404(community_list(), pk=kwargs["community_id"])
        if not can_record_decision(request.user, self.community.id):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "community": self.community}

    def service(self, form):
        return services.decision_record(
            actor=self.request.user, community=self.community, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("projects:decision-list", args=[self.community.pk])

    def success_message(self, obj):
        if obj.passed:
            return _("Recorded: the decision passed.")
        if obj.valid:
            return _("Recorded: the meeting was valid but the decision did not pass.")
        return _("Recorded: fewer than half of the representatives attended, so it is not valid.")


# --- projects -------------------------------------------------------------------------------


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


class ProjectActionView(ProjectFormMixin, DomainFormView):
    """One action of the lifecycle at its own URL: GET shows its form, POST calls its service.

    Offered only when `project_actions` lists it; someone who could never take it (wrong role)
    gets a 403, someone who merely cannot take it now is sent back to the project with a note.
    A POST always reaches the service, whose refusal is shown on the form.
    """

    template_name = "projects/project_action.html"
    form_class = EmptyForm
    action = ""
    title = ""
    lead = ""
    submit_label = _("Confirm")
    done = ""

    def permitted(self, user, project) -> bool:
        """Whether the user holds the role for this action at all (whatever the state)."""
        raise NotImplementedError

    def prepare(self, request, **kwargs):
        self.project = get_object_or_404(projects_visible_to(request.user), pk=kwargs["pk"])
        self.memberships = Memberships.of(request.user)
        self.actions = project_actions(request.user, self.project, self.memberships)
        if self.action not in self.actions and not self.permitted(request.user, self.project):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        if self.action not in self.actions:
            messages.error(request, _("That action is not available for this project now."))
            return redirect(self.project.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "project": self.project,
            "title": self.title,
            "lead": self.lead,
            "submit_label": self.submit_label,
            "danger": self.action == "cancel",
        }

    def get_success_url(self):
        return self.project.get_absolute_url()

    def success_message(self, obj):
        return self.done


class ManageMixin:
    def permitted(self, user, project):
        return can_manage_project(user, project)


class PublishView(ManageMixin, ProjectActionView):
    action = "publish"
    form_class = PublishForm
    title = _("Publish the project")
    lead = _(
        "Publishing commits the funding lines from the ledger and opens the project for bids "
        "until the deadline."
    )
    submit_label = _("Publish")
    done = _("The project is published and open for bids.")

    def get_initial(self):
        deadline = timezone.localtime() + timedelta(days=14)
        return {"bid_deadline": deadline.replace(hour=17, minute=0, second=0, microsecond=0)}

    def service(self, form):
        return services.project_publish(
            actor=self.request.user, project=self.project, **form.cleaned_data
        )


class CloseBiddingView(ManageMixin, ProjectActionView):
    action = "close-bidding"
    title = _("Close the bidding")
    lead = _(
        "With valid bids the project goes to review; with none it fails and its money is released."
    )
    submit_label = _("Close bidding")
    done = _("Bidding is closed.")

    def service(self, form):
        return services.project_close_bidding(actor=self.request.user, project=self.project)


class AwardView(ManageMixin, ProjectActionView):
    action = "award"
    form_class = AwardForm
    template_name = "projects/project_award.html"
    title = _("Award the project")
    lead = _(
        "The best-reviewed bid is chosen unless you write down why another one should win. "
        "Budget not needed by the contract goes back to the resources."
    )
    submit_label = _("Award")
    done = _("The project was awarded.")

    def prepare(self, request, **kwargs):
        super().prepare(request, **kwargs)
        self.rankings = services.bid_rankings(self.project)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rankings": self.rankings}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "rankings": self.rankings}

    def service(self, form):
        return services.project_award(
            actor=self.request.user, project=self.project, **form.cleaned_data
        )


class StartView(ProjectActionView):
    action = "start"
    title = _("Start the service")
    lead = _("Starting opens delivery: progress reports, supervision visits, the final report.")
    submit_label = _("Start")
    done = _("The service has started.")

    def permitted(self, user, project):
        return can_start_project(user, project)

    def service(self, form):
        return services.project_start(actor=self.request.user, project=self.project)


class FinalReportView(ProjectActionView):
    action = "submit-final-report"
    form_class = FinalReportForm
    title = _("File the final report")
    lead = _("The officials check the service against it for acceptance.")
    submit_label = _("Submit the report")
    done = _("The final report was filed; the project awaits acceptance.")

    def permitted(self, user, project):
        return can_report_progress(user, project)

    def service(self, form):
        return services.project_submit_final_report(
            actor=self.request.user, project=self.project, **form.cleaned_data
        )


class AcceptView(ProjectActionView):
    action = "accept"
    form_class = AcceptForm
    title = _("Acceptance check")
    lead = _(
        "A pass pays the contract amount out of the ledger. A first failure sends the project "
        "to rectification; a second one fails it and releases its money."
    )
    submit_label = _("Record the result")
    done = _("The acceptance result was recorded.")

    def permitted(self, user, project):
        return can_accept_project(user, project)

    def service(self, form):
        return services.project_accept(
            actor=self.request.user, project=self.project, **form.cleaned_data
        )


class CancelView(ProjectActionView):
    action = "cancel"
    form_class = ReasonForm
    title = _("Cancel the project")
    lead = _("The money still reserved for it goes back to the resources. This cannot be undone.")
    submit_label = _("Cancel the project")
    done = _("The project was cancelled.")

    def permitted(self, user, project):
        return can_cancel_project(user, project)

    def service(self, form):
        return services.project_cancel(
            actor=self.request.user, project=self.project, **form.cleaned_data
        )


class AssignView(ProjectActionView):
    action = "assign"
    form_class = AssignForm
    template_name = "projects/project_assign.html"
    title = _("Assign reviewers and supervisors")
    lead = _("Experts from the pool whose region covers the community. Each is notified.")
    submit_label = _("Assign")
    done = _("The experts were assigned.")

    def permitted(self, user, project):
        return can_assign_experts(user, project)

    def prepare(self, request, **kwargs):
        super().prepare(request, **kwargs)
        self.assigned = {ExpertRole.REVIEWER: [], ExpertRole.SUPERVISOR: []}
        for a in self.project.assignments.select_related("user"):
            self.assigned[a.role].append(a.user)

    def get_form_kwargs(self):
        pools = {role: list(experts_for(self.project, role)) for role in ExpertRole.values}
        assigned = {role: {u.pk for u in users} for role, users in self.assigned.items()}
        return {**super().get_form_kwargs(), "pools": pools, "assigned": assigned}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "assigned_reviewers": self.assigned[ExpertRole.REVIEWER],
            "assigned_supervisors": self.assigned[ExpertRole.SUPERVISOR],
        }

    def service(self, form):
        return services.project_assign(
            actor=self.request.user,
            project=self.project,
            reviewers=list(form.cleaned_data["reviewers"]),
            supervisors=list(form.cleaned_data["supervisors"]),
        )


class BidView(ProjectActionView):
    action = "bid"
    form_class = BidForm
    title = _("Bid for the project")
    lead = _("One live bid per organization; withdraw it before the deadline to bid again.")
    submit_label = _("Submit the bid")
    done = _("Your bid was submitted.")

    def permitted(self, user, project):
        return bool(self.memberships.orgs)

    def get_form_kwargs(self):
        roles = project_roles(self.request.user, self.project, self.memberships)
        orgs = list(SocialOrg.objects.filter(pk__in=roles.bid_orgs or dict(self.memberships.orgs)))
        return {**super().get_form_kwargs(), "orgs": orgs, "project": self.project}

    def service(self, form):
        return services.bid_submit(
            actor=self.request.user,
            project=self.project,
            org=form.cleaned_data["org"],
            amount=form.cleaned_data["amount"],
            proposal=form.cleaned_data["proposal"],
            team=list(form.cleaned_data["team"]),
        )


class BidWithdrawView(ProjectActionView):
    """Withdraw the organization's own bid while bidding is open."""

    title = _("Withdraw the bid")
    lead = _("The organization may bid again before the deadline.")
    submit_label = _("Withdraw")
    done = _("The bid was withdrawn.")

    def prepare(self, request, **kwargs):
        self.project = get_object_or_404(projects_visible_to(request.user), pk=kwargs["pk"])
        self.bid = get_object_or_404(bids_visible_to(request.user, self.project), pk=kwargs["bid"])
        if self.bid.org_id not in member_org_ids(request.user):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        return FormView.get(self, request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "danger": True}

    def service(self, form):
        return services.bid_withdraw(actor=self.request.user, bid=self.bid)


class ReviewCreateView(ProjectActionView):
    action = "review"
    form_class = ReviewForm
    title = _("Score a bid")
    lead = _(
        "Score each criterion from 0 to 100. You see other reviewers' scores of a bid only "
        "after scoring it yourself."
    )
    submit_label = _("Submit the scores")
    done = _("Your review was recorded.")

    def permitted(self, user, project):
        return can_review(user, project)

    def open_bids(self):
        return (
            Bid.objects.filter(project=self.project, status=BidStatus.SUBMITTED)
            .exclude(reviews__reviewer=self.request.user)
            .select_related("org")
            .prefetch_related("team")
            .order_by("id")
        )

    def get_initial(self):
        bid = self.request.GET.get("bid", "")
        return {"bid": int(bid)} if bid.isdigit() else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "bids": self.open_bids()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "review_bids": self.open_bids()}

    def service(self, form):
        return services.review_submit(
            actor=self.request.user, project=self.project, **form.cleaned_data
        )


class SupervisionCreateView(ProjectActionView):
    action = "supervise"
    form_class = SupervisionForm
    title = _("Record a supervision visit")
    lead = _("What you saw on site and how the service is going.")
    submit_label = _("Save the visit")
    done = _("The visit was recorded.")

    def permitted(self, user, project):
        return can_supervise(user, project)

    def get_initial(self):
        return {"visited_on": timezone.localdate()}

    def service(self, form):
        return services.supervision_record(
            actor=self.request.user, project=self.project, **form.cleaned_data
        )


class ProgressReportCreateView(ProjectActionView):
    action = "report-progress"
    form_class = ProgressReportForm
    title = _("Report progress")
    lead = _("What was done in the period and how many residents it reached.")
    submit_label = _("Submit the report")
    done = _("The progress report was filed.")

    def permitted(self, user, project):
        return can_report_progress(user, project)

    def get_initial(self):
        return {"period_end": timezone.localdate()}

    def service(self, form):
        return services.progress_report_submit(
            actor=self.request.user, project=self.project, **form.cleaned_data
        )


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
