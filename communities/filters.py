"""FilterSets shared by the browser lists and the REST API."""

import django_filters
from django.db.models import Case, IntegerField, Q, Value, When
from django.forms import ModelChoiceField
from django.utils.translation import gettext_lazy as _

from core import regions

from .choices import NeedStatus, RegionLevel
from .models import Community, Region, ServiceNeed, TargetGroup
from .selectors import category_tree, category_with_children, region_code_path

MAX_ID = 2**63 - 1  # the largest primary key SQLite and PostgreSQL (bigint) can compare


# Label of the "no filter" option of every select.
ANY = _("Any")


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
        field = region_code_path(self.region_field)
        return qs.filter(**{f"{field}__startswith": regions.prefix_of(value)})


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
        kwargs.setdefault("empty_label", ANY)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(category_with_children(value))


def text_query(fields, *, rank_field: str | None = None, then: tuple = ("-id",)):
    """Every whitespace-separated term must appear in one of `fields` (Chinese included).

    With `rank_field`, rows whose `rank_field` contains the whole query come first; an explicit
    `ordering` parameter, applied later by the FilterSet, overrides this.
    """

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
        queryset = queryset.filter(query)
        if rank_field:
            hit = Case(
                When(**{f"{rank_field}__icontains": value}, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            queryset = queryset.annotate(text_rank=hit).order_by("-text_rank", *then)
        return queryset

    return method


class NeedFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method=lambda qs, name, value: text_query(
            ["title", "description", "community__name"], rank_field="title"
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
    within = RegionWithinFilter(region_field="community__region_id")
    status = django_filters.ChoiceFilter(
        empty_label=ANY, choices=NeedStatus.choices, label=_("Status")
    )
    # Bounds turn junk (?year=0, ?community=1e20) into a filter error instead of a 500: Python's
    # dates stop at years 1–9999 and the databases' integers at 2**63 - 1.
    community = django_filters.NumberFilter(
        field_name="community_id", label=_("Community"), min_value=1, max_value=MAX_ID
    )
    budget_min = django_filters.NumberFilter(
        field_name="budget", lookup_expr="gte", label=_("Budget from")
    )
    budget_max = django_filters.NumberFilter(
        field_name="budget", lookup_expr="lte", label=_("Budget to")
    )
    year = django_filters.NumberFilter(
        field_name="period_start__year", label=_("Year"), min_value=1, max_value=9999
    )
    ordering = django_filters.OrderingFilter(
        empty_label=ANY,
        fields=(("published_at", "published_at"), ("budget", "budget"), ("id", "id")),
        field_labels={"published_at": _("Publication date"), "budget": _("Budget")},
        label=_("Sort"),
    )

    class Meta:
        model = ServiceNeed
        fields = []


class RegionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(
        empty_label=ANY, choices=RegionLevel.choices, label=_("Level")
    )
    parent = django_filters.CharFilter(field_name="parent_id", label=_("Parent"))
    within = RegionWithinFilter(region_field="code")

    class Meta:
        model = Region
        fields = []


class CommunityFilter(django_filters.FilterSet):
    within = RegionWithinFilter(region_field="region_id")
    q = django_filters.CharFilter(
        label=_("Search"),
        method=lambda qs, name, value: text_query(["name", "region__parent__name"])(
            qs, name, value
        ),
    )

    class Meta:
        model = Community
        fields = []
