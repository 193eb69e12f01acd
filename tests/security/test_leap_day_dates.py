"""Dates that may not exist: a case closed on 29 February is due for review six years on without a 500, and
the report's "due" date and its list agree day for day."""

from datetime import date, timedelta

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from households.models import Household
from taskforce.org.dates import latest_start, years_after
from taskforce.org.models import StaffProfile
from tests.api.conftest import client_for
from tests.factories import HouseholdFactory

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


def test_six_years_after_a_leap_day_is_the_last_of_february() -> None:
    assert years_after(date(2020, 2, 29), 6) == date(2026, 2, 28)
    assert years_after(date(2020, 2, 29), 8) == date(2028, 2, 29)


@given(day=days, on=days, years=st.integers(min_value=0, max_value=10))
def test_a_period_has_run_exactly_when_its_end_is_not_after_today(day: date, on: date, years: int) -> None:
    assert (day <= latest_start(on, years)) == (years_after(day, years) <= on)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/retention/", "/api/v1/retention/export/"])
def test_retention_report_lists_a_case_closed_on_29_february(
    data_protection_officer: StaffProfile, path: str
) -> None:
    HouseholdFactory(status=Household.Status.CLOSED, closed_on=date(2020, 2, 29))
    HouseholdFactory(status=Household.Status.CLOSED, closed_on=date(2020, 3, 1))
    api = client_for(data_protection_officer.user)
    with time_machine.travel(date(2026, 2, 28) + timedelta(hours=12), tick=False):
        response = api.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "2020-02-29" in body
    assert "2026-02-28" in body
    assert "2020-03-01" not in body
