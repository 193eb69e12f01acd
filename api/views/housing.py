"""Homes: properties, and the housing officer's licences, inspections, hazard findings and enforcement."""

from typing import Any, cast

import django_filters
from django.db import models
from django.utils import timezone

from households import services as household_services
from households.models import EnforcementAction, HazardFinding, Inspection, Licence, Property
from taskforce.org import scoping

from .. import serializers as s
from ..filters import filterset, number
from .base import RecordViewSet


class PropertyViewSet(RecordViewSet):
    """Properties in your wards, with how many people live there today."""

    model = Property
    serializer_class = s.PropertySerializer
    read_roles = scoping.PROPERTY_ROLES
    writes = "housing"
    filterset_class = filterset(
        Property, ids={"area": "area"}, exact=("tenure", "is_hmo", "postcode", "uprn")
    )
    search_fields = ["address_line_1", "postcode", "=uprn", "landlord"]
    ordering_fields = ["postcode", "address_line_1", "uprn"]

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().with_occupants(timezone.localdate())  # type: ignore[attr-defined]

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return household_services.property_register(**data)

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.property_update(property=cast(Property, instance), **changes)


class HousingRecordViewSet(RecordViewSet):
    read_roles = scoping.HOUSING_ROLES
    writes = "housing"
    create_service: Any

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return type(self).create_service(**data)


class LicenceViewSet(HousingRecordViewSet):
    """HMO and selective licences."""

    model = Licence
    serializer_class = s.LicenceSerializer
    create_service = household_services.licence_record
    filterset_class = filterset(
        Licence,
        ids={"property": "property"},
        exact=("scheme", "decision", "number"),
        dates=("starts_on", "expires_on", "revoked_on"),
        status=django_filters.ChoiceFilter(
            choices=Licence.Status.choices,
            method=lambda queryset, name, value: queryset.filter(status_on_day=value),
            help_text="Today's status, derived from the decision and the dates.",
        ),
    )
    search_fields = ["number", "holder"]
    ordering_fields = ["starts_on", "expires_on", "number"]

    def get_queryset(self) -> models.QuerySet:
        # Filters on the derived status read it from this annotation (LicenceQuerySet.with_status).
        return super().get_queryset().with_status(timezone.localdate())  # type: ignore[attr-defined]

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.licence_update(licence=cast(Licence, instance), **changes)


class InspectionViewSet(HousingRecordViewSet):
    """Inspections of properties."""

    model = Inspection
    serializer_class = s.InspectionSerializer
    create_service = household_services.inspection_record
    filterset_class = filterset(
        Inspection,
        ids={"property": "property", "officer": "officer"},
        exact=("reason",),
        dates=("inspected_on",),
    )
    ordering_fields = ["inspected_on"]

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.inspection_update(inspection=cast(Inspection, instance), **changes)


class HazardFindingViewSet(HousingRecordViewSet):
    """HHSRS hazards found at inspections; band and category follow from the score."""

    model = HazardFinding
    serializer_class = s.HazardFindingSerializer
    create_service = household_services.hazard_finding_record
    related = ("hazard",)
    filterset_class = filterset(
        HazardFinding,
        ids={"inspection": "inspection", "property": "inspection__property"},
        exact=("status",),
        dates=("remedied_on",),
        hazard=number("hazard__number", help_text="HHSRS hazard number."),
        score_min=number("score", "gte", "Findings scoring at least this."),
    )
    ordering_fields = ["score"]

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.hazard_finding_update(
            hazard_finding=cast(HazardFinding, instance), **changes
        )


class EnforcementActionViewSet(HousingRecordViewSet):
    """Enforcement against properties: notices, orders, civil penalties, prosecutions."""

    model = EnforcementAction
    serializer_class = s.EnforcementActionSerializer
    create_service = household_services.enforcement_record
    filterset_class = filterset(
        EnforcementAction,
        ids={"property": "property"},
        exact=("type", "status"),
        dates=("served_on", "comply_by", "complied_on"),
    )
    ordering_fields = ["served_on"]

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.enforcement_update(
            enforcement_action=cast(EnforcementAction, instance), **changes
        )
