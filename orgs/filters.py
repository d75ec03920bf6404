import django_filters
from django.utils.translation import gettext_lazy as _

from communities.filters import CategoryFilter, text_query
from communities.models import TargetGroup
from core import regions

from .choices import OfferingStatus
from .models import ServiceOffering
from .selectors import offerings_serving


class OfferingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method=lambda qs, name, value: text_query(["title", "description", "org__name"])(
            qs, name, value
        ),
    )
    category = CategoryFilter()
    target_group = django_filters.ModelChoiceFilter(
        field_name="target_groups",
        queryset=TargetGroup.objects.all(),
        to_field_name="code",
        label=_("Target group"),
    )
    within = django_filters.CharFilter(label=_("Region"), method="filter_within")
    status = django_filters.ChoiceFilter(choices=OfferingStatus.choices, label=_("Status"))
    org = django_filters.NumberFilter(field_name="org_id", label=_("Organization"))
    price_max = django_filters.NumberFilter(
        field_name="price_min", lookup_expr="lte", label=_("Affordable within")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("published_at", "published_at"), ("price_min", "price_min"), ("id", "id")),
        field_labels={"published_at": _("Publication date"), "price_min": _("Price")},
        label=_("Sort"),
    )

    class Meta:
        model = ServiceOffering
        fields = []

    def filter_within(self, queryset, name, value):
        if not value:
            return queryset
        if not regions.is_valid_code(value):
            return queryset.none()
        return offerings_serving(queryset, value)
