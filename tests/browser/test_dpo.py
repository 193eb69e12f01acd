"""The data protection officer's workspace in the browser, after two-factor sign-in: the access log filtered
to one person, a subject access request from receipt to release, a break-glass review and an erasure."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from .conftest import Pages, Site

pytestmark = pytest.mark.browser

ENROL = (
    "from django.contrib.auth.models import User; "
    "from django_otp.plugins.otp_totp.models import TOTPDevice; "
    "from demo.two_factor import demo_totp_key; "
    "user = User.objects.get(username='dpo'); "
    "TOTPDevice.objects.filter(user=user).exists() or TOTPDevice.objects.create("
    "user=user, name='Authenticator app', key=demo_totp_key('dpo'), confirmed=True)"
)


@pytest.fixture(scope="module", autouse=True)
def _dpo_has_an_authenticator(site: Site) -> None:
    """The demo's data protection officer with the demo's published secret, as the other roles have it."""
    site.run("shell", "-c", ENROL)


def open_workspace(pages: Pages) -> None:
    """Sign in as the data protection officer; the workspace asks for the second factor before it opens."""
    page = pages.page
    pages.sign_in("dpo")
    pages.goto("/privacy/")
    if "/two-factor/verify/" in page.url:
        page.get_by_label("Code from your authenticator app").fill(pages.site.totp("dpo"))
        pages.click("Continue")
    assert page.url == pages.site.url + "/privacy/", page.url


def today() -> date:
    """The server's today: browser journeys run on the machine's clock, in London."""
    return datetime.now(ZoneInfo("Europe/London")).date()


def fill_date(pages: Pages, field: str, day: date) -> None:
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        pages.page.locator(f"#id_{field}_{part}").fill(str(value))


def test_the_access_log_filtered_to_one_person(pages: Pages) -> None:
    page = pages.page
    open_workspace(pages)
    pages.check("workspace")
    pages.click("Subject access requests", role="link")
    pages.check("requests")
    # A request whose data was gathered: its person's data has been read.
    page.get_by_role("row").filter(has_text="Gathered").get_by_role("link").first.click()
    page.wait_for_load_state()
    person = re.search(r"record (\d+)", page.locator(".govuk-summary-list").inner_text())
    assert person, "the request names its person's record"
    pages.goto("/privacy/access-log/")
    pages.check("access-log")
    page.get_by_label("Person").fill(person.group(1))
    pages.click("Apply filters")
    count = page.locator("#log-count").inner_text()
    assert not count.startswith("0 "), count
    assert page.get_by_text("Subject access request export").first.is_visible()
    pages.check("access-log-person")


def test_a_subject_access_request_from_receipt_to_release(pages: Pages) -> None:
    page = pages.page
    open_workspace(pages)
    pages.goto("/privacy/requests/")
    pages.click("Record a request", role="link")
    pages.check("request-new")
    page.get_by_label("Requester's name").fill("Synthetic Requester (browser test)")
    fill_date(pages, "received_on", today())
    pages.click("Record the request")
    assert page.locator("h1").inner_text().endswith("received")
    pages.check("request-received")
    page.get_by_label("Person the request is about").fill("1")
    page.get_by_label("How the identity was checked").fill("Passport seen")
    pages.click("Confirm identity")
    pages.click("Gather the data")
    assert page.locator("h1").inner_text().endswith("gathered")
    pages.check("request-gathered")
    page.locator("#items input[type=checkbox]").first.check()
    page.get_by_label("Why the marked items are withheld").fill("Names a third party")
    pages.click("Save the review")
    assert page.locator("h1").inner_text().endswith("reviewed and redacted")
    assert page.get_by_text("1 withheld").is_visible()
    pages.check("request-reviewed")
    fill_date(pages, "released_on", today())
    pages.click("Mark as released")
    assert page.locator("h1").inner_text().endswith("released")
    pages.check("request-released")


def test_a_break_glass_grant_reviewed_and_closed(pages: Pages) -> None:
    page = pages.page
    open_workspace(pages)
    pages.click("Break-glass grants", role="link")
    pages.check("break-glass")
    page.locator("table").first.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.locator("#grant-reads tbody tr").count() >= 1
    pages.check("break-glass-grant")
    page.get_by_label("Justified", exact=True).check()
    page.get_by_label("Reasons for the finding").fill("A safeguarding call out of hours; the reads fit it")
    pages.click("Close the grant")
    assert page.get_by_text("Grant closed: justified").is_visible()
    pages.check("break-glass-reviewed")


def test_an_erasure_proposed_and_approved(pages: Pages) -> None:
    page = pages.page
    open_workspace(pages)
    pages.click("Retention", role="link")
    pages.check("retention")
    link = page.get_by_role("link", name=re.compile(r"^Propose an action for MTF-")).first
    with page.expect_navigation():
        link.click()
    reference = re.search(r"MTF-\d{6}", page.locator("h1").inner_text())
    assert reference
    pages.check("retention-propose")
    page.get_by_label("Erase").check()
    page.get_by_label("Reason").fill("Closed more than six years ago; no reason to keep")
    pages.click("Propose")
    pages.check("retention-proposed")
    page.get_by_label("Type the case reference to confirm").fill(reference.group(0))
    pages.click("Approve and erase")
    errors = page.locator(".govuk-error-summary")
    assert not errors.count(), errors.first.inner_text()
    assert page.locator("#status").inner_text() == "Carried out"
    pages.check("retention-erased")
