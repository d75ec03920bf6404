from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.forms import CategoryField
from communities.models import ServiceNeed
from core import regions
from orgs.models import SocialOrg, SocialWorker

from .choices import (
    AcceptanceResult,
    BidStatus,
    Procurement,
    ProviderType,
    ResourceStatus,
)
from .models import Bid, FundingResource, Project, ResidentDecision


class DecisionForm(forms.ModelForm):
    """The counts of a residents' meeting; whether it is valid and passed is computed."""

    class Meta:
        model = ResidentDecision
        fields = [
            "subject",
            "amount",
            "meeting_date",
            "representatives_total",
            "attendees",
            "votes_for",
            "votes_against",
            "abstentions",
            "minutes",
        ]
        widgets = {
            "meeting_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "minutes": forms.Textarea(attrs={"rows": 4}),
            "amount": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        }
        help_texts = {
            "attendees": _("Valid only when more than half of the representatives attend."),
            "votes_for": _("Passed only when more than half of those present vote for."),
            "minutes": _("Record the discussion, not residents' names or contact details."),
        }

    def clean(self):
        cleaned = super().clean()
        total, present = cleaned.get("representatives_total"), cleaned.get("attendees")
        if total is not None and present is not None and present > total:
            self.add_error("attendees", _("More attendees than representatives."))
        votes = [cleaned.get(n) or 0 for n in ("votes_for", "votes_against", "abstentions")]
        if present is not None and sum(votes) > present:
            self.add_error("votes_for", _("More votes than attendees."))
        return cleaned


# --- projects -------------------------------------------------------------------------------

FUNDING_ROWS = 3
FUNDING_PREFIXES = ("resource_", "amount_")
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _money_widget():
    return forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"})


def _textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})


def resources_for_community(community) -> QuerySet[FundingResource]:
    """Published money a project of `community` could draw on: a region scope covering the
    community, something left, and a community fund only when it is this community's own.
    Year and category are checked by the service against the project as filled in."""
    code = community.region_id
    own_fund = ~Q(provider_type=ProviderType.COMMUNITY_FUND) | Q(community_id=community.id)
    return (
        FundingResource.objects.filter(
            status=ResourceStatus.PUBLISHED, region_id__in=[code, *regions.ancestors(code)]
        )
        .filter(own_fund, amount__gt=F("committed"))
        .select_related("region")
        .order_by("-year", "provider_type", "name", "id")
    )


class ResourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(name)s · %(year)s · ¥%(available)s left") % {
            "name": obj.name,
            "year": obj.year,
            "available": f"{obj.available:,.2f}",
        }


class ProjectForm(forms.ModelForm):
    """A project draft with up to three funding lines (resource + amount).

    The funding rows are rendered apart from the other fields (see `visible_fields`)."""

    category = CategoryField(queryset=None, label=_("Service category"))

    class Meta:
        model = Project
        fields = [
            "title",
            "need",
            "category",
            "description",
            "beneficiaries",
            "year",
            "budget",
            "period_start",
            "period_end",
            "procurement",
            "directed_org",
            "decision",
        ]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": _textarea(5),
            "budget": _money_widget(),
            "beneficiaries": forms.NumberInput(attrs={"min": "0"}),
            "year": forms.NumberInput(attrs={"min": "2000", "max": "2100"}),
        }
        help_texts = {
            "budget": _("In yuan. The funding lines must add up to it before publishing."),
            "decision": _("Required when the community benefit fund pays."),
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from communities.selectors import category_tree

        self.community = community
        self.fields["category"].queryset = category_tree()
        self.fields["need"].queryset = ServiceNeed.objects.filter(community=community).order_by(
            "-created_at", "-id"
        )
        self.fields["need"].required = False
        self.fields["need"].empty_label = _("None")
        self.fields["decision"].queryset = community.decisions.filter(
            Q(passed=True) | Q(pk=self.instance.decision_id)
        ).order_by("-meeting_date", "-id")
        self.fields["decision"].empty_label = _("None")
        self.fields["directed_org"].queryset = SocialOrg.objects.filter(verified=True).order_by(
            "name", "id"
        )
        self.fields["directed_org"].help_text = _(
            "Directed procurement only: the one organization that may bid."
        )
        self.fields["procurement"].choices = Procurement.choices
        if not self.initial.get("year") and not self.instance.pk:
            self.initial["year"] = timezone.localdate().year
        resources = resources_for_community(community)
        lines = list(self.instance.funding.all()) if self.instance.pk else []
        if lines:
            # A draft's own lines stay choosable even when the resource has nothing left.
            resources = (
                FundingResource.objects.filter(
                    Q(pk__in=resources.values("pk")) | Q(pk__in=[li.resource_id for li in lines])
                )
                .select_related("region")
                .order_by("-year", "provider_type", "name", "id")
            )
        for i in range(FUNDING_ROWS):
            self.fields[f"resource_{i}"] = ResourceChoiceField(
                queryset=resources,
                required=False,
                label=_("Funding resource %(n)s") % {"n": i + 1},
                empty_label=_("Choose a resource"),
            )
            self.fields[f"amount_{i}"] = forms.DecimalField(
                required=False,
                max_digits=14,
                decimal_places=2,
                min_value=Decimal("0.01"),
                label=_("Amount %(n)s (yuan)") % {"n": i + 1},
                widget=_money_widget(),
            )
            if i < len(lines):
                self.initial[f"resource_{i}"] = lines[i].resource_id
                self.initial[f"amount_{i}"] = lines[i].amount

    def visible_fields(self):
        return [f for f in super().visible_fields() if not f.name.startswith(FUNDING_PREFIXES)]

    @property
    def funding_rows(self):
        return [(self[f"resource_{i}"], self[f"amount_{i}"]) for i in range(FUNDING_ROWS)]

    def clean(self):
        cleaned = super().clean()
        lines = []
        for i in range(FUNDING_ROWS):
            resource, amount = cleaned.get(f"resource_{i}"), cleaned.get(f"amount_{i}")
            if resource and amount is None and f"amount_{i}" not in self.errors:
                self.add_error(f"amount_{i}", _("Enter the amount this resource pays."))
            elif amount is not None and not resource:
                self.add_error(f"resource_{i}", _("Choose the resource that pays this amount."))
            elif resource and amount is not None:
                lines.append({"resource": resource, "amount": amount})
        cleaned["funding"] = lines
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after its start."))
        if cleaned.get("procurement") == Procurement.DIRECTED and not cleaned.get("directed_org"):
            self.add_error("directed_org", _("Directed procurement names the organization."))
        if cleaned.get("procurement") == Procurement.OPEN:
            cleaned["directed_org"] = None
        need = cleaned.get("need")
        if need and need.community_id != self.community.id:
            self.add_error("need", _("The need belongs to another community."))
        return cleaned

    def _post_clean(self):
        # The service validates the whole project (with its community); the model's own
        # full_clean here would run without the community set.
        pass

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["funding"] = self.cleaned_data["funding"]
        return data


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
