from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Acceptance,
    Assignment,
    Bid,
    Expert,
    Fair,
    FairRegistration,
    FundingResource,
    Intention,
    LedgerEntry,
    Notification,
    ProgressReport,
    Project,
    ProjectFunding,
    ProjectTransition,
    ResidentDecision,
    Review,
    SupervisionVisit,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the services (the ledger, the transition log, money lines):
    the admin shows them but cannot change them, so they stay consistent."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FundingResource)
class FundingResourceAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "provider_type",
        "provider_name",
        "year",
        "amount",
        "committed",
        "region",
        "status",
    )
    readonly_fields = ("committed", "disbursed")
    list_filter = ("provider_type", "year", "status")
    search_fields = ("name", "provider_name", "region__name", "community__name")
    raw_id_fields = ("region", "community", "created_by")
    filter_horizontal = ("categories",)
    list_select_related = ("region",)


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "region", "affiliation")
    list_filter = ("role",)
    search_fields = ("user__username", "user__display_name", "affiliation")
    raw_id_fields = ("user", "region")
    filter_horizontal = ("fields",)
    list_select_related = ("user", "region")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("resource", "kind", "amount", "project", "at", "by")
    list_filter = ("kind",)
    search_fields = ("resource__name", "reference", "note", "project__code")
    list_select_related = ("resource", "by", "project")


@admin.register(ResidentDecision)
class ResidentDecisionAdmin(admin.ModelAdmin):
    list_display = ("subject", "community", "meeting_date", "attendees", "votes_for", "passed")
    list_filter = ("passed", "valid", "meeting_date")
    search_fields = ("subject", "community__name")
    raw_id_fields = ("community", "recorded_by")
    list_select_related = ("community",)


class FundingInline(admin.TabularInline):
    model = ProjectFunding
    extra = 0
    readonly_fields = ("committed", "released", "disbursed")
    raw_id_fields = ("resource",)


class TransitionInline(admin.TabularInline):
    model = ProjectTransition
    extra = 0
    readonly_fields = ("action", "from_status", "to_status", "by", "at", "note")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    """Status and money move only through the services; the admin edits descriptive fields."""

    list_display = ("code", "title", "community", "status", "procurement", "budget", "year")
    list_filter = ("status", "procurement", "year", "demonstration")
    search_fields = ("code", "title", "community__name")
    raw_id_fields = (
        "community",
        "need",
        "category",
        "directed_org",
        "decision",
        "awarded_bid",
        "created_by",
    )
    readonly_fields = (
        "status",
        "awarded_bid",
        "contract_amount",
        "acceptance_score",
        "published_at",
        "awarded_at",
        "started_at",
        "closed_at",
    )
    list_select_related = ("community",)
    inlines = [FundingInline, TransitionInline]


@admin.register(ProjectFunding)
class ProjectFundingAdmin(ReadOnlyAdmin):
    list_display = ("project", "resource", "amount", "committed", "released", "disbursed")
    search_fields = ("project__code", "project__title", "resource__name")
    list_select_related = ("project", "resource")


@admin.register(ProjectTransition)
class ProjectTransitionAdmin(ReadOnlyAdmin):
    list_display = ("project", "action", "from_status", "to_status", "by", "at")
    list_filter = ("action", "to_status")
    search_fields = ("project__code", "project__title", "note")
    list_select_related = ("project", "by")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("project", "user", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("project__code", "user__username", "user__display_name")
    raw_id_fields = ("project", "user", "assigned_by")
    list_select_related = ("project", "user")


@admin.register(Bid)
class BidAdmin(admin.ModelAdmin):
    list_display = ("project", "org", "amount", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("project__code", "project__title", "org__name")
    raw_id_fields = ("project", "org", "submitted_by")
    filter_horizontal = ("team",)
    list_select_related = ("project", "org")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("bid", "reviewer", "total", "created_at")
    search_fields = ("project__code", "bid__org__name", "reviewer__display_name")
    raw_id_fields = ("project", "bid", "reviewer")
    list_select_related = ("bid__org", "bid__project", "reviewer")


@admin.register(SupervisionVisit)
class SupervisionVisitAdmin(admin.ModelAdmin):
    list_display = ("project", "supervisor", "visited_on", "rating")
    list_filter = ("rating",)
    search_fields = ("project__code", "project__title", "findings")
    raw_id_fields = ("project", "supervisor")
    list_select_related = ("project", "supervisor")


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ("project", "org", "period_end", "beneficiaries_served")
    search_fields = ("project__code", "project__title", "org__name")
    raw_id_fields = ("project", "org", "submitted_by")
    list_select_related = ("project", "org")


@admin.register(Acceptance)
class AcceptanceAdmin(admin.ModelAdmin):
    list_display = ("project", "result", "score", "by", "created_at")
    list_filter = ("result",)
    search_fields = ("project__code", "project__title")
    raw_id_fields = ("project", "by")
    list_select_related = ("project", "by")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "project", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "user__display_name", "project__title")
    raw_id_fields = ("user", "project")
    list_select_related = ("user", "project")


@admin.register(Fair)
class FairAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "held_on", "venue", "region")
    list_filter = ("year",)
    search_fields = ("name", "venue", "region__name")
    raw_id_fields = ("region", "created_by")
    list_select_related = ("region",)


@admin.register(FairRegistration)
class FairRegistrationAdmin(admin.ModelAdmin):
    list_display = ("fair", "street", "community", "org", "created_at")
    search_fields = ("fair__name", "street__name", "community__name", "org__name")
    raw_id_fields = ("fair", "street", "community", "org", "registered_by")
    list_select_related = ("fair", "street", "community", "org")


@admin.register(Intention)
class IntentionAdmin(admin.ModelAdmin):
    list_display = ("title", "fair", "community", "org", "amount", "signed_at", "project")
    search_fields = ("title", "fair__name", "community__name", "org__name", "project__code")
    raw_id_fields = ("fair", "community", "org", "need", "offer", "signed_by", "project")
    list_select_related = ("fair", "community", "org", "project")
