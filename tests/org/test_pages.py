import pytest
from django.test import Client

from taskforce.org.models import StaffProfile
from tests.factories import HouseholdFactory, ward

pytestmark = pytest.mark.django_db


def test_home_page_needs_a_sign_in(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_caseworker_sees_role_wards_and_open_cases(client: Client, caseworker: StaffProfile) -> None:
    HouseholdFactory.create_batch(3, ward=ward("E05005088"))
    HouseholdFactory(ward=ward("E05005093"))  # not one of this caseworker's wards
    client.force_login(caseworker.user)
    page = client.get("/").content.decode()
    assert "Caseworker" in page
    assert "Cliftonville West" in page
    assert 'Open cases in your wards</dt><dd class="govuk-summary-list__value">3<' in page


def test_policy_lead_home_shows_no_case_counts(client: Client, policy_lead: StaffProfile) -> None:
    HouseholdFactory.create_batch(2)
    client.force_login(policy_lead.user)
    page = client.get("/").content.decode()
    assert "Policy lead" in page
    assert "Open cases" not in page


def test_sign_in_with_a_wrong_password_says_so(client: Client, caseworker: StaffProfile) -> None:
    response = client.post("/sign-in/", {"username": "casey", "password": "wrong"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


def test_sign_in_and_out(client: Client, caseworker: StaffProfile) -> None:
    response = client.post("/sign-in/", {"username": "casey", "password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/sign-out/")
    assert client.get("/").status_code == 302


def test_health_reports_ok(client: Client) -> None:
    assert client.get("/health/").json() == {"status": "ok"}


def test_the_home_page_offers_imports_to_roles_that_may_import(
    client: Client, caseworker: StaffProfile, data_protection_officer: StaffProfile
) -> None:
    hint = "Upload a partner's spreadsheet, see every bad row, then write it all or nothing."
    client.force_login(caseworker.user)
    assert hint in client.get("/").content.decode()
    client.force_login(data_protection_officer.user)
    page = client.get("/").content.decode()
    assert "What you can do" in page
    assert hint not in page
