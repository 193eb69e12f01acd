"""Sign-in lockout: counted per account, whatever address the attempts claim to come from."""

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from taskforce.org.models import StaffProfile

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def fail(client: Client, username: str, **headers: str) -> int:
    return client.post("/sign-in/", {"username": username, "password": "wrong"}, **headers).status_code


def test_account_locks_after_the_failure_limit_and_says_for_how_long(
    client: Client, caseworker: StaffProfile, settings: Settings
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert fail(client, "casey") == 200
    response = client.post("/sign-in/", {"username": "casey", "password": "wrong"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "This account is locked" in page
    assert "Wait 30 minutes" in page
    assert 'name="username"' in page  # the sign-in form is still there


def test_locked_account_refuses_even_the_right_password(
    client: Client, caseworker: StaffProfile, settings: Settings
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fail(client, "casey")
    response = client.post("/sign-in/", {"username": "casey", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_changing_the_claimed_address_does_not_reset_the_count(
    client: Client, caseworker: StaffProfile, settings: Settings
) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail(client, "casey", REMOTE_ADDR=f"198.51.100.{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = client.post(
        "/sign-in/",
        {"username": "casey", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.99",
        HTTP_X_FORWARDED_FOR="192.0.2.100",
    )
    assert response.status_code == 429


def test_lockout_of_one_account_leaves_others_signing_in(
    client: Client, caseworker: StaffProfile, housing_officer: StaffProfile, settings: Settings
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fail(client, "casey")
    response = client.post("/sign-in/", {"username": "harper", "password": PASSWORD})
    assert response.status_code == 302


def test_a_forwarded_for_header_is_not_trusted_without_a_proxy_count(
    client: Client, caseworker: StaffProfile
) -> None:
    from axes.models import AccessAttempt

    fail(client, "casey", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AccessAttempt.objects.get(username="casey").ip_address == "198.51.100.7"


def test_success_before_the_limit_resets_the_count(
    client: Client, caseworker: StaffProfile, settings: Settings
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        fail(client, "casey")
    assert client.post("/sign-in/", {"username": "casey", "password": PASSWORD}).status_code == 302
    client.post("/sign-out/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert fail(client, "casey") == 200
