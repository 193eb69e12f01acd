"""Households' own pages: the caseload, the case forms and the housing pages. The household page and its
sections are casework's (casework.urls), at paths that come after these."""

from django.urls import path

from .views import case_records, caseload, duplicates, housing, intake, licensing

app_name = "households"

urlpatterns = [
    path("households/", caseload.caseload, name="caseload"),
    path("households/new/", case_records.HouseholdCreate.as_view(), name="create"),
    path("households/new/s208/", intake.IntakeCreate.as_view(), name="intake"),
    path("people/duplicates/", duplicates.review_queue, name="duplicates"),
    path("people/duplicates/decide/", duplicates.decide, name="duplicates_decide"),
    path("people/links/<int:pk>/undo/", duplicates.undo, name="person_link_undo"),
    path("households/<int:household_pk>/edit/", case_records.HouseholdEdit.as_view(), name="edit"),
    path("households/<int:household_pk>/members/new/", case_records.MemberAdd.as_view(), name="member_add"),
    path(
        "households/<int:household_pk>/people/<int:pk>/edit/",
        case_records.PersonEdit.as_view(),
        name="person_edit",
    ),
    path(
        "households/<int:household_pk>/memberships/<int:pk>/edit/",
        case_records.MembershipEdit.as_view(),
        name="membership_edit",
    ),
    path("households/<int:household_pk>/moves/new/", case_records.MoveRecord.as_view(), name="move"),
    path(
        "households/<int:household_pk>/sharing/new/",
        case_records.SharingBasisCreate.as_view(),
        name="sharing_add",
    ),
    path(
        "households/<int:household_pk>/sharing/<int:pk>/edit/",
        case_records.SharingBasisEdit.as_view(),
        name="sharing_edit",
    ),
    path(
        "households/<int:household_pk>/placements/new/",
        case_records.PlacementCreate.as_view(),
        name="placement_add",
    ),
    path(
        "households/<int:household_pk>/placements/<int:pk>/edit/",
        case_records.PlacementEdit.as_view(),
        name="placement_edit",
    ),
    path(
        "households/<int:household_pk>/key-worker/", case_records.KeyWorkerAssign.as_view(), name="key_worker"
    ),
    path("properties/", housing.properties, name="properties"),
    path("licensing/", licensing.work_queue, name="licensing"),
    path("licensing/dashboard/", licensing.dashboard, name="licensing_dashboard"),
    path("licensing/designations/", licensing.designations, name="designations"),
    path("licensing/designations/new/", licensing.DesignationCreate.as_view(), name="designation_add"),
    path(
        "licensing/designations/<int:pk>/edit/", licensing.DesignationEdit.as_view(), name="designation_edit"
    ),
    path("properties/new/", housing.PropertyCreate.as_view(), name="property_add"),
    path("properties/<int:pk>/", housing.property_page, name="property"),
    path("properties/<int:property_pk>/edit/", housing.PropertyEdit.as_view(), name="property_edit"),
    path("properties/<int:property_pk>/licences/new/", housing.LicenceCreate.as_view(), name="licence_add"),
    path(
        "properties/<int:property_pk>/licences/<int:pk>/edit/",
        housing.LicenceEdit.as_view(),
        name="licence_edit",
    ),
    path(
        "properties/<int:property_pk>/inspections/new/",
        housing.InspectionCreate.as_view(),
        name="inspection_add",
    ),
    path(
        "properties/<int:property_pk>/inspections/<int:inspection_pk>/hazards/new/",
        housing.HazardFindingCreate.as_view(),
        name="hazard_add",
    ),
    path(
        "properties/<int:property_pk>/enforcement/new/",
        housing.EnforcementCreate.as_view(),
        name="enforcement_add",
    ),
    path(
        "properties/<int:property_pk>/hazards/<int:finding_pk>/enforcement/new/",
        housing.EnforcementCreate.as_view(),
        name="enforcement_add_for_hazard",
    ),
    path(
        "properties/<int:property_pk>/enforcement/<int:pk>/edit/",
        housing.EnforcementEdit.as_view(),
        name="enforcement_edit",
    ),
]
