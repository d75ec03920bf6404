"""Forms of the fair pages: hold a fair, register participants, sign an intention on a phone.

The choices offered are what the user may pick (their own community or organization, or what
lies in an official's region); the services decide again, so a forged choice is refused there.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.choices import NeedStatus, RegionLevel
from communities.models import Community, Region, ServiceCategory, ServiceNeed
from communities.selectors import official_region_codes, staff_community_ids, within_q
from orgs.choices import OfferingStatus
from orgs.models import ServiceOffering, SocialOrg
from orgs.selectors import member_org_ids
from projects.models import Fair

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _jurisdiction(user) -> Q | None:
    """None for a superuser (everywhere), else the prefix tests of the official's regions."""
    return None if user.is_superuser else within_q("code", official_region_codes(user))


class FairForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("Region"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(
            level__in=(RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET)
        )
        scope = _jurisdiction(user)
        if scope is not None:
            regions = regions.filter(scope)
        self.fields["region"].queryset = regions.order_by("code")


class RegistrationForm(forms.Form):
    """Exactly one of the three; officials see their region's streets, communities and
    organizations, staff and members their own community or organization."""

    street = forms.ModelChoiceField(
        queryset=Region.objects.none(), label=_("Street"), required=False
    )
    community = forms.ModelChoiceField(
        queryset=Community.objects.none(), label=_("Community"), required=False
    )
    org = forms.ModelChoiceField(
        queryset=SocialOrg.objects.none(), label=_("Organization"), required=False
    )

    def __init__(self, *args, user, fair: Fair, **kwargs):
        super().__init__(*args, **kwargs)
        inside = within_q("region_id", [fair.region_id])
        communities = Community.objects.filter(inside).order_by("region_id")
        orgs = SocialOrg.objects.filter(inside).order_by("name")
        streets = Region.objects.filter(level=RegionLevel.STREET).filter(
            within_q("code", [fair.region_id])
        )
        if not user.is_superuser:
            codes = official_region_codes(user)
            streets = streets.filter(within_q("code", codes))
            communities = communities.filter(
                within_q("region_id", codes) | Q(pk__in=staff_community_ids(user))
            )
            orgs = SocialOrg.objects.filter(
                within_q("region_id", codes) | Q(pk__in=member_org_ids(user))
            ).order_by("name")
        self.fields["street"].queryset = streets.order_by("code")
        self.fields["community"].queryset = communities
        self.fields["org"].queryset = orgs
        for name in ("street", "community", "org"):
            if not self.fields[name].queryset.exists():
                del self.fields[name]

    def clean(self):
        data = super().clean()
        chosen = [name for name in ("street", "community", "org") if data.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError(
                _("Choose exactly one: a street, a community or an organization.")
            )
        return data


class IntentionForm(forms.Form):
    """Signing on site: both parties come from the fair's registrations. Tapping a pair of
    the matching proposal fills community, organization, need and offering in advance, so the
    signer only checks the amount."""

    community = forms.ModelChoiceField(queryset=Community.objects.none(), label=_("Community"))
    org = forms.ModelChoiceField(queryset=SocialOrg.objects.none(), label=_("Organization"))
    need = forms.ModelChoiceField(
        queryset=ServiceNeed.objects.none(), label=_("Need"), required=False
    )
    offer = forms.ModelChoiceField(
        queryset=ServiceOffering.objects.none(), label=_("Offering"), required=False
    )
    category = forms.ModelChoiceField(
        queryset=ServiceCategory.objects.none(),
        label=_("Service category"),
        required=False,
        help_text=_("Taken from the need or the offering when left empty."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        required=False,
        help_text=_("Taken from the need or the offering when left empty."),
    )
    amount = forms.DecimalField(
        label=_("Estimated amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=0.01,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )

    def __init__(self, *args, user, fair: Fair, **kwargs):
        super().__init__(*args, **kwargs)
        registered = fair.registrations
        communities = Community.objects.filter(
            pk__in=registered.filter(community__isnull=False).values("community_id")
        )
        orgs = SocialOrg.objects.filter(
            pk__in=registered.filter(org__isnull=False).values("org_id")
        )
        if not user.is_superuser:
            codes = official_region_codes(user)
            own_communities = staff_community_ids(user)
            own_orgs = member_org_ids(user)
            if not codes:
                # A party signs for itself: its own side is fixed, the other side is open.
                if own_communities and not own_orgs:
                    communities = communities.filter(pk__in=own_communities)
                elif own_orgs and not own_communities:
                    orgs = orgs.filter(pk__in=own_orgs)
        self.fields["community"].queryset = communities.order_by("region_id")
        self.fields["org"].queryset = orgs.order_by("name")
        self.fields["need"].queryset = (
            ServiceNeed.objects.filter(community__in=communities)
            .filter(status__in=(NeedStatus.PUBLISHED, NeedStatus.MATCHED))
            .select_related("community")
            .order_by("community__region_id", "-id")
        )
        self.fields["need"].label_from_instance = lambda n: f"{n.community.name} · {n.title}"
        self.fields["offer"].queryset = (
            ServiceOffering.objects.filter(org__in=orgs, status=OfferingStatus.PUBLISHED)
            .select_related("org")
            .order_by("org__name", "-id")
        )
        self.fields["offer"].label_from_instance = lambda o: f"{o.org.name} · {o.title}"
        self.fields["category"].queryset = ServiceCategory.objects.order_by("code")
        if not self.is_bound:  # a single possible party is chosen in advance
            for name in ("community", "org"):
                only = list(self.fields[name].queryset.values_list("pk", flat=True)[:2])
                if self.initial.get(name) is None and len(only) == 1:
                    self.initial[name] = only[0]
