import django_filters
from django.utils.translation import gettext_lazy as _

from communities.filters import ANY, MAX_ID, CategoryFilter, RegionWithinFilter, text_query

from .choices import Procurement, ProjectStatus, ProviderType, ResourceStatus
from .models import (
    Fair,
    FairRegistration,
    FundingResource,
    Intention,
    Notification,
    Project,
    ResidentDecision,
)


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
    fair = django_filters.NumberFilter(
        field_name="fair_id", label=_("Fair"), min_value=1, max_value=MAX_ID
    )

    class Meta:
        model = FundingResource
        fields = []


class DecisionFilter(django_filters.FilterSet):
    community = django_filters.NumberFilter(
        field_name="community_id", label=_("Community"), min_value=1, max_value=MAX_ID
    )
    passed = django_filters.BooleanFilter(label=_("Passed"))
    # Bounded: ?year=0 made the date range of the lookup invalid (a 500, found by schemathesis).
    year = django_filters.NumberFilter(
        field_name="meeting_date__year", label=_("Year"), min_value=1, max_value=9999
    )

    class Meta:
        model = ResidentDecision
        fields = []


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method=lambda qs, name, value: text_query(["title", "code"], rank_field="title")(
            qs, name, value
        ),
    )
    status = django_filters.ChoiceFilter(
        empty_label=ANY, choices=ProjectStatus.choices, label=_("Status")
    )
    procurement = django_filters.ChoiceFilter(
        empty_label=ANY, choices=Procurement.choices, label=_("Procurement")
    )
    category = CategoryFilter()
    community = django_filters.NumberFilter(
        field_name="community_id", label=_("Community"), min_value=1, max_value=MAX_ID
    )
    within = RegionWithinFilter(region_field="community__region_id")
    year = django_filters.NumberFilter(label=_("Year"), min_value=1, max_value=9999)
    ordering = django_filters.OrderingFilter(
        empty_label=ANY,
        fields=(
            ("published_at", "published_at"),
            ("bid_deadline", "bid_deadline"),
            ("budget", "budget"),
            ("created_at", "created_at"),
            ("id", "id"),
        ),
        field_labels={
            "published_at": _("Publication date"),
            "bid_deadline": _("Bid deadline"),
            "budget": _("Budget"),
            "created_at": _("Created"),
        },
        label=_("Sort"),
    )

    class Meta:
        model = Project
        fields = []


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label=_("Unread only")
    )

    class Meta:
        model = Notification
        fields = []


class FairFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"), min_value=1, max_value=9999)
    within = RegionWithinFilter(region_field="region_id")

    class Meta:
        model = Fair
        fields = []


class RegistrationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Participant"),
        empty_label=ANY,
        choices=[
            ("street", _("Street")),
            ("community", _("Community")),
            ("org", _("Organization")),
        ],
        method="filter_kind",
    )

    class Meta:
        model = FairRegistration
        fields = []

    def filter_kind(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False}) if value else queryset


class IntentionFilter(django_filters.FilterSet):
    community = django_filters.NumberFilter(
        field_name="community_id", label=_("Community"), min_value=1, max_value=MAX_ID
    )
    org = django_filters.NumberFilter(
        field_name="org_id", label=_("Organization"), min_value=1, max_value=MAX_ID
    )
    converted = django_filters.BooleanFilter(
        field_name="project", lookup_expr="isnull", exclude=True, label=_("Converted")
    )
    q = django_filters.CharFilter(
        method=text_query(["title", "community__name", "org__name"]), label=_("Search")
    )

    class Meta:
        model = Intention
        fields = []
