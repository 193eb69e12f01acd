"""Two-factor sign-in: required for roles that see named people and for administrators, set up once."""

import re
from binascii import unhexlify

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from taskforce.org.models import StaffProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _two_factor_on(settings: Settings) -> None:
    settings.TASKFORCE_REQUIRE_2FA = True


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(unhexlify(device.key), device.step, device.t0, device.digits, device.drift)
    totp.time += steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, username: str) -> None:
    assert client.post("/sign-in/", {"username": username, "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize(
    "persona", ["caseworker", "housing_officer", "ward_manager", "data_protection_officer"]
)
def test_roles_that_see_named_people_are_sent_to_set_up(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    profile = request.getfixturevalue(persona)
    sign_in(client, profile.user.username)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/two-factor/set-up/?next=%2F"


@pytest.mark.parametrize("persona", ["policy_lead"])
def test_roles_without_personal_data_go_straight_in(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    profile = request.getfixturevalue(persona)
    sign_in(client, profile.user.username)
    assert client.get("/").status_code == 200


def test_an_administrator_must_use_two_factor(client: Client) -> None:
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 302


def test_setting_off_lets_everyone_in_on_a_password(
    client: Client, caseworker: StaffProfile, settings: Settings
) -> None:
    settings.TASKFORCE_REQUIRE_2FA = False
    sign_in(client, "casey")
    assert client.get("/").status_code == 200


def test_set_up_shows_a_qr_code_and_the_secret_then_a_good_code_turns_it_on(
    client: Client, caseworker: StaffProfile
) -> None:
    sign_in(client, "casey")
    page = client.get("/two-factor/set-up/?next=/").content.decode()
    assert "<svg" in page
    assert 'aria-label="QR code for your authenticator app"' in page
    secret = re.search(r'class="totp-secret">([A-Z2-7=]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=caseworker.user)
    assert not device.confirmed
    response = client.post("/two-factor/set-up/", {"token": code(device), "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert device.config_url.split("secret=")[1].startswith(secret.rstrip("="))
    assert client.get("/").status_code == 200


def test_a_wrong_code_at_set_up_is_refused_with_a_clear_error(
    client: Client, caseworker: StaffProfile
) -> None:
    sign_in(client, "casey")
    client.get("/two-factor/set-up/")
    response = client.post("/two-factor/set-up/", {"token": "000000"})
    assert response.status_code == 200
    assert "That code is not right or has expired" in response.content.decode()
    assert not TOTPDevice.objects.get(user=caseworker.user).confirmed
    assert client.get("/").status_code == 302


def test_a_code_that_is_not_six_digits_is_refused(client: Client, caseworker: StaffProfile) -> None:
    sign_in(client, "casey")
    response = client.post("/two-factor/set-up/", {"token": "12ab"})
    assert "Enter the 6-digit code" in response.content.decode()


def confirmed(user: object) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def test_an_enrolled_user_is_asked_for_a_code_at_each_sign_in(
    client: Client, caseworker: StaffProfile
) -> None:
    device = confirmed(caseworker.user)
    sign_in(client, "casey")
    response = client.get("/households/")
    assert response["Location"] == "/two-factor/verify/?next=%2Fhouseholds%2F"
    response = client.post("/two-factor/verify/", {"token": code(device), "next": "/"})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_code_cannot_be_used_twice(client: Client, caseworker: StaffProfile) -> None:
    device = confirmed(caseworker.user)
    token = code(device)
    sign_in(client, "casey")
    client.post("/two-factor/verify/", {"token": token})
    client.post("/sign-out/")
    sign_in(client, "casey")
    response = client.post("/two-factor/verify/", {"token": token})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_wrong_codes_are_slowed_down(client: Client, caseworker: StaffProfile) -> None:
    device = confirmed(caseworker.user)
    sign_in(client, "casey")
    client.post("/two-factor/verify/", {"token": "000000"})
    response = client.post("/two-factor/verify/", {"token": code(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/").status_code == 302


def test_verification_never_redirects_off_site(client: Client, caseworker: StaffProfile) -> None:
    device = confirmed(caseworker.user)
    sign_in(client, "casey")
    response = client.post("/two-factor/verify/", {"token": code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_sign_out_and_health_stay_reachable_before_the_second_factor(
    client: Client, caseworker: StaffProfile
) -> None:
    sign_in(client, "casey")
    assert client.get("/health/").status_code == 200
    assert client.post("/sign-out/").status_code == 302


def test_the_api_answers_403_not_a_redirect_to_an_unverified_session(
    client: Client, caseworker: StaffProfile
) -> None:
    sign_in(client, "casey")
    response = client.get("/api/v1/households/")
    assert response.status_code == 403
    assert "Two-factor" in response.json()["detail"]


def test_force_logged_in_personas_are_not_held_up_when_the_setting_is_off(
    client: Client, caseworker: StaffProfile, settings: Settings
) -> None:
    settings.TASKFORCE_REQUIRE_2FA = False
    client.force_login(caseworker.user)
    assert client.get("/").status_code == 200
