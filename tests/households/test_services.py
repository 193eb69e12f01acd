"""Changes to case records through their update services."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from households.models import Household
from households.services import data_sharing_basis_update, household_update, licence_update
from tests.factories import DataSharingBasisFactory, LicenceFactory, MembershipFactory, agency

pytestmark = pytest.mark.django_db


def test_a_data_sharing_basis_changes_its_dates_and_agencies_together() -> None:
    basis = DataSharingBasisFactory(agencies=[agency("jcp")])

    data_sharing_basis_update(
        data_sharing_basis=basis, expires_on=date(2011, 9, 1), agencies=[agency("jcp"), agency("police")]
    )

    basis.refresh_from_db()
    assert basis.expires_on == date(2011, 9, 1)
    assert {a.code for a in basis.agencies.all()} == {"jcp", "police"}


def test_closing_a_case_ends_its_memberships_on_the_same_day() -> None:
    membership = MembershipFactory()

    household_update(
        household=membership.household, status=Household.Status.CLOSED, closed_on=date(2012, 3, 3)
    )

    membership.refresh_from_db()
    assert membership.household.status == Household.Status.CLOSED
    assert membership.left_on == date(2012, 3, 3)


def test_a_licence_keeps_its_number() -> None:
    licence = LicenceFactory()

    with pytest.raises(ValidationError) as refused:
        licence_update(licence=licence, **{"number": "HMO/99999"})

    assert list(refused.value.message_dict) == ["number"]
