from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Community,
    CommunityStaff,
    Official,
    Region,
    ServiceCategory,
    ServiceNeed,
    TargetGroup,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "households", "residents", "staff_total", "staff_certified")
    search_fields = ("name", "region__code")
    list_filter = ("region__parent__parent",)
    raw_id_fields = ("region",)
    list_select_related = ("region",)


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "parent", "sort_order")
    list_filter = ("parent",)
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent",)


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "sort_order")
    search_fields = ("code", "name", "name_en")
    list_filter = ("sort_order",)


@admin.register(CommunityStaff)
class CommunityStaffAdmin(admin.ModelAdmin):
    list_display = ("user", "community", "position", "certified")
    list_filter = ("certified",)
    search_fields = ("user__username", "user__display_name", "community__name")
    raw_id_fields = ("user", "community")
    list_select_related = ("user", "community")


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ("user", "region", "title")
    list_filter = ("region__level",)
    search_fields = ("user__username", "user__display_name", "region__name", "region__code")
    raw_id_fields = ("user", "region")
    list_select_related = ("user", "region")


@admin.register(ServiceNeed)
class ServiceNeedAdmin(SimpleHistoryAdmin):
    list_display = ("title", "community", "category", "budget", "status", "published_at")
    list_filter = ("status", "category__parent", "period_start")
    search_fields = ("title", "description", "community__name")
    raw_id_fields = ("community", "created_by")
    filter_horizontal = ("target_groups",)
    date_hierarchy = "published_at"
    list_select_related = ("community", "category")
