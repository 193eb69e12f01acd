"""Writes for households, people and homes. Each validates, then saves, in one transaction.

A record that may change once recorded has one TypedDict of the fields that may change, in the order its
form shows them. Its keys (HOUSEHOLD_FIELDS, PERSON_FIELDS, ...) are the form's fields and what its edit
page fills in; its types are those of the update service's keyword arguments, and of the create service's
where the record is created from the same fields.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import TypedDict, Unpack

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from taskforce.org import audit, records, scoping
from taskforce.org.models import AccessLog, Agency, Area, BreakGlassGrant, StaffProfile

from .models import (
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


class HouseholdFields(TypedDict, total=False):
    ward: Area
    opened_on: date
    status: str
    closed_on: date | None
    closure_reason: str


class PersonFields(TypedDict, total=False):
    given_name: str
    family_name: str
    date_of_birth: date
    nino: str | None
    sex: str


class MembershipFields(TypedDict, total=False):
    relationship: str
    joined_on: date
    left_on: date | None


class ResidenceFields(TypedDict, total=False):
    moved_in: date
    moved_out: date | None


class DataSharingBasisFields(TypedDict, total=False):
    basis: str
    agencies: Iterable[Agency]
    starts_on: date
    expires_on: date | None
    withdrawn_on: date | None
    agreed_by: str


class PlacementFields(TypedDict, total=False):
    placing_authority: PlacingAuthority
    type: PlacementType
    legal_basis: str
    placed_on: date
    ended_on: date | None
    accommodation: Property | None
    notification_received_on: date | None


class PropertyFields(TypedDict, total=False):
    uprn: int | None
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    area: Area
    tenure: str
    is_hmo: bool
    landlord: str


class LicenceFields(TypedDict, total=False):
    """The number is not among them: it identifies the licence."""

    scheme: str
    holder: str
    manager: str
    starts_on: date
    expires_on: date
    max_occupiers: int
    max_households: int
    conditions: str
    decision: str
    revoked_on: date | None


class DesignationFields(TypedDict, total=False):
    name: str
    scheme: str
    wards: Iterable[Area]
    starts_on: date
    ends_on: date
    description: str


class InspectionFields(TypedDict, total=False):
    inspected_on: date
    officer: StaffProfile | None
    reason: str
    notes: str


class HazardFindingFields(TypedDict, total=False):
    """The hazard is not among them: a different hazard is a different finding."""

    score: int
    status: str
    remedied_on: date | None


class EnforcementActionFields(TypedDict, total=False):
    type: str
    finding: HazardFinding | None
    served_on: date
    comply_by: date | None
    status: str
    complied_on: date | None
    penalty_amount: Decimal | None


HOUSEHOLD_FIELDS = tuple(HouseholdFields.__annotations__)
PERSON_FIELDS = tuple(PersonFields.__annotations__)
MEMBERSHIP_FIELDS = tuple(MembershipFields.__annotations__)
RESIDENCE_FIELDS = tuple(ResidenceFields.__annotations__)
DATA_SHARING_BASIS_FIELDS = tuple(DataSharingBasisFields.__annotations__)
PLACEMENT_FIELDS = tuple(PlacementFields.__annotations__)
PROPERTY_FIELDS = tuple(PropertyFields.__annotations__)
LICENCE_FIELDS = tuple(LicenceFields.__annotations__)
DESIGNATION_FIELDS = tuple(DesignationFields.__annotations__)
INSPECTION_FIELDS = tuple(InspectionFields.__annotations__)
HAZARD_FINDING_FIELDS = tuple(HazardFindingFields.__annotations__)
ENFORCEMENT_ACTION_FIELDS = tuple(EnforcementActionFields.__annotations__)


class MoveError(ValidationError):
    pass


@transaction.atomic
def household_open(
    *, case_reference: str, ward: Area, opened_on: date, key_worker: StaffProfile | None = None
) -> Household:
    household = Household(
        case_reference=case_reference, ward=ward, opened_on=opened_on, key_worker=key_worker
    )
    household.full_clean()
    household.save()
    return household


@transaction.atomic
def household_close(*, household: Household, on: date, reason: str = "") -> Household:
    """Close the case: members leave and the household moves out of its current home on the same day."""
    household.status = Household.Status.CLOSED
    household.closed_on = on
    household.closure_reason = reason
    household.full_clean()
    household.save(update_fields=["status", "closed_on", "closure_reason"])
    for membership in household.memberships.filter(left_on__isnull=True):
        membership.left_on = max(on, membership.joined_on)
        membership.full_clean()
        membership.save(update_fields=["left_on"])
    current = household.residences.filter(moved_out__isnull=True).first()
    if current:
        current.moved_out = max(on, current.moved_in)
        current.full_clean()
        current.save(update_fields=["moved_out"])
    return household


@transaction.atomic
def household_move(*, household: Household, to: Property, on: date) -> Residence:
    current = household.residences.select_for_update().filter(moved_out__isnull=True).first()
    if current and on < current.moved_in:
        raise MoveError(
            {
                "moved_in": f"{household} moved into its current home on {current.moved_in:%d %B %Y}, after {on:%d %B %Y}."
            }
        )
    if current:
        current.moved_out = on
        current.full_clean()
        current.save(update_fields=["moved_out"])
    residence = Residence(household=household, property=to, moved_in=on)
    residence.full_clean()
    residence.save()
    return residence


@transaction.atomic
def person_create(
    *, given_name: str, family_name: str, date_of_birth: date, nino: str | None = None, sex: str = ""
) -> Person:
    person = Person(
        given_name=given_name, family_name=family_name, date_of_birth=date_of_birth, nino=nino, sex=sex
    )
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def membership_start(*, household: Household, person: Person, relationship: str, on: date) -> Membership:
    membership = Membership(household=household, person=person, relationship=relationship, joined_on=on)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, on: date) -> Membership:
    membership.left_on = on
    membership.full_clean()
    membership.save(update_fields=["left_on"])
    return membership


@transaction.atomic
def household_register(
    *,
    case_reference: str,
    ward: Area,
    opened_on: date,
    basis: str,
    agencies: Iterable[Agency],
    recorded_by: User,
    key_worker: StaffProfile | None = None,
) -> Household:
    """Open a case together with the data-sharing basis that lets the agencies in it work on it."""
    household = household_open(
        case_reference=case_reference, ward=ward, opened_on=opened_on, key_worker=key_worker
    )
    data_sharing_basis_record(
        household=household, basis=basis, agencies=agencies, starts_on=opened_on, recorded_by=recorded_by
    )
    return household


@transaction.atomic
def household_assign(*, household: Household, key_worker: StaffProfile | None) -> Household:
    """Give the case to a caseworker who works in its ward (None leaves it unassigned).

    The household's row is locked until the transaction ends and its ward read again under the lock, so two
    managers assigning the same case at once write one after the other.
    """
    list(Household.objects.select_for_update(of=("self",)).filter(pk=household.pk).values_list("pk"))
    household.refresh_from_db(fields=["ward", "key_worker"])
    if key_worker is not None and (
        key_worker.role != StaffProfile.Role.CASEWORKER
        or not key_worker.wards.filter(pk=household.ward_id).exists()
    ):
        raise ValidationError(
            {"key_worker": f"The key worker must be a caseworker in {household.ward.name}."}
        )
    household.key_worker = key_worker
    household.full_clean()
    household.save(update_fields=["key_worker"])
    return household


def _staff_name(profile: StaffProfile) -> str:
    return profile.user.get_full_name() or profile.user.get_username()


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


@transaction.atomic
def household_assign_many(*, households: Iterable[Household], key_worker: StaffProfile) -> list[Household]:
    """Give every one of the cases to one caseworker, or none of them: the key worker must be a caseworker
    in each household's ward (the rule of `household_assign`). A refusal names every household that breaks
    it, and nothing is written."""
    ids = {household.pk for household in households}
    if not ids:
        raise ValidationError({"households": "Select at least one household to assign."})
    locked = list(
        Household.objects.select_for_update(of=("self",))
        .select_related("ward")
        .filter(pk__in=ids)
        .order_by("case_reference")
    )
    name = _staff_name(key_worker)
    if key_worker.role != StaffProfile.Role.CASEWORKER:
        raise ValidationError(
            {"key_worker": f"Nothing was assigned: {name} is not a caseworker, and a key worker must be one."}
        )
    wards = set(key_worker.wards.values_list("pk", flat=True))
    refused = [household for household in locked if household.ward_id not in wards]
    if refused:
        names = _listing([f"{household} ({household.ward.name})" for household in refused])
        raise ValidationError(
            {
                "key_worker": f"Nothing was assigned: {name} is not a caseworker in the ward of {names}. "
                "A key worker must be a caseworker in the household's ward."
            }
        )
    return [
        household
        if household.key_worker_id == key_worker.pk
        else household_assign(household=household, key_worker=key_worker)
        for household in locked
    ]


@transaction.atomic
def person_register(
    *,
    household: Household,
    relationship: str,
    joined_on: date,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    nino: str | None = None,
    sex: str = "",
) -> Person:
    """Record a person as a member of a household from `joined_on`."""
    person = person_create(
        given_name=given_name, family_name=family_name, date_of_birth=date_of_birth, nino=nino, sex=sex
    )
    membership_start(household=household, person=person, relationship=relationship, on=joined_on)
    return person


@transaction.atomic
def residence_record(*, household: Household, property: Property, moved_in: date) -> Residence:
    return household_move(household=household, to=property, on=moved_in)


@transaction.atomic
def data_sharing_basis_record(
    *,
    household: Household,
    basis: str,
    agencies: Iterable[Agency],
    starts_on: date,
    recorded_by: User | None,
    expires_on: date | None = None,
    withdrawn_on: date | None = None,
    agreed_by: str = "",
) -> DataSharingBasis:
    agencies = list(agencies)
    if not agencies:
        raise ValidationError({"agencies": "Name at least one agency the basis covers."})
    sharing = records.create(
        DataSharingBasis(
            household=household,
            basis=basis,
            starts_on=starts_on,
            expires_on=expires_on,
            withdrawn_on=withdrawn_on,
            agreed_by=agreed_by,
            recorded_by=recorded_by,
        )
    )
    sharing.agencies.set(agencies)
    return sharing


@transaction.atomic
def data_sharing_basis_extend(
    *,
    household: Household,
    agency: Agency,
    basis: str,
    agreed_by: str,
    agreed_on: date,
    recorded_by: User | None,
    expires_on: date | None = None,
) -> DataSharingBasis:
    """Extend a household's sharing to one more agency: a further basis, on the gateway given, agreed by
    someone named, in force from the day they agreed. The household's other bases are left as they are."""
    agreed_by = " ".join(agreed_by.split())
    if not agreed_by:
        raise ValidationError(
            {"agreed_by": "Enter who agreed to share the household's data with the agency."}
        )
    sharing = records.create(
        DataSharingBasis(
            household=household,
            basis=basis,
            starts_on=agreed_on,
            expires_on=expires_on,
            agreed_by=agreed_by,
            recorded_by=recorded_by,
        )
    )
    sharing.agencies.set([agency])
    return sharing


