"""The forms of the lifecycle actions: publish, award, accept, the final report, cancel,
bid, review, supervise, report progress, assign experts."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orgs.models import SocialOrg, SocialWorker

from ..choices import AcceptanceResult, BidStatus
from ..models import Bid
from .widgets import _money_widget, _textarea

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class PublishForm(forms.Form):
    bid_deadline = forms.DateTimeField(
        label=_("Bid deadline"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Organizations may bid until this time; then bidding closes by itself."),
    )


class EmptyForm(forms.Form):
    """A confirmation: the action takes no input."""


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=_textarea(3),
        help_text=_("Shown in the project's history."),
    )


class BidChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, means=None, **kwargs):
        self.means = means or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        mean, count = self.means.get(obj.pk, (None, 0))
        label = f"{obj.org.name} · ¥{obj.amount:,.2f}"
        if mean is not None:
            label += " · " + str(
                _("mean review %(mean)s (%(n)s reviews)") % {"mean": f"{mean:.2f}", "n": count}
            )
        else:
            label += " · " + str(_("not reviewed"))
        return label


class AwardForm(forms.Form):
    bid = BidChoiceField(queryset=Bid.objects.none(), label=_("Winning bid"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=_textarea(3),
        help_text=_("Required when the chosen bid is not the best-reviewed one."),
    )

    def __init__(self, *args, rankings, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["bid"]
        live = [bid.pk for bid, __, __ in rankings if bid.status == BidStatus.SUBMITTED]
        field.queryset = Bid.objects.filter(pk__in=live).select_related("org")
        field.means = {bid.pk: (mean, count) for bid, mean, count in rankings}
        # Offer the bids best first, as the rankings order them.
        order = {pk: i for i, pk in enumerate(live)}
        field.choices = sorted(
            list(field.choices)[1:], key=lambda choice: order.get(int(str(choice[0])), 0)
        )
        if live:
            self.initial.setdefault("bid", live[0])


class AcceptForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=AcceptanceResult.choices)
    score = forms.IntegerField(
        label=_("Score (0–100)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    comments = forms.CharField(label=_("Comments"), required=False, widget=_textarea(4))


class FinalReportForm(forms.Form):
    report = forms.CharField(
        label=_("Final report"),
        widget=_textarea(8),
        help_text=_("What was delivered, to how many residents, and what is left to do."),
    )


class WorkerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_certificate_level_display()}）"


class BidForm(forms.Form):
    org = forms.ModelChoiceField(queryset=SocialOrg.objects.none(), label=_("Bidding as"))
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=_money_widget(),
    )
    proposal = forms.CharField(
        label=pgettext_lazy("bid", "Proposal"),
        widget=_textarea(6),
        help_text=_("How you will deliver the service: activities, schedule, staffing."),
    )
    team = WorkerChoiceField(
        queryset=SocialWorker.objects.none(),
        label=_("Team"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your organization's certified social workers on this project."),
    )

    def __init__(self, *args, orgs, project, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [o.pk for o in orgs]
        self.fields["org"].queryset = SocialOrg.objects.filter(pk__in=ids).order_by("name")
        if len(ids) == 1:
            self.fields["org"].widget = forms.HiddenInput()
            self.initial["org"] = ids[0]
        self.fields["team"].queryset = SocialWorker.objects.filter(org_id__in=ids).order_by(
            "org", "name"
        )
        self.budget = project.budget
        self.fields["amount"].widget.attrs["max"] = str(project.budget)
        self.fields["amount"].help_text = _("At most the budget, %(budget)s yuan.") % {
            "budget": f"{project.budget:,.2f}"
        }

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount > self.budget:
            raise forms.ValidationError(
                _("At most the budget, %(budget)s yuan.") % {"budget": f"{self.budget:,.2f}"}
            )
        return amount


def _score(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "max": "100"}),
    )


class ReviewForm(forms.Form):
    bid = forms.ModelChoiceField(queryset=Bid.objects.none(), label=_("Bid"))
    capacity = _score(_("Capacity (0–100)"))
    plan = _score(_("Service plan (0–100)"))
    budget = _score(_("Budget (0–100)"))
    track_record = _score(_("Track record (0–100)"))
    comments = forms.CharField(label=_("Comments"), required=False, widget=_textarea(4))

    def __init__(self, *args, bids, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["bid"]
        field.queryset = bids
        field.label_from_instance = lambda b: f"{b.org.name} · ¥{b.amount:,.2f}"


class SupervisionForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Visited on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    findings = forms.CharField(label=_("Findings"), widget=_textarea(5))
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, f"{n} ★") for n in range(5, 0, -1)],
        help_text=_("5 is excellent, 1 is poor."),
    )


class ProgressReportForm(forms.Form):
    period_end = forms.DateField(
        label=_("Period ends"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    beneficiaries_served = forms.IntegerField(
        label=_("Beneficiaries served"),
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
        help_text=_("Count residents; do not list names."),
    )
    summary = forms.CharField(label=_("Summary"), widget=_textarea(5))


class ExpertChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, *args, affiliations=None, **kwargs):
        self.affiliations = affiliations or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        name = getattr(obj, "display_name", "") or obj.get_username()
        affiliation = self.affiliations.get(obj.pk)
        return f"{name}（{affiliation}）" if affiliation else name


class AssignForm(forms.Form):
    reviewers = ExpertChoiceField(
        queryset=get_user_model().objects.none(),
        label=_("Reviewers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    supervisors = ExpertChoiceField(
        queryset=get_user_model().objects.none(),
        label=_("Supervisors"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, pools, assigned, **kwargs):
        """`pools[role]`: the Expert rows of the pool; `assigned[role]`: user ids already on the
        project (offered no more: assigning is additive)."""
        super().__init__(*args, **kwargs)
        User = get_user_model()
        for name, role in (("reviewers", "reviewer"), ("supervisors", "supervisor")):
            experts = [e for e in pools[role] if e.user_id not in assigned[role]]
            field = self.fields[name]
            field.queryset = User.objects.filter(pk__in=[e.user_id for e in experts]).order_by(
                "display_name", "id"
            )
            field.affiliations = {e.user_id: e.affiliation for e in experts}

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("reviewers") and not cleaned.get("supervisors"):
            raise forms.ValidationError(_("Choose at least one reviewer or supervisor."))
        return cleaned
