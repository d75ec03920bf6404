import django_filters
from django.utils.translation import gettext_lazy as _

from communities.filters import ANY, MAX_ID, RegionWithinFilter

from .choices import ProviderType, ResourceStatus
from .models import FundingResource, ResidentDecision


class ResourceFilter(django_filters.FilterSet):
    provider_type = django_filters.ChoiceFilter(
        empty_label=ANY, choices=ProviderType.choices, label=_("Type")
    )
    status = django_filters.ChoiceFilter(
        empty_label=ANY, choices=ResourceStatus.choices, label=_("Status")
    )
    # Bounded like the needs' filters: junk such as ?community=1e20 is a 400, not a 500.
    year = django_filters.NumberFilter(label=_("Year"), min_value=1, max_value=9999)
    within = RegionWithinFilter(region_field="region_id")
    community = django_filters.NumberFilter(
        field_name="community_id", label=_("Community"), min_value=1, max_value=MAX_ID
    )
    category = django_filters.CharFilter(field_name="categories__code", label=_("Category"))

    class Meta:
        model = FundingResource
        fields = []


class DecisionFilter(django_filters.FilterSet):
    community = django_filters.NumberFilter(field_name="community_id", label=_("Community"))
    passed = django_filters.BooleanFilter(label=_("Passed"))
    year = django_filters.NumberFilter(field_name="meeting_date__year", label=_("Year"))

    class Meta:
        model = ResidentDecision
        fields = []
