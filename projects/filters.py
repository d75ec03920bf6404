import django_filters
from django.utils.translation import gettext_lazy as _

from communities.filters import RegionWithinFilter

from .choices import ProviderType, ResourceStatus
from .models import FundingResource


class ResourceFilter(django_filters.FilterSet):
    provider_type = django_filters.ChoiceFilter(choices=ProviderType.choices, label=_("Type"))
    status = django_filters.ChoiceFilter(choices=ResourceStatus.choices, label=_("Status"))
    year = django_filters.NumberFilter(label=_("Year"))
    within = RegionWithinFilter(region_field="region_id")
    community = django_filters.NumberFilter(field_name="community_id", label=_("Community"))
    category = django_filters.CharFilter(field_name="categories__code", label=_("Category"))

    class Meta:
        model = FundingResource
        fields = []
