from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AnalysisPlan,
    AnalysisRun,
    AreaStatistic,
    BenefitRecord,
    BenefitType,
    HousingBenefitLedger,
    LedgerState,
    PlanDeviation,
    ProgrammeCost,
    UnitCost,
)


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


class _Derived(admin.ModelAdmin):
    """Records derived from others (outcomes/datasets/ledger.py): shown, never added, edited or deleted here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(HousingBenefitLedger)
class HousingBenefitLedgerAdmin(_Derived):
    list_display = ["person", "first_month", "months"]
    raw_id_fields = ["person"]
    search_fields = ["=person__nino"]
    readonly_fields = ["person", "first_month", "months"]
    exclude = ["pennies"]

    @admin.display(description="months")
    def months(self, obj: HousingBenefitLedger) -> int:
        return len(obj.pennies) // 4


@admin.register(LedgerState)
class LedgerStateAdmin(_Derived):
    list_display = ["name", "built_from", "built_at"]


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
    list_display = ["name", "line", "payer", "level", "value", "unit", "price_year", "source"]
    list_filter = ["line", "level", "price_year"]
    search_fields = ["name", "source"]


@admin.register(ProgrammeCost)
class ProgrammeCostAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "year", "amount", "payer", "level", "price_year", "source"]
    list_filter = ["kind", "level", "year"]
    search_fields = ["name", "source"]


@admin.register(AnalysisRun)
class AnalysisRunAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "job__state", "requested_by", "created_at", "job__finished_at"]
    list_filter = ["kind", "job__state"]
    readonly_fields = [f.name for f in AnalysisRun._meta.fields]
    list_select_related = ["requested_by", "job"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AnalysisPlan)
class AnalysisPlanAdmin(admin.ModelAdmin):
    """Read-only: plans are recorded and locked through their services, which keep the hash honest."""

    list_display = ["id", "title", "headline_measure", "method", "locked_at", "sha256"]
    readonly_fields = [f.name for f in AnalysisPlan._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PlanDeviation)
class PlanDeviationAdmin(admin.ModelAdmin):
    list_display = ["id", "plan", "run", "departure", "recorded_at", "recorded_by"]
    readonly_fields = [f.name for f in PlanDeviation._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