@transaction.atomic
def placement_record(*, household: Household, **fields: Unpack[PlacementFields]) -> Placement:
    """Record a placement into the wards."""
    return records.create(Placement(household=household, **fields))


@transaction.atomic
def property_register(**fields: Unpack[PropertyFields]) -> Property:
    return records.create(Property(**fields))


@transaction.atomic
def licence_record(*, property: Property, number: str, **fields: Unpack[LicenceFields]) -> Licence:
    return records.create(Licence(property=property, number=number, **fields))


@transaction.atomic
def designation_record(**fields: Unpack[DesignationFields]) -> LicensingDesignation:
    """Record an additional or selective licensing designation over one or more wards."""
    wards = list(fields.pop("wards", ()))
    if not wards:
        raise ValidationError({"wards": "Name at least one ward the designation covers."})
    designation = records.create(LicensingDesignation(**fields))
    designation.wards.set(wards)
    return designation


@transaction.atomic
def designation_update(
    *, designation: LicensingDesignation, **changes: Unpack[DesignationFields]
) -> LicensingDesignation:
    wards = changes.pop("wards", None)
    records.update(designation, editable=DESIGNATION_FIELDS, changes=changes)
    if wards is not None:
        wards = list(wards)
        if not wards:
            raise ValidationError({"wards": "Name at least one ward the designation covers."})
        designation.wards.set(wards)
    return designation


