"""Web pages: personas sign in through the browser session; two-factor sign-in has its own tests."""

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from taskforce.org.models import StaffProfile
from tests.factories import (
    InterventionFactory,
    MembershipFactory,
    PersonFactory,
    ResidenceFactory,
    agency,
    shared_household,
)


@pytest.fixture(autouse=True)
def _no_second_factor(settings: Settings) -> None:
    settings.TASKFORCE_REQUIRE_2FA = False


def signed_in(client: Client, profile: StaffProfile | None) -> Client:
    if profile is not None:
        client.force_login(profile.user)
    return client


@pytest.fixture
def mine(db: None) -> dict[str, int]:
    """A household shared with Jobcentre Plus (the `caseworker` persona's agency) in Cliftonville West."""
    household = shared_household(agency("jcp"), case_reference="MTF-000001")
    member = MembershipFactory(
        household=household, person=PersonFactory(family_name="Shown", nino="AB123456C")
    )
    residence = ResidenceFactory(household=household, property__postcode="CT9 1AA", property__uprn=100200300)
    intervention = InterventionFactory(household=household, person=member.person, notes="Seen at home")
    return {
        "household": household.pk,
        "person": member.person_id,
        "membership": member.pk,
        "intervention": intervention.pk,
        "property": residence.property_id,
    }


@pytest.fixture
def theirs(db: None) -> dict[str, int]:
    """A household in the same ward shared only with Kent Police: out of the caseworker's scope."""
    household = shared_household(agency("police"), case_reference="MTF-900001")
    member = MembershipFactory(household=household, person=PersonFactory(family_name="Hidden"))
    intervention = InterventionFactory(household=household)
    return {
        "household": household.pk,
        "person": member.person_id,
        "membership": member.pk,
        "intervention": intervention.pk,
    }
