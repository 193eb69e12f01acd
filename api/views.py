"""Endpoints. Each reads through a named, scoped QuerySet and writes through a service.

Reads of personal data write an access-log row in the same transaction (AuditedReads); updates need the
record's current ETag in If-Match (Updates); a record the user may not see is 404, as if it did not exist.
"""

from collections.abc import Mapping, Sequence
from typing import Any, cast

import django_filters
from django.db import models, transaction
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer, Serializer

from households import services as household_services
from households.models import (
    DataSharingBasis,
    EnforcementAction,
    HazardFinding,
    Household,
    Inspection,
    Licence,
    Membership,
    Person,
    Placement,
    Property,
    Residence,
)
from interventions import services as intervention_services
from interventions.models import Intervention, Referral, Service
from jobs.models import Job
from outcomes.models import AnalysisRun, AreaStatistic, BenefitRecord
from outcomes.services import analysis_request
from taskforce.org import audit, scoping
from taskforce.org import services as taskforce_services
from taskforce.org.models import AccessLog, Agency, ApiToken, Area, BreakGlassGrant, StaffProfile

from . import serializers as s
from . import subject_access
from .concurrency import etag_of, require_current
from .filters import char, current, filterset, number
from .permissions import RoleAllowed
from .renderers import CSVRenderer, csv_text

Role = StaffProfile.Role
EXPORT_LIMIT = 10_000
# Case records are kept this many full years after a case closes, then reviewed for deletion.
RETENTION_YEARS = 6
# Ids in paths: digits that fit a database id column; anything else is a JSON 404 from api.urls.
ID_IN_PATH = r"[0-9]{1,18}"

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag returned when the record was read. A stale one is refused with 412.",
)
PURPOSE = OpenApiParameter(
    "X-Purpose",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Why the record is read; kept in the access log.",
)


