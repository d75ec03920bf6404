from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Expert, FundingResource, LedgerEntry, ResidentDecision


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
class LedgerEntryAdmin(admin.ModelAdmin):
    """Read-only: money moves only through the services, so the ledger stays consistent."""

    list_display = ("resource", "kind", "amount", "reference", "at", "by")
    list_filter = ("kind",)
    search_fields = ("resource__name", "reference", "note")
    list_select_related = ("resource", "by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResidentDecision)
class ResidentDecisionAdmin(admin.ModelAdmin):
    list_display = ("subject", "community", "meeting_date", "attendees", "votes_for", "passed")
    list_filter = ("passed", "valid", "meeting_date")
    search_fields = ("subject", "community__name")
    raw_id_fields = ("community", "recorded_by")
    list_select_related = ("community",)
