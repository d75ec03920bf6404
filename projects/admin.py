from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Expert, FundingResource


@admin.register(FundingResource)
class FundingResourceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "provider_type", "provider_name", "year", "amount", "region", "status")
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
