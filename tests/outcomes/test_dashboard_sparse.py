"""The dashboards on thin data: no figures yet, a ward figure without its population, a Kent figure missing
for a year, a period before any case was open. Each page renders and says what is missing, never a 500."""

from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from outcomes import dashboards
from outcomes.models import AreaStatistic
from taskforce.org.models import Area, StaffProfile
from tests.factories import AreaStatisticFactory, HouseholdFactory, ward

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKFORCE_REQUIRE_2FA = False
    cache.clear()


def page(profile: StaffProfile, **params: str) -> str:
    client = Client()
    client.force_login(profile.user)
    response = client.get(reverse("outcomes:dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


def monthly(area: Area, measure: str, value: float, year: int = 2011) -> None:
    for month in range(1, 13):
        AreaStatisticFactory(area=area, measure=measure, value=value, period_start=date(year, month, 1))


def kent() -> Area:
    return Area.objects.get(gss_code="E10000016")


def test_with_no_figures_at_all_every_section_says_so(
    ward_manager: StaffProfile, policy_lead: StaffProfile
) -> None:
    assert not AreaStatistic.objects.exists()
    for profile in (ward_manager, policy_lead):
        html = page(profile)
        assert "No published out-of-work figures for these wards and years." in html
        for slug in dashboards.PANELS:
            assert f'id="{slug}"' in html
        client = Client()
        client.force_login(profile.user)
        assert client.get("/api/v1/aggregates/").status_code == 200


def test_ward_claimants_without_their_population(ward_manager: StaffProfile) -> None:
    monthly(ward("E05005088"), "out_of_work_claimants", 400)
    monthly(ward("E05005093"), "out_of_work_claimants", 300)
    html = page(ward_manager)
    assert "No published out-of-work figures" in html


def test_a_ward_rate_with_no_kent_rate_for_its_year(ward_manager: StaffProfile) -> None:
    for code in ("E05005088", "E05005093"):
        monthly(ward(code), "out_of_work_claimants", 400)
        monthly(ward(code), "working_age_population", 2000)
    monthly(kent(), "out_of_work_claimants", 50_000, year=2010)
    monthly(kent(), "working_age_population", 900_000, year=2010)
    html = page(ward_manager)
    assert "In 2011 20.0% of working-age residents" in html
    assert "no Kent figure for 2011" in html


def test_a_period_before_any_case_was_open(ward_manager: StaffProfile, policy_lead: StaffProfile) -> None:
    HouseholdFactory(ward=ward("E05005088"), opened_on=date(2011, 3, 1), key_worker=None)
    for profile in (ward_manager, policy_lead):
        html = page(profile, **{"from": "2006", "to": "2007"})
        assert 'id="caseload"' in html
