"""Writes for interventions and referrals. Each validates, then saves, in one transaction.

As in households.services, each record has one TypedDict of the fields that may change once recorded, in
the order its form shows them: its keys are the form's fields and what its edit page fills in, its types
those of the create and update services' keyword arguments.
"""

from datetime import date
from decimal import Decimal
from typing import TypedDict, Unpack

from django.db import transaction

from households.models import Household, Person
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


@transaction.atomic
def referral_send(*, household: Household, from_agency: Agency, **fields: Unpack[ReferralFields]) -> Referral:
    """Record a referral from one agency to another."""
    return records.create(Referral(household=household, from_agency=from_agency, **fields))


@transaction.atomic
def referral_update(*, referral: Referral, **changes: Unpack[ReferralFields]) -> Referral:
    return records.update(referral, editable=REFERRAL_FIELDS, changes=changes)
