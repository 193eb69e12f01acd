from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, Area, StaffProfile


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code", "vintage", "type", "parent", "is_target", "is_synthetic"]
    list_filter = ["type", "is_target", "is_synthetic", "vintage"]
    search_fields = ["name", "gss_code"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "sector"]
    list_filter = ["kind", "sector"]
    search_fields = ["name", "code"]


@admin.register(StaffProfile)
class StaffProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "agency"]
    list_filter = ["role", "agency", "wards"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user", "agency"]
    filter_horizontal = ["wards"]
    raw_id_fields = ["user"]
