from django.contrib import admin

from .models import MatchRun, MatchSuggestion


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ("id", "scope", "status", "progress", "created_by", "created_at", "finished_at")
    list_filter = ("status",)
    search_fields = ("scope__name", "scope__code", "error")
    raw_id_fields = ("scope", "created_by")
    readonly_fields = ("stats", "error", "started_at", "finished_at")
    list_select_related = ("scope", "created_by")


@admin.register(MatchSuggestion)
class MatchSuggestionAdmin(admin.ModelAdmin):
    list_display = ("need", "offering", "org", "score", "rank", "proposed", "status")
    list_filter = ("status", "proposed")
    search_fields = ("need__title", "offering__title", "org__name")
    raw_id_fields = ("run", "need", "offering", "org")
    list_select_related = ("need", "offering", "org")
