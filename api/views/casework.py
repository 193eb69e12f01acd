"""Case work: households and people, memberships, moves, data-sharing bases, placements, interventions and
referrals. Caseworkers write them; ward managers assign a household's key worker."""

from collections.abc import Mapping
from typing import Any, cast

from django.db import models, transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from households import duplicates, linking
from households import services as household_services
from households.models import DataSharingBasis, Household, Membership, Person, Placement, Residence
from interventions import services as intervention_services
from interventions.models import Intervention, Referral
from taskforce.org import scoping

from .. import people_serializers as ps
from .. import serializers as s
from ..concurrency import etag_of, require_current
from ..filters import char, current, filterset
from .base import IF_MATCH, RecordViewSet
from .people_links import DuplicatesFound


@extend_schema_view(create=extend_schema(responses={201: s.HouseholdSerializer}))
class HouseholdViewSet(RecordViewSet):
    """Households (cases) you may see; caseworkers open and update them, ward managers assign them."""

    model = Household
    writes = "case"
    action_writes = {"assign": "key_worker"}
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


@extend_schema_view(
    create=extend_schema(
        responses={201: s.PersonSerializer, 409: ps.DuplicatesFoundSerializer},
        description="Add a person to a household. When the details match people already recorded (name "
        "similarity, date of birth, National Insurance number, a home at the same postcode) the answer is 409 "
        "with possible_duplicates, and nothing is written: resend with confirm_distinct true to add a "
        "different person (the matches are then marked as different people), or link the records.",
    )
)
class PersonViewSet(RecordViewSet):
    """People who are or were members of a household you may see."""

    model = Person
    writes = "case"
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
        try:
            person, _ = linking.person_register_checked(user=scoping.signed_in(self.request.user), **data)
        except duplicates.PossibleDuplicates as found:
            raise DuplicatesFound(found.matches) from None
        return person

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.person_update(person=cast(Person, instance), **changes)


class MembershipViewSet(RecordViewSet):
    """Who belongs to which household, and when."""

    model = Membership
    serializer_class = s.MembershipSerializer
    writes = "case"
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


def _membership_args(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "household": data["household"],
        "person": data["person"],
        "relationship": data["relationship"],
        "on": data["joined_on"],
    }

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.membership_update(membership=cast(Membership, instance), **changes)


class ResidenceViewSet(RecordViewSet):
    """Where each household has lived: recording a move ends the current residence."""

    model = Residence
    serializer_class = s.ResidenceSerializer
    writes = "case"
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
    writes = "case"
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
    writes = "case"
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


class InterventionViewSet(RecordViewSet):
    """Interventions (episodes of work) with households, including case notes."""

    model = Intervention
    serializer_class = s.InterventionSerializer
    writes = "case"
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
    writes = "case"
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
