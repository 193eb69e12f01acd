from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Intervention, Referral, Service, ServiceCategory


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "category", "is_active"]
    list_filter = ["agency", "category", "is_active"]
    search_fields = ["name"]
    list_select_related = ["agency", "category"]


@admin.register(Intervention)
class InterventionAdmin(SimpleHistoryAdmin):
    list_display = [
        "household",
        "service",
        "status",
        "referred_on",
        "started_on",
        "ended_on",
        "outcome",
        "cost",
    ]
    list_filter = ["status", "outcome", "service__agency", "service__category"]
    search_fields = ["household__case_reference"]
    list_select_related = ["household", "service__agency"]
    raw_id_fields = ["household", "person", "worker"]
    date_hierarchy = "referred_on"
    show_full_result_count = False


@admin.register(Referral)
class ReferralAdmin(SimpleHistoryAdmin):
    list_display = ["household", "from_agency", "to_agency", "sent_on", "status", "responded_on"]
    list_filter = ["status", "from_agency", "to_agency"]
    search_fields = ["household__case_reference", "reason"]
    list_select_related = ["household", "from_agency", "to_agency"]
    raw_id_fields = ["household", "person"]
    date_hierarchy = "sent_on"
