"""FilterSets shared by the browser lists and the REST API."""

import django_filters
from django.db.models import Q
from django.forms import ModelChoiceField
from django.utils.translation import gettext_lazy as _

from core import regions

from .choices import NeedStatus
from .models import ServiceNeed, TargetGroup
from .selectors import category_tree, category_with_children


class RegionWithinFilter(django_filters.CharFilter):
    """`within=<12-digit code>`: the row's region is that region or lies below it."""

    def __init__(self, *args, region_field: str, **kwargs):
        self.region_field = region_field
        kwargs.setdefault("label", _("Region"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if not regions.is_valid_code(value):
            return qs.none()
        return qs.filter(**{f"{self.region_field}__startswith": regions.prefix_of(value)})


class CategoryChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return f"　· {obj.label}" if obj.parent_id else obj.label


class CategoryFilter(django_filters.ModelChoiceFilter):
    """A parent category matches rows filed under any of its children."""

    field_class = CategoryChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", category_tree())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", _("Category"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(category_with_children(value))


def text_query(fields):
    def method(queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        query = Q()
        for term in value.split():
            term_q = Q()
            for field in fields:
                term_q |= Q(**{f"{field}__icontains": term})
            query &= term_q
        return queryset.filter(query)

    return method


class NeedFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method=lambda qs, name, value: text_query(["title", "description", "community__name"])(
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
    within = RegionWithinFilter(region_field="community__region_id")
    status = django_filters.ChoiceFilter(choices=NeedStatus.choices, label=_("Status"))
    community = django_filters.NumberFilter(field_name="community_id", label=_("Community"))
    budget_min = django_filters.NumberFilter(
        field_name="budget", lookup_expr="gte", label=_("Budget from")
    )
    budget_max = django_filters.NumberFilter(
        field_name="budget", lookup_expr="lte", label=_("Budget to")
    )
    year = django_filters.NumberFilter(field_name="period_start__year", label=_("Year"))
    ordering = django_filters.OrderingFilter(
        fields=(("published_at", "published_at"), ("budget", "budget"), ("id", "id")),
        field_labels={"published_at": _("Publication date"), "budget": _("Budget")},
        label=_("Sort"),
    )

    class Meta:
        model = ServiceNeed
        fields = []
