from django.urls import include, path

from . import views

app_name = "households"

urlpatterns = [
    path("households/", views.caseload, name="caseload"),
    path("households/new/", views.HouseholdCreate.as_view(), name="create"),
    path("households/<int:pk>/", views.household_page, name="detail"),
    path("households/<int:household_pk>/edit/", views.HouseholdEdit.as_view(), name="edit"),
    path("households/<int:household_pk>/members/new/", views.MemberAdd.as_view(), name="member_add"),
    path(
        "households/<int:household_pk>/people/<int:pk>/edit/", views.PersonEdit.as_view(), name="person_edit"
    ),
    path(
        "households/<int:household_pk>/memberships/<int:pk>/edit/",
        views.MembershipEdit.as_view(),
        name="membership_edit",
    ),
    path("households/<int:household_pk>/moves/new/", views.MoveRecord.as_view(), name="move"),
    path(
        "households/<int:household_pk>/sharing/new/", views.SharingBasisCreate.as_view(), name="sharing_add"
    ),
    path(
        "households/<int:household_pk>/sharing/<int:pk>/edit/",
        views.SharingBasisEdit.as_view(),
        name="sharing_edit",
    ),
    path(
        "households/<int:household_pk>/placements/new/", views.PlacementCreate.as_view(), name="placement_add"
    ),
    path(
        "households/<int:household_pk>/placements/<int:pk>/edit/",
        views.PlacementEdit.as_view(),
        name="placement_edit",
    ),
    path("households/<int:household_pk>/key-worker/", views.KeyWorkerAssign.as_view(), name="key_worker"),
    path("households/<int:household_pk>/", include("interventions.urls")),
    # Last among the household paths: a section name is any slug.
    path("households/<int:pk>/<slug:section>/", views.household_page, name="section"),
    path("properties/", views.properties, name="properties"),
    path("properties/new/", views.PropertyCreate.as_view(), name="property_add"),
    path("properties/<int:pk>/", views.property_page, name="property"),
    path("properties/<int:property_pk>/edit/", views.PropertyEdit.as_view(), name="property_edit"),
    path("properties/<int:property_pk>/licences/new/", views.LicenceCreate.as_view(), name="licence_add"),
    path(
        "properties/<int:property_pk>/licences/<int:pk>/edit/",
        views.LicenceEdit.as_view(),
        name="licence_edit",
    ),
    path(
        "properties/<int:property_pk>/inspections/new/",
        views.InspectionCreate.as_view(),
        name="inspection_add",
    ),
    path(
        "properties/<int:property_pk>/inspections/<int:inspection_pk>/hazards/new/",
        views.HazardFindingCreate.as_view(),
        name="hazard_add",
    ),
    path(
        "properties/<int:property_pk>/enforcement/new/",
        views.EnforcementCreate.as_view(),
        name="enforcement_add",
    ),
    path(
        "properties/<int:property_pk>/hazards/<int:finding_pk>/enforcement/new/",
        views.EnforcementCreate.as_view(),
        name="enforcement_add_for_hazard",
    ),
    path(
        "properties/<int:property_pk>/enforcement/<int:pk>/edit/",
        views.EnforcementEdit.as_view(),
        name="enforcement_edit",
    ),
]
