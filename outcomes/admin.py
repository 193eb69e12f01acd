from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import AnalysisRun, AreaStatistic, BenefitRecord, BenefitType, UnitCost


@admin.register(BenefitType)
class BenefitTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "out_of_work"]
    list_filter = ["out_of_work"]


@admin.register(BenefitRecord)
class BenefitRecordAdmin(SimpleHistoryAdmin):
    list_display = ["person", "month", "benefit", "amount"]
    list_filter = ["benefit", "benefit__out_of_work"]
    search_fields = ["=person__nino", "person__family_name"]
    list_select_related = ["person", "benefit"]
    raw_id_fields = ["person"]
    date_hierarchy = "month"
    show_full_result_count = False


@admin.register(AreaStatistic)
class AreaStatisticAdmin(admin.ModelAdmin):
    list_display = ["area", "measure", "frequency", "period_start", "value", "source"]
    list_filter = ["measure", "frequency", "area__type", "area__is_target"]
    search_fields = ["area__name", "area__gss_code", "measure"]
    list_select_related = ["area"]
    raw_id_fields = ["area"]
    show_full_result_count = False


@admin.register(UnitCost)
class UnitCostAdmin(SimpleHistoryAdmin):
    list_display = ["name", "line", "value", "unit", "price_year", "source"]
    list_filter = ["line", "price_year"]
    search_fields = ["name", "source"]


@admin.register(AnalysisRun)
class AnalysisRunAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "job__state", "requested_by", "created_at", "job__finished_at"]
    list_filter = ["kind", "job__state"]
    readonly_fields = [f.name for f in AnalysisRun._meta.fields]
    list_select_related = ["requested_by", "job"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
