"""Sessions: a new key at sign-in, gone at sign-out, 30 minutes idle and 12 hours absolute."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from taskforce.org.middleware import SIGNED_IN_AT
from taskforce.org.models import StaffProfile

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def test_sign_in_issues_a_new_session_key(client: Client, caseworker: StaffProfile) -> None:
    client.get("/sign-in/")
    client.session.save()
    before = client.session.session_key
    client.post("/sign-in/", {"username": "casey", "password": PASSWORD})
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_sign_out_deletes_the_session_on_the_server(client: Client, caseworker: StaffProfile) -> None:
    client.post("/sign-in/", {"username": "casey", "password": PASSWORD})
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()
    client.post("/sign-out/")
    assert not Session.objects.filter(session_key=key).exists()
    # Replaying the old cookie does not bring the session back.
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert client.get("/").status_code == 302


def test_sign_out_needs_a_post(client: Client, caseworker: StaffProfile) -> None:
    client.force_login(caseworker.user)
    assert client.get("/sign-out/").status_code == 405
    assert client.get("/").status_code == 200


def test_idle_limit_is_thirty_minutes_renewed_by_each_request() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_each_request_pushes_the_idle_expiry_back(client: Client, caseworker: StaffProfile) -> None:
    client.force_login(caseworker.user)
    key = client.session.session_key
    soon = timezone.now() + timedelta(minutes=1)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date > soon + timedelta(minutes=28)


def test_an_idle_session_has_expired(client: Client, caseworker: StaffProfile) -> None:
    client.force_login(caseworker.user)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/").status_code == 302


def _age_session(client: Client, seconds: int) -> None:
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - seconds
    session.save()


def test_session_ends_twelve_hours_after_sign_in_however_active(
    client: Client, caseworker: StaffProfile
) -> None:
    client.post("/sign-in/", {"username": "casey", "password": PASSWORD})
    _age_session(client, 12 * 60 * 60 + 1)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    assert "_auth_user_id" not in client.session


def test_session_lasts_until_twelve_hours(client: Client, caseworker: StaffProfile) -> None:
    client.post("/sign-in/", {"username": "casey", "password": PASSWORD})
    _age_session(client, 12 * 60 * 60 - 60)
    assert client.get("/").status_code == 200


def test_expired_session_says_why_on_the_sign_in_page(client: Client, caseworker: StaffProfile) -> None:
    client.post("/sign-in/", {"username": "casey", "password": PASSWORD})
    _age_session(client, 13 * 60 * 60)
    page = client.get("/", follow=True).content.decode()
    assert "more than 12 hours ago" in page


def test_signing_in_again_restarts_the_twelve_hours(client: Client, caseworker: StaffProfile) -> None:
    client.post("/sign-in/", {"username": "casey", "password": PASSWORD})
    _age_session(client, 11 * 60 * 60)
    client.post("/sign-in/", {"username": "casey", "password": PASSWORD})
    assert time.time() - client.session[SIGNED_IN_AT] < 60
