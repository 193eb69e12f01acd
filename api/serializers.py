"""Thin serializers: fields in, fields out. Rules live on the models and in the services.

Every relation to a personal-data model accepts only records the requesting user may see, so an
out-of-scope id is refused exactly like one that does not exist.
"""

from datetime import date
from typing import Any

from rest_framework import serializers

from households.models import (
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
    Placement,
    PlacementType,
    PlacingAuthority,
    Property,
    Residence,
)
from interventions.models import Intervention, Referral, Service, ServiceCategory
from jobs.models import Job
from outcomes.models import AnalysisRun, AreaStatistic, BenefitRecord, BenefitType
from taskforce.org.dates import years_after
from taskforce.org.models import AccessLog, Agency, ApiToken, Area, BreakGlassGrant, StaffProfile


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A relation by id that, for personal-data models, offers only what the requesting user may see."""

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)
        except OverflowError:  # an id too large for the database column cannot exist
            self.fail("does_not_exist", pk_value=data)

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()
        request = self.context.get("request")
        user = request.user if request else None
        # A record named in a write: some (a property) may be named beyond what the writer may list.
        if queryset is not None and hasattr(queryset, "addressable_by"):
            queryset = queryset.addressable_by(user)
        elif queryset is not None and hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(user)
        return queryset


class CodeField(serializers.SlugRelatedField):
    """A related record by its code or reference. Text holding a NUL character is refused before the
    lookup: PostgreSQL cannot compare it with anything (it would be a server error, not a 400)."""

    default_error_messages = {"null_characters": "Null characters are not allowed."}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


class ModelSerializer(serializers.ModelSerializer):
    serializer_related_field = ScopedPrimaryKeyRelatedField


class AreaSerializer(ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "gss_code", "vintage", "name", "type", "parent", "is_target", "is_synthetic"]


class AgencySerializer(ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "code", "name", "kind", "sector"]


class StaffSerializer(ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = StaffProfile
        fields = ["id", "username", "name", "agency", "role", "wards"]


class HouseholdSerializer(ModelSerializer):
    closure_reason = serializers.ChoiceField(
        choices=Household.ClosureReason.choices,
        allow_blank=True,
        required=False,
        help_text="Why the case closed; empty while it is open. Give it with status closed and closed_on.",
    )

    class Meta:
        model = Household
        fields = [
            "id",
            "case_reference",
            "ward",
            "key_worker",
            "status",
            "opened_on",
            "closed_on",
            "closure_reason",
        ]
        read_only_fields = ["case_reference", "key_worker"]


class HouseholdCreateSerializer(ModelSerializer):
    basis = serializers.ChoiceField(
        choices=DataSharingBasis.LawfulBasis.choices,
        write_only=True,
        help_text="The lawful basis on which the household's data is shared from the day it opens.",
    )
    agencies = ScopedPrimaryKeyRelatedField(
        queryset=Agency.objects.all(), many=True, write_only=True, help_text="Agencies the basis covers."
    )

    class Meta:
        model = Household
        fields = ["id", "case_reference", "ward", "key_worker", "opened_on", "basis", "agencies"]


class HouseholdAssignSerializer(serializers.Serializer):
    key_worker = ScopedPrimaryKeyRelatedField(queryset=StaffProfile.objects.all(), allow_null=True)


class PersonSerializer(ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "given_name", "family_name", "date_of_birth", "nino", "sex"]


class PersonCreateSerializer(ModelSerializer):
    household = ScopedPrimaryKeyRelatedField(queryset=Household.objects.all(), write_only=True)
    relationship = serializers.ChoiceField(choices=Membership.Relationship.choices, write_only=True)
    joined_on = serializers.DateField(write_only=True)
    confirm_distinct = serializers.BooleanField(
        write_only=True,
        default=False,
        help_text="Set after a 409 listing possible duplicates: this is a different person. The records "
        "listed are then marked as different people.",
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "given_name",
            "family_name",
            "date_of_birth",
            "nino",
            "sex",
            "household",
            "relationship",
            "joined_on",
            "confirm_distinct",
        ]


class MembershipSerializer(ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "household", "person", "relationship", "joined_on", "left_on"]


class ResidenceSerializer(ModelSerializer):
    class Meta:
        model = Residence
        fields = ["id", "household", "property", "moved_in", "moved_out"]
        read_only_fields = ["moved_out"]


class DataSharingBasisSerializer(ModelSerializer):
    class Meta:
        model = DataSharingBasis
        fields = [
            "id",
            "household",
            "basis",
            "agencies",
            "starts_on",
            "expires_on",
            "withdrawn_on",
            "agreed_by",
            "recorded_by",
        ]
        read_only_fields = ["recorded_by"]


class PlacementSerializer(ModelSerializer):
    type = CodeField(slug_field="code", queryset=PlacementType.objects.all())
    placing_authority = ScopedPrimaryKeyRelatedField(
        queryset=PlacingAuthority.objects.exclude(gss_code=""),
        help_text="A local authority from /api/v1/placing-authorities/.",
    )
    notification_due_on = serializers.DateField(read_only=True, allow_null=True)
    deadline_met = serializers.SerializerMethodField(
        help_text="Whether the notification came on time; null where no rule applies or it is not yet due."
    )

    class Meta:
        model = Placement
        fields = [
            "id",
            "household",
            "placing_authority",
            "type",
            "legal_basis",
            "placed_on",
            "ended_on",
            "accommodation",
            "notification_received_on",
            "notification_due_on",
            "deadline_met",
        ]

    def get_deadline_met(self, placement: Placement) -> bool | None:
        return placement.deadline_met()


class PropertySerializer(ModelSerializer):
    occupants = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="People living there today: current members of current residents.",
    )

    class Meta:
        model = Property
        fields = [
            "id",
            "uprn",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "area",
            "tenure",
            "is_hmo",
            "landlord",
            "occupants",
        ]


class LicenceSerializer(ModelSerializer):
    status = serializers.ChoiceField(
        choices=Licence.Status.choices,
        read_only=True,
        help_text="Today's status, derived from the decision and the dates; never stored.",
    )

    class Meta:
        model = Licence
        fields = [
            "id",
            "property",
            "scheme",
            "number",
            "holder",
            "manager",
            "starts_on",
            "expires_on",
            "max_occupiers",
            "max_households",
            "conditions",
            "decision",
            "revoked_on",
            "status",
        ]


class LicensingDesignationSerializer(ModelSerializer):
    wards = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Area.objects.filter(type="ward"), help_text="Ids of the wards it covers."
    )

    class Meta:
        model = LicensingDesignation
        fields = ["id", "name", "scheme", "wards", "starts_on", "ends_on", "description"]


class PublicRegisterSerializer(serializers.ModelSerializer):
    """The Housing Act 2004 s232 register entry: the statutory fields and nothing else."""

    licence_number = serializers.CharField(source="number")
    scheme = serializers.CharField(source="get_scheme_display")
    address = serializers.SerializerMethodField()
    postcode = serializers.CharField(source="property.postcode")
    ward = serializers.CharField(source="property.area.name")
    permitted_occupiers = serializers.IntegerField(source="max_occupiers")
    permitted_households = serializers.IntegerField(source="max_households")

    class Meta:
        model = Licence
        fields = [
            "licence_number",
            "scheme",
            "holder",
            "manager",
            "address",
            "postcode",
            "ward",
            "starts_on",
            "expires_on",
            "permitted_occupiers",
            "permitted_households",
            "conditions",
        ]
        read_only_fields = fields

    def get_address(self, licence: Licence) -> str:
        home = licence.property
        return ", ".join(part for part in (home.address_line_1, home.address_line_2, home.town) if part)


class InspectionSerializer(ModelSerializer):
    class Meta:
        model = Inspection
        fields = ["id", "property", "inspected_on", "officer", "reason", "notes"]


class HazardFindingSerializer(ModelSerializer):
    hazard = CodeField(
        slug_field="number", queryset=Hazard.objects.all(), help_text="HHSRS hazard number, 1 to 29."
    )
    band = serializers.CharField(read_only=True, help_text="HHSRS band A-J, from the score.")
    category = serializers.IntegerField(read_only=True, help_text="1 (score 1000 or more) or 2.")

    class Meta:
        model = HazardFinding
        fields = ["id", "inspection", "hazard", "score", "band", "category", "status", "remedied_on"]


class EnforcementActionSerializer(ModelSerializer):
    appeal_by = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The last day to appeal, from the statutory period for its type; null where none applies.",
    )

    class Meta:
        model = EnforcementAction
        fields = [
            "id",
            "property",
            "finding",
            "type",
            "served_on",
            "comply_by",
            "appeal_by",
            "status",
            "complied_on",
            "penalty_amount",
        ]


class ServiceSerializer(ModelSerializer):
    category = CodeField(slug_field="code", queryset=ServiceCategory.objects.all())

    class Meta:
        model = Service
        fields = ["id", "agency", "category", "name", "is_active"]


class InterventionSerializer(ModelSerializer):
    class Meta:
        model = Intervention
        fields = [
            "id",
            "household",
            "person",
            "service",
            "worker",
            "referred_on",
            "started_on",
            "ended_on",
            "status",
            "outcome",
            "cost",
            "notes",
        ]


class ReferralSerializer(ModelSerializer):
    class Meta:
        model = Referral
        fields = [
            "id",
            "household",
            "person",
            "from_agency",
            "to_agency",
            "reason",
            "sent_on",
            "status",
            "responded_on",
            "outcome",
        ]
        read_only_fields = ["from_agency"]


class BenefitRecordSerializer(ModelSerializer):
    benefit = CodeField(slug_field="code", queryset=BenefitType.objects.all())

    class Meta:
        model = BenefitRecord
        fields = ["id", "person", "month", "benefit", "amount"]


class AreaStatisticSerializer(ModelSerializer):
    period = serializers.CharField(read_only=True, help_text="YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD.")

    class Meta:
        model = AreaStatistic
        fields = [
            "id",
            "area",
            "frequency",
            "period_start",
            "period",
            "measure",
            "value",
            "source",
            "vintage",
        ]


class JobSerializer(ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "state",
            "total",
            "done",
            "percent",
            "message",
            "errors",
            "result",
            "created_at",
            "started_at",
            "finished_at",
        ]


class ApiTokenSerializer(ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]
        read_only_fields = ["prefix", "created_at", "last_used_at"]


class NewApiTokenSerializer(ApiTokenSerializer):
    key = serializers.CharField(
        read_only=True, help_text="Shown once: store it now, it cannot be read again."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]


class AccessLogSerializer(ModelSerializer):
    people = serializers.SerializerMethodField(help_text="Ids of the people whose data the read exposed.")

    class Meta:
        model = AccessLog
        fields = [
            "id",
            "at",
            "user",
            "username",
            "role",
            "route",
            "action",
            "outcome",
            "resource",
            "object_ids",
            "people",
            "query",
            "purpose",
            "client_address",
        ]

    def get_people(self, entry: AccessLog) -> list[int]:
        return [subject.person_id for subject in entry.subjects.all()]


class BreakGlassGrantSerializer(ModelSerializer):
    household = CodeField(
        slug_field="case_reference",
        queryset=Household.objects.all(),
        help_text="Case reference of the household to open.",
    )
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = BreakGlassGrant
        fields = ["id", "household", "reason", "user", "username", "granted_at", "expires_at"]
        read_only_fields = ["user", "granted_at", "expires_at"]


class AnalysisRunSerializer(ModelSerializer):
    # Progress, state, error and finishing time are the run's job's: one state machine per long task.
    status = serializers.ChoiceField(choices=Job.State.choices, source="job.state", read_only=True)
    percent = serializers.IntegerField(source="job.percent", read_only=True, help_text="Progress of the run.")
    error = serializers.CharField(read_only=True)
    finished_at = serializers.DateTimeField(source="job.finished_at", read_only=True, allow_null=True)

    class Meta:
        model = AnalysisRun
        fields = [
            "id",
            "kind",
            "parameters",
            "status",
            "percent",
            "result",
            "error",
            "created_at",
            "finished_at",
        ]
        read_only_fields = ["status", "result", "error", "created_at", "finished_at"]


class RetentionSerializer(ModelSerializer):
    members = serializers.IntegerField(read_only=True, help_text="People who were members of the household.")
    delete_from = serializers.SerializerMethodField(help_text="The first day the records may be deleted.")

    class Meta:
        model = Household
        fields = ["id", "case_reference", "ward", "closed_on", "members", "delete_from"]

    def get_delete_from(self, household: Household) -> date:
        return years_after(household.closed_on, self.context["years"])  # type: ignore[arg-type]
