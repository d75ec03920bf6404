"""A project draft, to create and to edit, with its funding rows."""

from decimal import Decimal

from django import forms
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.forms import CategoryField
from communities.models import ServiceNeed
from core import regions
from orgs.models import SocialOrg

from ..choices import Procurement, ProviderType, ResourceStatus
from ..models import FundingResource, Project
from .widgets import _money_widget, _textarea

FUNDING_ROWS = 3
FUNDING_PREFIXES = ("resource_", "amount_")


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
