"""The data protection officer reads named people (subject access, retention): a password alone is not enough,
in the browser or through an API token, and a token is only as strong as the sign-in that made it."""

from binascii import unhexlify

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from taskforce.org.models import StaffProfile
from taskforce.org.services import api_token_create
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _two_factor_on(settings: Settings) -> None:
    settings.TASKFORCE_REQUIRE_2FA = True


def _code(device: TOTPDevice) -> str:
    totp = TOTP(unhexlify(device.key), device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _sign_in(client: Client, username: str) -> None:
    assert client.post("/sign-in/", {"username": username, "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("path", ["/api/v1/retention/", "subject-access"])
def test_dpo_with_a_password_alone_reads_no_personal_data(
    client: Client, data_protection_officer: StaffProfile, path: str
) -> None:
    person = PersonFactory()
    url = f"/api/v1/subject-access/{person.pk}/" if path == "subject-access" else path
    _sign_in(client, "dana")
    response = client.get(url)
    assert response.status_code == 403
    assert "Two-factor" in response.json()["detail"]


def test_dpo_cannot_turn_a_password_alone_into_a_token(
    client: Client, data_protection_officer: StaffProfile
) -> None:
    _sign_in(client, "dana")
    assert client.post("/api/v1/tokens/", {"name": "script"}).status_code == 403


def test_a_token_made_without_two_factor_is_refused_for_the_dpo(
    client: Client, data_protection_officer: StaffProfile
) -> None:
    person = PersonFactory()
    _token, key = api_token_create(user=data_protection_officer.user, name="old", two_factor=False)
    response = client.get(f"/api/v1/subject-access/{person.pk}/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]


def test_a_token_made_after_two_factor_sign_in_reads_subject_access(
    client: Client, data_protection_officer: StaffProfile
) -> None:
    person = PersonFactory()
    device = TOTPDevice.objects.create(user=data_protection_officer.user, name="app", confirmed=True)
    _sign_in(client, "dana")
    assert client.post("/two-factor/verify/", {"token": _code(device), "next": "/"}).status_code == 302
    made = client.post("/api/v1/tokens/", {"name": "script"})
    assert made.status_code == 201
    client.post("/sign-out/")
    key = made.json()["key"]
    response = Client().get(f"/api/v1/subject-access/{person.pk}/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    # A token made by that token inherits its second factor.
    again = Client().post("/api/v1/tokens/", {"name": "next"}, HTTP_AUTHORIZATION=f"Token {key}")
    assert again.status_code == 201
    response = Client().get("/api/v1/retention/", HTTP_AUTHORIZATION=f"Token {again.json()['key']}")
    assert response.status_code == 200


def test_policy_lead_token_needs_no_second_factor(client: Client, policy_lead: StaffProfile) -> None:
    _token, key = api_token_create(user=policy_lead.user, name="script", two_factor=False)
    assert client.get("/api/v1/tokens/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
