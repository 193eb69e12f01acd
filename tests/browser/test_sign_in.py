"""Signing in as a person does it: the sign-in page, two-factor set-up and codes, lockout, signing out."""

from base64 import b32decode

import pytest
from django.conf import settings
from django_otp.oath import TOTP

from .conftest import UNENROLLED, Pages

pytestmark = pytest.mark.browser


def test_sign_in_page_and_a_wrong_password(pages: Pages) -> None:
    pages.goto("/")
    assert "/sign-in/" in pages.page.url
    pages.check("sign-in")
    pages.page.get_by_label("Username").fill("policylead")
    pages.page.get_by_label("Password").fill("not-the-password")
    pages.click("Sign in")
    assert pages.page.get_by_text("Enter a correct username and password").is_visible()
    pages.check("sign-in-wrong-password")


def test_policy_lead_signs_in_with_a_password_alone_and_signs_out(pages: Pages) -> None:
    pages.sign_in("policylead")
    assert pages.page.url == pages.site.url + "/"
    pages.check("home-policy-lead")
    pages.click("Sign out")
    assert "/sign-in/" in pages.page.url
    pages.goto("/")
    assert "/sign-in/" in pages.page.url


def test_caseworker_enters_a_code_after_the_password(pages: Pages) -> None:
    page = pages.page
    pages.goto("/sign-in/")
    page.get_by_label("Username").fill("caseworker")
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    pages.click("Sign in")
    assert "/two-factor/verify/" in page.url
    pages.check("two-factor-verify")
    page.get_by_label("Code from your authenticator app").fill("000000")
    pages.click("Continue")
    assert page.get_by_text("That code is not right or has expired").first.is_visible()
    pages.check("two-factor-verify-wrong-code")
    page.wait_for_timeout(1100)  # the first wrong code holds further tries for a second
    page.get_by_label("Code from your authenticator app").fill(pages.site.totp("caseworker"))
    pages.click("Continue")
    assert page.url == pages.site.url + "/"
    pages.check("home-caseworker")


def test_a_new_caseworker_sets_up_an_authenticator_app(pages: Pages) -> None:
    page = pages.page
    pages.sign_in(UNENROLLED)
    assert "/two-factor/set-up/" in page.url
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    pages.check("two-factor-set-up")
    secret = page.locator(".totp-secret").inner_text()
    page.get_by_label("Code from your authenticator app").fill(f"{TOTP(b32decode(secret)).token():06d}")
    pages.click("Turn on two-factor sign-in")
    assert page.url == pages.site.url + "/"
    pages.check("home-after-set-up")


def test_an_account_locks_after_five_wrong_passwords(pages: Pages) -> None:
    page = pages.page
    for _ in range(5):
        pages.goto("/sign-in/")
        page.get_by_label("Username").fill("caseworker.nhs")
        page.get_by_label("Password").fill("a-wrong-password")
        pages.click("Sign in")
    assert page.get_by_text("This account is locked").is_visible()
    assert page.get_by_text("Wait 30 minutes").is_visible()
    pages.check("sign-in-locked")
