"""A community's residents' decisions (on its benefit fund): the list, and recording one."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from communities.selectors import community_list
from core.views import DomainFormView

from .. import services
from ..forms import DecisionForm
from ..permissions import can_record_decision, can_view_decisions
from ..selectors import decisions_visible_to


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