@transaction.atomic
def inspection_record(*, property: Property, **fields: Unpack[InspectionFields]) -> Inspection:
    return records.create(Inspection(property=property, **fields))


@transaction.atomic
def hazard_finding_record(
    *, inspection: Inspection, hazard: Hazard, **fields: Unpack[HazardFindingFields]
) -> HazardFinding:
    return records.create(HazardFinding(inspection=inspection, hazard=hazard, **fields))


@transaction.atomic
def enforcement_record(*, property: Property, **fields: Unpack[EnforcementActionFields]) -> EnforcementAction:
    return records.create(EnforcementAction(property=property, **fields))


@transaction.atomic
def data_sharing_basis_cover(*, basis: DataSharingBasis, agencies: Iterable[Agency]) -> DataSharingBasis:
    """Change which agencies a data-sharing basis covers."""
    agencies = list(agencies)
    if not agencies:
        raise ValidationError({"agencies": "Name at least one agency the basis covers."})
    basis.agencies.set(agencies)
    return basis


@transaction.atomic
def household_update(
    *, household: Household, end_memberships_and_home: bool = True, **changes: Unpack[HouseholdFields]
) -> Household:
    """Change a case. Closing it (status closed with a closed_on date) also ends its current memberships and
    its current home on that day, unless `end_memberships_and_home` is False."""
    closing = changes.get("status") == Household.Status.CLOSED and household.status != Household.Status.CLOSED
    if changes.get("status") == Household.Status.OPEN:
        household.closure_reason = ""  # a reopened case has no reason for closing
    if not (closing and end_memberships_and_home):
        return records.update(household, editable=HOUSEHOLD_FIELDS, changes=changes)
    del changes["status"]
    closed_on = changes.pop("closed_on", None)
    if closed_on is None:
        raise ValidationError({"closed_on": "Enter the date the case closed"})
    reason = changes.pop("closure_reason", "")
    if changes:
        records.update(household, editable=HOUSEHOLD_FIELDS, changes=changes)
    return household_close(household=household, on=closed_on, reason=reason)


