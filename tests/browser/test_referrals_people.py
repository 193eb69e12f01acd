"""Referrals and people in the browser: a referral refused as outside the household's data-sharing basis,
an extended basis recorded, then the referral sent; an agency accepting a referral from its inbox; a
duplicate person shown on entry and linked."""

import re

import pytest

from .conftest import Pages

pytestmark = pytest.mark.browser

SETUP = """
from datetime import date
from django.contrib.auth.models import User
from households.services import household_register, person_register
from interventions.models import Referral
from taskforce.org.models import Agency, Area
ward = Area.objects.get(gss_code="E05005088")
user = User.objects.get(username="caseworker")
def case(reference, *codes):
    return household_register(case_reference=reference, ward=ward, opened_on=date(2026, 1, 5), basis="consent",
        agencies=list(Agency.objects.filter(code__in=codes)), recorded_by=user)
"""


def fill_date(pages: Pages, field: str, day: int, month: int, year: int) -> None:
    for part, value in (("day", day), ("month", month), ("year", year)):
        pages.page.locator(f"#id_{field}_{part}").fill(str(value))


def setup(pages: Pages, code: str) -> str:
    """Run `code` in the server's database; the id it prints as id=N, if any."""
    printed = re.search(r"id=(\d+)", pages.site.run("shell", "--no-imports", "-c", SETUP + code))
    return printed.group(1) if printed else ""


def test_a_refused_referral_then_an_extended_basis_then_the_referral(pages: Pages) -> None:
    page = pages.page
    household = setup(pages, 'print("id=%d" % case("MTF-980001", "jcp").pk)')
    pages.sign_in("caseworker")
    pages.goto(f"/households/{household}/referrals/new/")
    page.get_by_label("Agency referred to").select_option(label="NHS Eastern and Coastal Kent")
    page.get_by_label("Reason for the referral").fill("Registration with a GP")
    fill_date(pages, "sent_on", 2, 2, 2026)
    pages.click("Save")
    summary = page.locator(".govuk-error-summary")
    assert "does not cover NHS Eastern and Coastal Kent" in summary.inner_text()
    assert "Consent from 5 January 2026, covering Jobcentre Plus" in summary.inner_text()
    pages.check("referral-refused")
    pages.click("Record an extended basis for NHS Eastern and Coastal Kent", role="link")
    pages.check("extend-basis-form")
    page.get_by_label("Consent", exact=True).check()
    page.get_by_label("Who agreed").fill("The tenant, in a home visit")
    fill_date(pages, "agreed_on", 1, 2, 2026)
    pages.click("Record the extended basis")
    assert page.get_by_text("Sharing with NHS Eastern and Coastal Kent recorded").first.is_visible()
    assert page.get_by_label("Reason for the referral").input_value() == "Registration with a GP"
    pages.check("referral-form-after-extension")
    fill_date(pages, "sent_on", 2, 2, 2026)
    pages.click("Save")
    assert not page.locator(".govuk-error-summary").count()
    assert page.get_by_text("NHS Eastern and Coastal Kent").first.is_visible()
    pages.check("referral-sent")


def test_an_agency_accepts_a_referral_from_its_inbox(pages: Pages) -> None:
    page = pages.page
    setup(
        pages,
        'h = case("MTF-980002", "jcp", "nhs")\n'
        'Referral.objects.create(household=h, from_agency=Agency.objects.get(code="jcp"), '
        'to_agency=Agency.objects.get(code="nhs"), reason="Mental health assessment", sent_on=date(2026, 2, 3))',
    )
    pages.sign_in("caseworker.nhs")
    pages.goto("/referrals/inbox/")
    pages.check("inbox")
    row = page.locator("tr", has_text="MTF-980002")
    assert "Mental health assessment" in row.inner_text()
    with page.expect_navigation():
        row.get_by_role("link", name=re.compile(r"^Accept")).click()
    pages.check("accept-form")
    page.get_by_label("Allocate to").select_option(label="Noel Health")
    pages.click("Accept and allocate")
    assert page.get_by_text("accepted and allocated to Noel Health").is_visible()
    assert "Noel Health" in page.locator("tr", has_text="MTF-980002").inner_text()
    pages.check("inbox-accepted")


def test_a_duplicate_is_shown_on_entry_and_linked(pages: Pages) -> None:
    page = pages.page
    household = setup(
        pages,
        'first = case("MTF-980003", "jcp")\n'
        'person_register(household=first, relationship="head", joined_on=date(2026, 1, 5), '
        'given_name="Jordan", family_name="Pretend", date_of_birth=date(1984, 2, 29))\n'
        'print("id=%d" % case("MTF-980004", "jcp").pk)',
    )
    pages.sign_in("caseworker")
    pages.goto(f"/households/{household}/members/new/")
    page.get_by_label("Given name").fill("Jordan")
    page.get_by_label("Family name").fill("Pertend")
    fill_date(pages, "date_of_birth", 29, 2, 1984)
    page.get_by_label("Head of household").check()
    fill_date(pages, "joined_on", 6, 1, 2026)
    pages.click("Save")
    assert page.locator("#possible-duplicates").get_by_text("Jordan Pretend").is_visible()
    pages.check("possible-duplicates-on-entry")
    page.get_by_label(re.compile(r"^The same person as Jordan Pretend")).check()
    pages.click("Save")
    assert page.get_by_text("Jordan Pertend added, and linked to the matching record").is_visible()
    pages.goto("/people/duplicates/")
    assert "Jordan Pretend and Jordan Pertend" in page.locator("#person-links").inner_text()
    pages.check("duplicates-review")