def client_address(request: Request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data any signed-in member of staff may read."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAuthenticated]


class AuditedReads(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reads of personal data: list, detail, search and CSV export, each logged in its own transaction."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAuthenticated, RoleAllowed]
    model: type[models.Model]
    read_roles: frozenset[str] = scoping.CASE_ROLES
    write_roles: frozenset[str] = frozenset()
    related: Sequence[str] = ()

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with audit.route("api"):
            return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> models.QuerySet:
        queryset = self.model.objects.visible_to(self.request.user)  # type: ignore[attr-defined]
        # The primary key last: pages are stable even where the model's own ordering has ties.
        queryset = queryset.order_by(*self.model._meta.ordering, "pk")
        return queryset.select_related(*self.related) if self.related else queryset

    def log_read(self, action: str, records: Sequence[models.Model]) -> None:
        ids = [record.pk for record in records]
        audit.access_record(
            user=self.request.user,
            route=AccessLog.Route.API,
            action=action,
            resource=self.model._meta.label_lower,
            object_ids=ids,
            person_ids=audit.people_exposed_by(self.model, ids),
            query=self.request.META.get("QUERY_STRING", ""),
            purpose=self.request.headers.get("X-Purpose", ""),
            client_address=client_address(self.request),
        )

    @extend_schema(parameters=[PURPOSE])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            data = self.get_serializer(page, many=True).data
            searched = bool(request.query_params.get("search"))
            self.log_read(AccessLog.Action.SEARCH if searched else AccessLog.Action.LIST, page or [])
            return self.get_paginated_response(data)

    @extend_schema(parameters=[PURPOSE])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            instance = self.get_object()
            data = self.get_serializer(instance).data
            self.log_read(AccessLog.Action.DETAIL, [instance])
        return Response(data, headers={"ETag": etag_of(instance)})

    @extend_schema(
        parameters=[PURPOSE],
        responses={(200, "text/csv"): OpenApiTypes.STR},
        description=f"The matching records as CSV (at most {EXPORT_LIMIT:,}), safe to open in a spreadsheet.",
    )
    # JSON first: errors are answered in JSON; the export itself is always CSV.
    @action(
        detail=False, methods=["get"], renderer_classes=[JSONRenderer, CSVRenderer], pagination_class=None
    )
    def export(self, request: Request) -> HttpResponse:
        with transaction.atomic():
            records = list(self.filter_queryset(self.get_queryset())[:EXPORT_LIMIT])
            data = self.get_serializer(records, many=True).data
            self.log_read(AccessLog.Action.EXPORT, records)
        filename = f"{str(self.model._meta.verbose_name_plural).replace(' ', '-')}.csv"
        fields = list(cast(Serializer, self.get_serializer()).fields)
        return HttpResponse(
            csv_text(data, fields),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


class Updates(mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Writes through services. An update needs If-Match with the record's current ETag."""

    def create_record(self, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def written(self, instance: models.Model, status_code: int) -> Response:
        fresh = self.get_queryset().get(pk=instance.pk)  # type: ignore[attr-defined]
        data = self.get_serializer(fresh).data  # type: ignore[attr-defined]
        return Response(data, status=status_code, headers={"ETag": etag_of(fresh)})

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = self.create_record(dict(serializer.validated_data))
            return self.written(instance, status.HTTP_201_CREATED)

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            instance = self.locked(self.get_object())  # type: ignore[attr-defined]
            require_current(request, instance)
            serializer = self.get_serializer(instance, data=request.data, partial=True)  # type: ignore[attr-defined]
            serializer.is_valid(raise_exception=True)
            instance = self.update_record(instance, dict(serializer.validated_data))
            return self.written(instance, status.HTTP_200_OK)

    @staticmethod
    def locked(instance: models.Model) -> models.Model:
        """The row again, locked until the transaction ends, so two updates cannot both pass If-Match."""
        return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


class RecordViewSet(Updates, AuditedReads):
    http_method_names = ["get", "post", "patch", "head", "options"]


# Reference data


class AreaViewSet(ReferenceViewSet):
    """Areas: wards, LSOAs, districts, the county."""

    queryset = Area.objects.all()
    serializer_class = s.AreaSerializer
    filterset_class = filterset(
        Area, ids={"parent": "parent"}, exact=("type", "is_target", "gss_code", "vintage")
    )
    search_fields = ["name", "gss_code"]
    ordering_fields = ["name", "gss_code", "type"]


class AgencyViewSet(ReferenceViewSet):
    """Partner agencies and placing authorities."""

    queryset = Agency.objects.all()
    serializer_class = s.AgencySerializer
    filterset_class = filterset(Agency, exact=("kind", "code"))
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code"]


class ServiceViewSet(ReferenceViewSet):
    """The service catalogue of the partner agencies."""

    queryset = Service.objects.select_related("category")
    serializer_class = s.ServiceSerializer
    filterset_class = filterset(
        Service,
        ids={"agency": "agency"},
        exact=("is_active",),
        category=char("category__code", "Service category code, e.g. employment."),
    )
    search_fields = ["name"]
    ordering_fields = ["name"]


class AreaStatisticViewSet(ReferenceViewSet):
    """Published and derived figures for areas and periods."""

    queryset = AreaStatistic.objects.all()
    serializer_class = s.AreaStatisticSerializer
    filterset_class = filterset(
        AreaStatistic, ids={"area": "area"}, exact=("measure", "frequency"), dates=("period_start",)
    )
    ordering_fields = ["period_start", "measure", "value"]


class StaffViewSet(viewsets.ReadOnlyModelViewSet):
    """Staff accounts and roles: administrators only."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAdminUser]
    queryset = StaffProfile.objects.select_related("user").prefetch_related("wards")
    serializer_class = s.StaffSerializer
    filterset_class = filterset(StaffProfile, ids={"agency": "agency", "ward": "wards"}, exact=("role",))
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    ordering_fields = ["user__username"]


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Progress of long tasks the user started."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.JobSerializer
    filterset_class = filterset(Job, exact=("kind", "state"))
    ordering_fields = ["created_at"]

    def get_queryset(self) -> models.QuerySet:
        return Job.objects.filter(requested_by=self.request.user.pk)


# Households and people


@extend_schema_view(create=extend_schema(responses={201: s.HouseholdSerializer}))
class HouseholdViewSet(RecordViewSet):
    """Households (cases) you may see; caseworkers open and update them, ward managers assign them."""

    model = Household
    write_roles = frozenset({Role.CASEWORKER})
    action_roles = {"assign": frozenset({Role.WARD_MANAGER})}
    filterset_class = filterset(
        Household,
        ids={"ward": "ward", "key_worker": "key_worker"},
        exact=("status",),
        dates=("opened_on", "closed_on"),
    )
    search_fields = ["case_reference"]
    ordering_fields = ["case_reference", "opened_on", "closed_on"]

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "create":
            return s.HouseholdCreateSerializer
        if self.action == "assign":
            return s.HouseholdAssignSerializer
        return s.HouseholdSerializer

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return household_services.household_register(**data, recorded_by=scoping.signed_in(self.request.user))

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.household_update(household=cast(Household, instance), **changes)

    def written(self, instance: models.Model, status_code: int) -> Response:
        data = s.HouseholdSerializer(instance, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers={"ETag": etag_of(instance)})

    @extend_schema(
        parameters=[IF_MATCH],
        request=s.HouseholdAssignSerializer,
        responses={200: s.HouseholdSerializer},
        description="Ward managers: give the case to a caseworker in its ward.",
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            household = self.locked(self.get_object())
            require_current(request, household)
            household = household_services.household_assign(
                household=cast(Household, household),
                key_worker=serializer.validated_data["key_worker"],
            )
            return self.written(household, status.HTTP_200_OK)


@extend_schema_view(create=extend_schema(responses={201: s.PersonSerializer}))
class PersonViewSet(RecordViewSet):
    """People who are or were members of a household you may see."""

    model = Person
    write_roles = frozenset({Role.CASEWORKER})
    filterset_class = filterset(
        Person,
        ids={"household": "memberships__household"},
        exact=("sex", "date_of_birth"),
    )
    search_fields = ["given_name", "family_name", "=nino"]
    ordering_fields = ["family_name", "given_name", "date_of_birth"]

    def get_queryset(self) -> models.QuerySet:
        # The household filter joins memberships; a person who joined it twice must appear once.
        queryset = super().get_queryset()
        return queryset.distinct() if "household" in self.request.query_params else queryset

    def get_serializer_class(self) -> type[BaseSerializer]:
        return s.PersonCreateSerializer if self.action == "create" else s.PersonSerializer

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return household_services.person_register(**data)

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.person_update(person=cast(Person, instance), **changes)


class MembershipViewSet(RecordViewSet):
    """Who belongs to which household, and when."""

    model = Membership
    serializer_class = s.MembershipSerializer
    write_roles = frozenset({Role.CASEWORKER})
    filterset_class = filterset(
        Membership,
        ids={"household": "household", "person": "person", "ward": "household__ward"},
        exact=("relationship",),
        dates=("joined_on", "left_on"),
        current=current("left_on", "true: members now; false: members who have left."),
    )
    ordering_fields = ["joined_on", "left_on"]

    def create_record(self, data: dict[str, Any]) -> models.Model:
        if data.get("left_on"):
            data_left = data.pop("left_on")
            membership = household_services.membership_start(**_membership_args(data))
            return household_services.membership_end(membership=membership, on=data_left)
        return household_services.membership_start(**_membership_args(data))

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.membership_update(membership=cast(Membership, instance), **changes)


def _membership_args(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "household": data["household"],
        "person": data["person"],
        "relationship": data["relationship"],
        "on": data["joined_on"],
    }


class ResidenceViewSet(RecordViewSet):
    """Where each household has lived: recording a move ends the current residence."""

    model = Residence
    serializer_class = s.ResidenceSerializer
    write_roles = frozenset({Role.CASEWORKER})
    filterset_class = filterset(
        Residence,
        ids={"household": "household", "property": "property", "ward": "household__ward"},
        dates=("moved_in", "moved_out"),
        current=current("moved_out", "true: current homes; false: past ones."),
    )
    ordering_fields = ["moved_in", "moved_out"]

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return household_services.residence_record(**data)

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.residence_update(residence=cast(Residence, instance), **changes)


class DataSharingBasisViewSet(RecordViewSet):
    """The lawful basis on which each household's data is shared, and with which agencies."""

    model = DataSharingBasis
    serializer_class = s.DataSharingBasisSerializer
    write_roles = frozenset({Role.CASEWORKER})
    filterset_class = filterset(
        DataSharingBasis,
        ids={"household": "household", "ward": "household__ward"},
        exact=("basis",),
        dates=("starts_on", "expires_on", "withdrawn_on"),
    )
    ordering_fields = ["starts_on"]

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().prefetch_related("agencies")

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return household_services.data_sharing_basis_record(
            **data, recorded_by=scoping.signed_in(self.request.user)
        )

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.data_sharing_basis_update(
            data_sharing_basis=cast(DataSharingBasis, instance), **changes
        )


class PlacementViewSet(RecordViewSet):
    """Placements into the wards by other authorities, with their notification deadlines."""

    model = Placement
    serializer_class = s.PlacementSerializer
    write_roles = frozenset({Role.CASEWORKER})
    related = ("type",)
    filterset_class = filterset(
        Placement,
        ids={
            "household": "household",
            "placing_authority": "placing_authority",
            "accommodation": "accommodation",
            "ward": "household__ward",
        },
        exact=("legal_basis",),
        dates=("placed_on", "ended_on", "notification_received_on"),
        type=char("type__code", "Placement type code."),
        current=current("ended_on", "true: placements not yet ended."),
    )
    ordering_fields = ["placed_on", "ended_on"]

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return household_services.placement_record(**data)

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.placement_update(placement=cast(Placement, instance), **changes)


# Homes


class PropertyViewSet(RecordViewSet):
    """Properties in your wards, with how many people live there today."""

    model = Property
    serializer_class = s.PropertySerializer
    read_roles = scoping.PROPERTY_ROLES
    write_roles = frozenset({Role.HOUSING_OFFICER})
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
    write_roles = frozenset({Role.HOUSING_OFFICER})
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
        exact=("scheme", "status", "number"),
        dates=("starts_on", "expires_on"),
    )
    search_fields = ["number", "holder"]
    ordering_fields = ["starts_on", "expires_on", "number"]

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
        dates=("served_on", "complied_on"),
    )
    ordering_fields = ["served_on"]

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.enforcement_update(
            enforcement_action=cast(EnforcementAction, instance), **changes
        )


# Case work


class InterventionViewSet(RecordViewSet):
    """Interventions (episodes of work) with households, including case notes."""

    model = Intervention
    serializer_class = s.InterventionSerializer
    write_roles = frozenset({Role.CASEWORKER})
    filterset_class = filterset(
        Intervention,
        ids={
            "household": "household",
            "person": "person",
            "service": "service",
            "worker": "worker",
            "agency": "service__agency",
            "ward": "household__ward",
        },
        exact=("status", "outcome"),
        dates=("referred_on", "started_on", "ended_on"),
        category=char("service__category__code", "Service category code."),
    )
    ordering_fields = ["referred_on", "started_on", "ended_on", "cost"]

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return intervention_services.intervention_record(**data)

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return intervention_services.intervention_update(intervention=cast(Intervention, instance), **changes)


class ReferralViewSet(RecordViewSet):
    """Referrals between agencies; the sending agency is yours."""

    model = Referral
    serializer_class = s.ReferralSerializer
    write_roles = frozenset({Role.CASEWORKER})
    filterset_class = filterset(
        Referral,
        ids={
            "household": "household",
            "person": "person",
            "from_agency": "from_agency",
            "to_agency": "to_agency",
            "ward": "household__ward",
        },
        exact=("status",),
        dates=("sent_on", "responded_on"),
    )
    search_fields = ["reason"]
    ordering_fields = ["sent_on", "responded_on"]

    def create_record(self, data: dict[str, Any]) -> models.Model:
        agency = scoping.profile_of(self.request.user).agency  # type: ignore[union-attr]
        return intervention_services.referral_send(**data, from_agency=agency)

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return intervention_services.referral_update(referral=cast(Referral, instance), **changes)


class BenefitRecordViewSet(AuditedReads):
    """Monthly benefit records of people you may see (written by imports)."""

    model = BenefitRecord
    serializer_class = s.BenefitRecordSerializer
    related = ("benefit",)
    filterset_class = filterset(
        BenefitRecord,
        ids={"person": "person"},
        dates=("month",),
        benefit=char("benefit__code", "Benefit code, e.g. jsa."),
    )
    ordering_fields = ["month", "amount"]

    def get_queryset(self) -> models.QuerySet:
        queryset = BenefitRecord.objects.visible_to(self.request.user).select_related("benefit")
        return queryset.order_by("person", "month", "benefit", "pk")


# Tokens, audit, break glass, subject access


@extend_schema_view(create=extend_schema(responses={201: s.NewApiTokenSerializer}))
class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Your API tokens: create one (its key is shown once) and revoke it (DELETE)."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.ApiTokenSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> models.QuerySet:
        return ApiToken.objects.filter(user=self.request.user.pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = taskforce_services.api_token_create(
            user=scoping.signed_in(request.user), name=serializer.validated_data["name"]
        )
        data = s.NewApiTokenSerializer(token).data | {"key": key}
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: models.Model) -> None:
        taskforce_services.api_token_revoke(token=cast(ApiToken, instance))


class AccessLogViewSet(viewsets.ReadOnlyModelViewSet):
    """The access log, for the data protection officer: who read whose data, when, why, from where."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAuthenticated, RoleAllowed]
    read_roles = frozenset({Role.DATA_PROTECTION_OFFICER})
    serializer_class = s.AccessLogSerializer
    queryset = AccessLog.objects.prefetch_related("subjects").order_by("-at", "-id")
    filterset_class = filterset(
        AccessLog,
        ids={"user": "user", "person": "subjects__person_id"},
        exact=("action", "resource", "role", "username"),
        dates=("at",),
    )
    ordering_fields = ["at"]


class BreakGlassViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Break glass: a ward manager opens one household outside their wards, for a stated reason, for a
    limited time. The grant and the reason are in the access log for the data protection officer."""

    permission_classes = [permissions.IsAuthenticated, RoleAllowed]
    read_roles = frozenset({Role.WARD_MANAGER, Role.DATA_PROTECTION_OFFICER})
    write_roles = frozenset({Role.WARD_MANAGER})
    serializer_class = s.BreakGlassGrantSerializer
    filterset_class = filterset(BreakGlassGrant, ids={"user": "user"}, dates=("granted_at",))
    ordering_fields = ["granted_at"]

    def get_queryset(self) -> models.QuerySet:
        grants = BreakGlassGrant.objects.select_related("user", "household").order_by("-granted_at", "-id")
        if scoping.role_of(self.request.user) == Role.DATA_PROTECTION_OFFICER:
            return grants
        return grants.filter(user=self.request.user.pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grant = household_services.break_glass_open(
            user=scoping.signed_in(request.user),
            household=serializer.validated_data["household"],
            reason=serializer.validated_data["reason"],
            client_address=client_address(request),
        )
        return Response(self.get_serializer(grant).data, status=status.HTTP_201_CREATED)


class SubjectAccessViewSet(viewsets.GenericViewSet):
    """Subject access requests, for the data protection officer: everything held about one person,
    including the access log of who read their data."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAuthenticated, RoleAllowed]
    read_roles = frozenset({Role.DATA_PROTECTION_OFFICER})
    queryset = Person.objects.all()
    serializer_class = s.PersonSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    def export_for(self, request: Request) -> dict[str, list[dict[str, Any]]]:
        person = self.get_object()
        with transaction.atomic():
            tables = subject_access.everything_about(person)
            audit.access_record(
                user=request.user,
                route=AccessLog.Route.API,
                action=AccessLog.Action.SUBJECT_ACCESS,
                resource="households.person",
                object_ids=[person.pk],
                person_ids=[person.pk],
                purpose=request.headers.get("X-Purpose", "") or "Subject access request",
                client_address=client_address(request),
            )
        return tables

    @extend_schema(
        parameters=[PURPOSE],
        responses={200: OpenApiTypes.OBJECT},
        description="Every record held about the person, by table, as JSON.",
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.export_for(request))

    @extend_schema(
        parameters=[PURPOSE],
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
        description="The same, as a zip of CSV files (one per table), safe to open in a spreadsheet.",
    )
    @action(detail=True, methods=["get"], url_path="csv")
    def csv(self, request: Request, pk: str) -> HttpResponse:
        archive = subject_access.as_csv_zip(self.export_for(request))
        return HttpResponse(
            archive,
            content_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="subject-access-{pk}.zip"'},
        )


class AnalysisRunViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Analyses for the evidence pack: request one (it runs as a job), poll its status, read its result.
    Results are aggregates computed by outcomes.analyses; no run holds a person-level record."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAuthenticated, RoleAllowed]
    read_roles = frozenset({Role.POLICY_LEAD, Role.WARD_MANAGER})
    write_roles = read_roles
    serializer_class = s.AnalysisRunSerializer
    queryset = AnalysisRun.objects.select_related("job").order_by("-created_at", "-id")
    filterset_class = filterset(
        AnalysisRun,
        exact=("kind",),
        dates=("created_at",),
        status=django_filters.ChoiceFilter(
            field_name="job__state", choices=Job.State.choices, help_text="State of the run's job."
        ),
    )
    ordering_fields = ["created_at"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = analysis_request(
            kind=serializer.validated_data["kind"],
            parameters=serializer.validated_data.get("parameters") or {},
            requested_by=scoping.signed_in(request.user),
        )
        return Response(self.get_serializer(run).data, status=status.HTTP_201_CREATED)


class RetentionViewSet(AuditedReads):
    """Retention report, for the data protection officer: closed cases kept past the retention period
    (RETENTION_YEARS after closing), due for review and deletion."""

    model = Household
    read_roles = frozenset({Role.DATA_PROTECTION_OFFICER})
    serializer_class = s.RetentionSerializer
    filterset_class = filterset(Household, ids={"ward": "ward"}, dates=("closed_on",))
    ordering_fields = ["closed_on", "case_reference"]

    def get_queryset(self) -> models.QuerySet:
        due = Household.objects.past_retention(timezone.localdate(), years=RETENTION_YEARS)
        return due.annotate(members=Count("memberships__person", distinct=True)).order_by("closed_on", "pk")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "years": RETENTION_YEARS}