@transaction.atomic
def person_update(*, person: Person, **changes: Unpack[PersonFields]) -> Person:
    return records.update(person, editable=PERSON_FIELDS, changes=changes)


@transaction.atomic
def membership_update(*, membership: Membership, **changes: Unpack[MembershipFields]) -> Membership:
    return records.update(membership, editable=MEMBERSHIP_FIELDS, changes=changes)


@transaction.atomic
def residence_update(*, residence: Residence, **changes: Unpack[ResidenceFields]) -> Residence:
    return records.update(residence, editable=RESIDENCE_FIELDS, changes=changes)


@transaction.atomic
def data_sharing_basis_update(
    *, data_sharing_basis: DataSharingBasis, **changes: Unpack[DataSharingBasisFields]
) -> DataSharingBasis:
    agencies = changes.pop("agencies", None)
    records.update(data_sharing_basis, editable=DATA_SHARING_BASIS_FIELDS, changes=changes)
    if agencies is not None:
        data_sharing_basis_cover(basis=data_sharing_basis, agencies=agencies)
    return data_sharing_basis


@transaction.atomic
def placement_update(*, placement: Placement, **changes: Unpack[PlacementFields]) -> Placement:
    return records.update(placement, editable=PLACEMENT_FIELDS, changes=changes)


@transaction.atomic
def property_update(*, property: Property, **changes: Unpack[PropertyFields]) -> Property:
    return records.update(property, editable=PROPERTY_FIELDS, changes=changes)


@transaction.atomic
def licence_update(*, licence: Licence, **changes: Unpack[LicenceFields]) -> Licence:
    return records.update(licence, editable=LICENCE_FIELDS, changes=changes)


@transaction.atomic
def inspection_update(*, inspection: Inspection, **changes: Unpack[InspectionFields]) -> Inspection:
    return records.update(inspection, editable=INSPECTION_FIELDS, changes=changes)


@transaction.atomic
def hazard_finding_update(
    *, hazard_finding: HazardFinding, **changes: Unpack[HazardFindingFields]
) -> HazardFinding:
    return records.update(hazard_finding, editable=HAZARD_FINDING_FIELDS, changes=changes)


@transaction.atomic
def enforcement_update(
    *, enforcement_action: EnforcementAction, **changes: Unpack[EnforcementActionFields]
) -> EnforcementAction:
    return records.update(enforcement_action, editable=ENFORCEMENT_ACTION_FIELDS, changes=changes)


BREAK_GLASS_HOURS = 8


@transaction.atomic
def break_glass_open(
    *, user: User, household: Household, reason: str, client_address: str | None
) -> BreakGlassGrant:
    """Open one household outside a ward manager's wards for BREAK_GLASS_HOURS, logged with the reason."""
    if not scoping.may_write(user, "break_glass"):
        raise ValidationError({"household": "Only a ward manager can break glass."})
    now = timezone.now()
    grant = BreakGlassGrant(
        user=user,
        household=household,
        reason=reason.strip(),
        granted_at=now,
        expires_at=now + timedelta(hours=BREAK_GLASS_HOURS),
    )
    grant.full_clean()
    grant.save()
    audit.access_record(
        user=user,
        route=AccessLog.Route.API,
        action=AccessLog.Action.BREAK_GLASS,
        resource="households.household",
        object_ids=[grant.household_id],
        person_ids=audit.people_exposed_by(type(grant.household), [grant.household_id]),
        purpose=grant.reason,
        client_address=client_address,
    )
    return grant
