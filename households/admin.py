from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AgreementSignatory,
    Boundary,
    DataSharingBasis,
    EnforcementAction,
    Hazard,
    HazardFinding,
    Household,
    Inspection,
    Licence,
    LicensingDesignation,
    Membership,
    Person,
    PersonLink,
    Placement,
    PlacementType,
    PlacingAuthority,
    Property,
    PropertyLocation,
    Residence,
)


@admin.register(Hazard)
class HazardAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "group"]
    list_filter = ["group"]
    search_fields = ["name"]


@admin.register(PlacingAuthority)
class PlacingAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code", "kind", "in_kent", "is_synthetic"]
    list_filter = ["in_kent", "kind"]
    search_fields = ["name", "gss_code"]


@admin.register(AgreementSignatory)
class AgreementSignatoryAdmin(SimpleHistoryAdmin):
    list_display = ["authority", "signed_on"]
    list_select_related = ["authority"]


@admin.register(Boundary)
class BoundaryAdmin(admin.ModelAdmin):
    list_display = ["area", "source"]
    list_select_related = ["area"]
    search_fields = ["area__name", "area__gss_code"]


@admin.register(PropertyLocation)
class PropertyLocationAdmin(admin.ModelAdmin):
    list_display = ["property", "easting", "northing", "lsoa"]
    list_select_related = ["property", "lsoa"]
    search_fields = ["property__address_line_1", "property__postcode"]
    raw_id_fields = ["property"]


@admin.register(PlacementType)
class PlacementTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "notice_rule"]
    list_filter = ["notice_rule"]


class ResidenceInline(admin.TabularInline):
    model = Residence
    extra = 0
    raw_id_fields = ["property"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["person"]


@admin.register(Property)
class PropertyAdmin(SimpleHistoryAdmin):
    list_display = ["address_line_1", "postcode", "uprn", "area", "tenure", "is_hmo"]
    list_filter = ["tenure", "is_hmo", "area"]
    search_fields = ["address_line_1", "postcode", "=uprn", "landlord"]
    list_select_related = ["area"]
    raw_id_fields = ["area"]


@admin.register(Licence)
class LicenceAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "scheme",
        "property",
        "holder",
        "starts_on",
        "expires_on",
        "decision",
        "revoked_on",
    ]
    list_filter = ["scheme", "decision"]
    search_fields = ["number", "holder", "property__address_line_1", "property__postcode"]
    list_select_related = ["property"]
    raw_id_fields = ["property"]
    date_hierarchy = "starts_on"


@admin.register(LicensingDesignation)
class LicensingDesignationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "scheme", "starts_on", "ends_on"]
    list_filter = ["scheme"]
    filter_horizontal = ["wards"]


class HazardFindingInline(admin.TabularInline):
    model = HazardFinding
    extra = 0
    readonly_fields = ["band", "category"]


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ["property", "inspected_on", "reason", "officer"]
    list_filter = ["reason"]
    search_fields = ["property__address_line_1", "property__postcode", "=property__uprn"]
    list_select_related = ["property", "officer__user"]
    raw_id_fields = ["property", "officer"]
    date_hierarchy = "inspected_on"
    inlines = [HazardFindingInline]


@admin.register(HazardFinding)
class HazardFindingAdmin(SimpleHistoryAdmin):
    list_display = ["hazard", "score", "band", "category", "status", "inspection"]
    list_filter = ["status", "hazard__group", "hazard"]
    search_fields = ["inspection__property__address_line_1", "inspection__property__postcode"]
    list_select_related = ["hazard", "inspection__property"]
    raw_id_fields = ["inspection"]
    readonly_fields = ["band", "category"]


@admin.register(EnforcementAction)
class EnforcementActionAdmin(SimpleHistoryAdmin):
    list_display = ["type", "property", "served_on", "comply_by", "status", "complied_on", "penalty_amount"]
    list_filter = ["type", "status"]
    search_fields = ["property__address_line_1", "property__postcode"]
    list_select_related = ["property"]
    raw_id_fields = ["property", "finding"]
    date_hierarchy = "served_on"


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["case_reference", "ward", "status", "key_worker", "opened_on", "closed_on"]
    list_filter = ["status", "ward"]
    search_fields = ["case_reference", "memberships__person__family_name", "memberships__person__nino"]
    list_select_related = ["ward", "key_worker__user", "key_worker__agency"]
    raw_id_fields = ["key_worker"]
    date_hierarchy = "opened_on"
    inlines = [MembershipInline, ResidenceInline]
    show_full_result_count = False


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["family_name", "given_name", "date_of_birth", "nino"]
    list_filter = ["sex"]
    search_fields = ["family_name", "given_name", "=nino"]
    show_full_result_count = False


@admin.register(PersonLink)
class PersonLinkAdmin(SimpleHistoryAdmin):
    list_display = ["person", "other", "kind", "recorded_on", "undone_on"]
    list_filter = ["kind"]
    search_fields = ["person__family_name", "other__family_name"]
    list_select_related = ["person", "other"]
    raw_id_fields = ["person", "other", "recorded_by", "undone_by"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["person", "household", "relationship", "joined_on", "left_on"]
    list_filter = ["relationship"]
    search_fields = ["household__case_reference", "person__family_name"]
    list_select_related = ["person", "household"]
    raw_id_fields = ["person", "household"]


@admin.register(Residence)
class ResidenceAdmin(SimpleHistoryAdmin):
    list_display = ["household", "property", "moved_in", "moved_out"]
    search_fields = ["household__case_reference", "property__postcode", "=property__uprn"]
    list_select_related = ["household", "property"]
    raw_id_fields = ["household", "property"]
    date_hierarchy = "moved_in"


@admin.register(DataSharingBasis)
class DataSharingBasisAdmin(SimpleHistoryAdmin):
    list_display = ["household", "basis", "starts_on", "expires_on", "withdrawn_on"]
    list_filter = ["basis", "agencies"]
    search_fields = ["household__case_reference"]
    list_select_related = ["household"]
    raw_id_fields = ["household", "recorded_by"]
    filter_horizontal = ["agencies"]


@admin.register(Placement)
class PlacementAdmin(SimpleHistoryAdmin):
    list_display = [
        "household",
        "placing_authority",
        "type",
        "placed_on",
        "notification_received_on",
        "deadline",
    ]
    list_filter = ["type", "placing_authority", "legal_basis"]
    search_fields = ["household__case_reference", "placing_authority__name"]
    list_select_related = ["household", "placing_authority", "type"]
    raw_id_fields = ["household", "accommodation"]
    date_hierarchy = "placed_on"

    @admin.display(description="Notification on time")
    def deadline(self, obj: Placement) -> str:
        met = obj.deadline_met()
        if met is None:
            return "No rule" if obj.notification_due_on is None else "Not yet due"
        return "Yes" if met else "No"
