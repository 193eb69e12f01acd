"""An s208 notice received opens a case in one step: the household, its members, the home it was placed in
and the placement, all or nothing. The web form, the API and the import all call `placement_intake`."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from taskforce.org.models import Agency, Area

from . import services
from .models import Household, Membership, Placement, PlacementType, PlacingAuthority, Property


@dataclass(frozen=True)
class IntakeMember:
    given_name: str
    family_name: str
    date_of_birth: date
    relationship: str
    nino: str | None = None
    sex: str = ""


@dataclass(frozen=True)
class IntakeAddress:
    """A home not yet on the system. Placements are into temporary accommodation unless said otherwise."""

    address_line_1: str
    postcode: str
    area: Area
    address_line_2: str = ""
    town: str = "Margate"
    tenure: str = Property.Tenure.TEMPORARY
    uprn: int | None = None


def _prefixed(error: ValidationError, prefix: str) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError({f"{prefix}{field}": msgs for field, msgs in error.message_dict.items()})
    return ValidationError({prefix.rstrip("."): error.messages})


@transaction.atomic
def placement_intake(
    *,
    case_reference: str,
    ward: Area,
    placing_authority: PlacingAuthority,
    type: PlacementType,
    legal_basis: str,
    placed_on: date,
    notification_received_on: date,
    members: Sequence[IntakeMember],
    agencies: Iterable[Agency],
    recorded_by: User | None,
    accommodation: Property | None = None,
    address: IntakeAddress | None = None,
) -> Placement:
    """Open the case from the notice: the household (case opened on the day the notice arrived, shared for
    the public task), its members from the day they were placed, its home and the placement.

    A failure anywhere names the part (`members.2.date_of_birth`, `address.postcode`) and writes nothing.
    """
    if not members:
        raise ValidationError({"members": "Name at least one member of the household."})
    heads = [m for m in members if m.relationship == Membership.Relationship.HEAD]
    if len(heads) != 1:
        raise ValidationError({"members": "Name exactly one head of household."})
    if (accommodation is None) == (address is None):
        raise ValidationError({"address": "Give either the UPRN of a home on the system or a new address."})
    if not placing_authority.gss_code:
        raise ValidationError({"placing_authority": "Choose a local authority from the register."})
    home = accommodation
    if address is not None:
        try:
            home = services.property_register(
                uprn=address.uprn,
                address_line_1=address.address_line_1,
                address_line_2=address.address_line_2,
                town=address.town,
                postcode=address.postcode,
                area=address.area,
                tenure=address.tenure,
            )
        except ValidationError as error:
            raise _prefixed(error, "address.") from error
    if home is None:
        raise ValidationError({"address": "Give the home they were placed in."})
    household: Household = services.household_open(
        case_reference=case_reference, ward=ward, opened_on=notification_received_on
    )
    services.data_sharing_basis_record(
        household=household,
        basis="public_task",
        agencies=agencies,
        starts_on=notification_received_on,
        recorded_by=recorded_by,
    )
    for number, member in enumerate(members, start=1):
        try:
            person = services.person_create(
                given_name=member.given_name,
                family_name=member.family_name,
                date_of_birth=member.date_of_birth,
                nino=member.nino or None,
                sex=member.sex,
            )
            services.membership_start(
                household=household, person=person, relationship=member.relationship, on=placed_on
            )
        except ValidationError as error:
            raise _prefixed(error, f"members.{number}.") from error
    services.household_move(household=household, to=home, on=placed_on)
    return services.placement_record(
        household=household,
        placing_authority=placing_authority,
        type=type,
        legal_basis=legal_basis,
        placed_on=placed_on,
        accommodation=home,
        notification_received_on=notification_received_on,
    )
