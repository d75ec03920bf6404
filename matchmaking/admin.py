from django.contrib import admin

from .models import Conversation, MatchRun, MatchSuggestion, Message, Report


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


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    raw_id_fields = ("sender",)
    readonly_fields = ("sent_at",)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("need", "org", "last_message_at", "community_read_at", "org_read_at")
    search_fields = ("need__title", "org__name")
    list_filter = ("last_message_at",)
    raw_id_fields = ("need", "org", "offering")
    inlines = [MessageInline]
    list_select_related = ("need", "org")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("conversation", "side", "sender", "sent_at")
    list_filter = ("side",)
    search_fields = ("body", "conversation__need__title", "conversation__org__name")
    raw_id_fields = ("conversation", "sender")
    list_select_related = ("conversation", "sender")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "year",
        "scope",
        "format",
        "status",
        "progress",
        "created_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("kind", "format", "status", "year")
    search_fields = ("scope__name", "scope__code", "error")
    raw_id_fields = ("scope", "created_by")
    readonly_fields = ("file", "summary", "error", "started_at", "finished_at")
    list_select_related = ("scope", "created_by")

    def has_add_permission(self, request) -> bool:
        """Reports are requested on the reports page (the service queues the build)."""
        return False
