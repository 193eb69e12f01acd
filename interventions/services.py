"""Writes for interventions and referrals. Each validates, then saves, in one transaction.

As in households.services, each record has one TypedDict of the fields that may change once recorded, in
the order its form shows them: its keys are the form's fields and what its edit page fills in, its types
those of the create and update services' keyword arguments.
"""

from datetime import date
from decimal import Decimal
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction

from households.models import DataSharingBasis, Household, Person
from taskforce.org import records
from taskforce.org.models import Agency, StaffProfile

from .models import Intervention, Referral, Service


class InterventionFields(TypedDict, total=False):
    person: Person | None
    service: Service
    worker: StaffProfile | None
    referred_on: date
    started_on: date | None
    ended_on: date | None
    status: str
    outcome: str
    cost: Decimal
    notes: str


class ReferralFields(TypedDict, total=False):
    person: Person | None
    to_agency: Agency
    reason: str
    sent_on: date
    status: str
    responded_on: date | None
    outcome: str


INTERVENTION_FIELDS = tuple(InterventionFields.__annotations__)
REFERRAL_FIELDS = tuple(ReferralFields.__annotations__)


@transaction.atomic
def intervention_record(*, household: Household, **fields: Unpack[InterventionFields]) -> Intervention:
    """Record an intervention with a household."""
    return records.create(Intervention(household=household, **fields))


@transaction.atomic
def intervention_update(*, intervention: Intervention, **changes: Unpack[InterventionFields]) -> Intervention:
    return records.update(intervention, editable=INTERVENTION_FIELDS, changes=changes)


class OutsideBasis(ValidationError):
    """A referral to an agency the household's data-sharing basis does not cover on the day it is sent."""

    def __init__(self, *, household: Household, agency: Agency, on: date) -> None:
        self.household, self.agency, self.on = household, agency, on
        super().__init__({"to_agency": basis_refusal(household=household, agency=agency, on=on)})


def basis_refusal(*, household: Household, agency: Agency, on: date) -> str:
    """Why a referral to `agency` on `on` is refused, naming the basis in force (or its absence)."""
    bases = list(
        DataSharingBasis.objects.filter(household=household).in_force(on).prefetch_related("agencies")
    )
    if bases:
        named = "; ".join(basis.describe() for basis in bases)
        held = f"{household}'s data-sharing basis ({named})"
    else:
        held = f"{household} has no data-sharing basis in force on {on:%-d %B %Y}, so its basis"
    return (
        f"{held} does not cover {agency.name} on {on:%-d %B %Y}. Record an extended basis covering "
        f"{agency.name} (who agreed, when, and on what gateway) before referring; nothing has been saved."
    )


def basis_covers(*, household: Household, agency: Agency, on: date) -> bool:
    return DataSharingBasis.objects.filter(household=household, agencies=agency).in_force(on).exists()


def _require_basis(referral: Referral) -> None:
    complete = referral.household_id and referral.to_agency_id and referral.sent_on
    if complete and not basis_covers(
        household=referral.household, agency=referral.to_agency, on=referral.sent_on
    ):
        raise OutsideBasis(household=referral.household, agency=referral.to_agency, on=referral.sent_on)


@transaction.atomic
def referral_send(*, household: Household, from_agency: Agency, **fields: Unpack[ReferralFields]) -> Referral:
    """Record a referral from one agency to another: only to an agency the household's data-sharing basis
    covers on the day it is sent (else OutsideBasis, and nothing is written)."""
    referral = Referral(household=household, from_agency=from_agency, **fields)
    _require_basis(referral)
    return records.create(referral)


@transaction.atomic
def referral_update(*, referral: Referral, **changes: Unpack[ReferralFields]) -> Referral:
    if "to_agency" in changes or "sent_on" in changes:
        probe = Referral(
            household=referral.household,
            to_agency=changes.get("to_agency", referral.to_agency),
            sent_on=changes.get("sent_on", referral.sent_on),
        )
        _require_basis(probe)
    return records.update(referral, editable=REFERRAL_FIELDS, changes=changes)


def _answerable(referral: Referral, on: date) -> None:
    if referral.status != Referral.Status.SENT:
        raise ValidationError(
            {
                "status": f"This referral was already {referral.get_status_display().lower()}; it cannot be answered again."
            }
        )
    if on < referral.sent_on:
        raise ValidationError(
            {
                "responded_on": f"The answer cannot come before the referral was sent ({referral.sent_on:%-d %B %Y})."
            }
        )


@transaction.atomic
def referral_accept(*, referral: Referral, worker: StaffProfile, on: date) -> Referral:
    """The receiving agency accepts a referral and allocates it to one of its own staff."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _answerable(referral, on)
    if worker.agency_id != referral.to_agency_id:
        raise ValidationError({"worker": f"Allocate the referral to someone in {referral.to_agency.name}."})
    referral.status = Referral.Status.ACCEPTED
    referral.responded_on = on
    referral.allocated_to = worker
    referral.full_clean()
    referral.save(update_fields=["status", "responded_on", "allocated_to"])
    return referral


@transaction.atomic
def referral_decline(*, referral: Referral, reason: str, on: date) -> Referral:
    """The receiving agency declines a referral, saying why."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _answerable(referral, on)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"decline_reason": "Say why the referral is declined."})
    referral.status = Referral.Status.DECLINED
    referral.responded_on = on
    referral.decline_reason = reason
    referral.full_clean()
    referral.save(update_fields=["status", "responded_on", "decline_reason"])
    return referral
