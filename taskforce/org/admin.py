from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import AccessLog, AccessLogSubject, Agency, ApiToken, Area, BreakGlassGrant, StaffProfile


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records no one edits after the fact: the access log and break-glass grants."""

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "role", "route", "action", "resource", "purpose", "client_address"]
    list_filter = ["action", "route", "role", "resource"]
    search_fields = ["username", "purpose", "query"]
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(AccessLogSubject)
class AccessLogSubjectAdmin(ReadOnlyAdmin):
    list_display = ["entry", "person_id"]
    search_fields = ["=person_id"]
    list_select_related = ["entry"]
    show_full_result_count = False


@admin.register(BreakGlassGrant)
class BreakGlassGrantAdmin(ReadOnlyAdmin):
    list_display = ["granted_at", "user", "household", "expires_at", "reason"]
    search_fields = ["user__username", "household__case_reference", "reason"]
    list_select_related = ["user", "household"]
    date_hierarchy = "granted_at"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators may revoke (delete) a token, never see or set its key."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False
