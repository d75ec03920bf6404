import django_filters
from django.utils.translation import gettext_lazy as _

from communities.filters import ANY, MAX_ID, CategoryFilter, RegionWithinFilter, text_query
from communities.models import TargetGroup
from core import regions

from .choices import Grade, OfferingStatus, OrgType
from .models import ServiceOffering, SocialOrg
from .selectors import offerings_serving


class OfferingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method=lambda qs, name, value: text_query(
            ["title", "description", "org__name"], rank_field="title"
        )(qs, name, value),
    )
    category = CategoryFilter()
    target_group = django_filters.ModelChoiceFilter(
        empty_label=ANY,
        field_name="target_groups",
        queryset=TargetGroup.objects.all(),
        to_field_name="code",
        label=_("Target group"),
    )
    within = django_filters.CharFilter(label=_("Region"), method="filter_within")
    status = django_filters.ChoiceFilter(
        empty_label=ANY, choices=OfferingStatus.choices, label=_("Status")
    )
    org = django_filters.NumberFilter(
        field_name="org_id", label=_("Organization"), min_value=1, max_value=MAX_ID
    )
    price_max = django_filters.NumberFilter(
        field_name="price_min", lookup_expr="lte", label=_("Affordable within")
    )
    ordering = django_filters.OrderingFilter(
        empty_label=ANY,
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


class OrgFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method=lambda qs, name, value: text_query(["name", "uscc", "description"])(qs, name, value),
    )
    within = RegionWithinFilter(region_field="region_id")
    org_type = django_filters.ChoiceFilter(
        empty_label=ANY, choices=OrgType.choices, label=_("Type")
    )
    grade = django_filters.ChoiceFilter(empty_label=ANY, choices=Grade.choices, label=_("Grade"))
    verified = django_filters.BooleanFilter(label=_("Verified"))
    ordering = django_filters.OrderingFilter(
        empty_label=ANY,
        fields=(("name", "name"), ("founded_on", "founded_on"), ("id", "id")),
        label=_("Sort"),
    )

    class Meta:
        model = SocialOrg
        fields = []
