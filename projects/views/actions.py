"""Each action of the lifecycle at its own URL: GET shows its form (often a mere
confirmation), POST calls its one service."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from core.views import DomainFormView
from orgs.models import SocialOrg
from orgs.selectors import member_org_ids

from .. import services
from ..choices import BidStatus, ExpertRole
from ..forms import (
    AcceptForm,
    AssignForm,
    AwardForm,
    BidForm,
    EmptyForm,
    FinalReportForm,
    ProgressReportForm,
    PublishForm,
    ReasonForm,
    ReviewForm,
    SupervisionForm,
)
from ..models import Bid
from ..permissions import (
    Memberships,
    can_accept_project,
    can_assign_experts,
    can_cancel_project,
    can_manage_project,
    can_report_progress,
    can_review,
    can_start_project,
    can_supervise,
    project_actions,
    project_roles,
)
from ..selectors import bids_visible_to, experts_for, projects_visible_to
from .pages import ProjectFormMixin


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
