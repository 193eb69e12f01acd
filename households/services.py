"""Writes for households, people and homes. Each validates, then saves, in one transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from taskforce.models import Area, StaffProfile

from .models import Household, Membership, Person, Property, Residence


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
def household_close(*, household: Household, on: date) -> Household:
    """Close the case: members leave and the household moves out of its current home on the same day."""
    household.status = Household.Status.CLOSED
    household.closed_on = on
    household.full_clean()
    household.save(update_fields=["status", "closed_on"])
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
