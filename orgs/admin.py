from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import OrgMember, ServiceOffering, SocialOrg, SocialWorker


@admin.register(SocialOrg)
class SocialOrgAdmin(SimpleHistoryAdmin):
    list_display = ("name", "uscc", "org_type", "region", "grade", "verified")
    list_filter = ("verified", "org_type", "grade", "region__parent")
    search_fields = ("name", "uscc")
    raw_id_fields = ("region", "verified_by")
    list_select_related = ("region",)


@admin.register(SocialWorker)
class SocialWorkerAdmin(admin.ModelAdmin):
    list_display = ("name", "org", "certificate_level", "certificate_no")
    list_filter = ("certificate_level",)
    search_fields = ("name", "certificate_no", "org__name")
    raw_id_fields = ("org", "user")
    list_select_related = ("org",)


@admin.register(OrgMember)
class OrgMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "org", "is_admin")
    list_filter = ("is_admin",)
    search_fields = ("user__username", "user__display_name", "org__name")
    raw_id_fields = ("user", "org")
    list_select_related = ("user", "org")


@admin.register(ServiceOffering)
class ServiceOfferingAdmin(SimpleHistoryAdmin):
    list_display = ("title", "org", "category", "capacity", "price_min", "price_max", "status")
    list_filter = ("status", "category__parent")
    search_fields = ("title", "description", "org__name")
    raw_id_fields = ("org", "service_area", "workers")
    filter_horizontal = ("target_groups",)
    list_select_related = ("org", "category")
