"""Case plans, case notes and My work in the browser: a caseworker assesses a family, agrees a plan with a
goal, reviews it and closes the case with a reason; records a contact; and finds the tasks the daily job
raised for a missing s208 notice and an expiring consent on My work."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from .conftest import Pages, Site

pytestmark = pytest.mark.browser

# Three households of the demo caseworker's, made on the test server; the daily job then runs there.
SETUP = """
from datetime import timedelta
from django.utils import timezone
from households import services as hs
from households.models import PlacementType, PlacingAuthority
from taskforce.org.models import Agency, Area, StaffProfile
today = timezone.localdate()
worker = StaffProfile.objects.get(user__username="caseworker")
ward = Area.objects.get(gss_code="E05005088")
jcp, kcc = Agency.objects.get(code="jcp"), PlacingAuthority.objects.get(gss_code="E10000016")
def case(ref):
    return hs.household_register(case_reference=ref, ward=ward, opened_on=today - timedelta(days=200),
        basis="public_task", agencies=[jcp], recorded_by=worker.user, key_worker=worker)
case("MTF-990001")
placed = case("MTF-990002")
hs.placement_record(household=placed, placing_authority=kcc, type=PlacementType.objects.get(code="ta-s188"),
    legal_basis="ha_s188", placed_on=today - timedelta(days=3))
consenting = case("MTF-990003")
hs.data_sharing_basis_record(household=consenting, basis="consent", agencies=[jcp],
    starts_on=today - timedelta(days=355), expires_on=today + timedelta(days=10), recorded_by=worker.user)
"""


@pytest.fixture(scope="module")
def cases(site: Site) -> Site:
    site.run("shell", "-c", SETUP)
    site.run("raise_tasks")
    return site


def fill_date(pages: Pages, field: str, day: date) -> None:
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        pages.page.locator(f"#id_{field}_{part}").fill(str(value))


def open_case(pages: Pages, reference: str) -> None:
    pages.goto(f"/households/?q={reference}")
    pages.click(reference, role="link")


def saved(pages: Pages) -> None:
    errors = pages.page.locator(".govuk-error-summary")
    assert not errors.count(), errors.first.inner_text()


def test_caseworker_assesses_plans_reviews_and_closes_a_case(pages: Pages, cases: Site) -> None:
    page = pages.page
    today = timezone.localdate()
    pages.sign_in("caseworker")
    open_case(pages, "MTF-990001")
    pages.click("Assessment and plan", role="link")
    pages.check("plan-empty")
    pages.click("Record an assessment", role="link")
    fill_date(pages, "assessed_on", today - timedelta(days=20))
    page.get_by_label("Secure housing").check()
    page.get_by_label("Financial stability").check()
    page.get_by_label("Summary of the assessment").fill("Rent arrears after a cut in hours; eviction notice.")
    pages.check("assessment-form")
    pages.click("Save")
    saved(pages)

    pages.click("Agree a plan", role="link")
    fill_date(pages, "agreed_on", today - timedelta(days=14))
    fill_date(pages, "next_review_on", today + timedelta(days=60))
    page.get_by_label("Lead agency").select_option(label="Jobcentre Plus")
    pages.check("plan-form")
    pages.click("Save")
    saved(pages)

    pages.click("Add a goal", role="link")
    page.get_by_label("Headline outcome").select_option(label="Secure housing")
    page.get_by_label("What the family wants to achieve").fill("Keep the tenancy")
    fill_date(pages, "review_on", today + timedelta(days=30))
    page.get_by_label("First action").fill("Agree a repayment plan with the landlord")
    page.get_by_label("Agency that owns the action").select_option(label="Thanet District Council")
    pages.check("goal-form")
    pages.click("Save")
    saved(pages)
    assert page.get_by_text("Agree a repayment plan with the landlord").is_visible()

    pages.click("Record a review", role="link")
    fill_date(pages, "reviewed_on", today - timedelta(days=1))
    page.get_by_label("What the review found").fill("Landlord accepted the repayment plan.")
    fill_date(pages, "next_review_on", today + timedelta(days=90))
    pages.check("review-form")
    pages.click("Save")
    saved(pages)

    page.get_by_role("link", name=re.compile(r"^Record progress")).click()
    page.wait_for_url(re.compile(r"/progress/$"))
    page.get_by_label("Achieved", exact=True).check()
    fill_date(pages, "achieved_on", today)
    pages.check("progress-form")
    pages.click("Save")
    saved(pages)
    assert page.get_by_text("Landlord accepted the repayment plan.").is_visible()
    pages.check("plan-with-goal-and-review")

    pages.click("Close the case", role="link")
    fill_date(pages, "on", today)
    page.get_by_label("Outcomes achieved").check()
    pages.check("close-form")
    pages.click("Close the case")
    saved(pages)
    assert page.get_by_text(re.compile(r"Closed on .*: Outcomes achieved")).is_visible()
    pages.check("plan-closed")


def test_caseworker_records_a_contact_and_filters_the_notes(pages: Pages, cases: Site) -> None:
    page = pages.page
    pages.sign_in("caseworker")
    open_case(pages, "MTF-990002")
    pages.click("Case notes", role="link")
    pages.click("Record a contact", role="link")
    fill_date(pages, "contact_on", timezone.localdate())
    page.get_by_label("Home visit").check()
    page.get_by_label("Note", exact=True).fill("Visited the flat: the family are settling in; no notice yet.")
    page.get_by_label("Sensitive: only my agency may read this note").check()
    pages.check("note-form")
    pages.click("Save")
    saved(pages)
    assert page.get_by_text("Visited the flat").is_visible()
    page.get_by_label("Type").select_option(label="Case notes: phone calls")
    pages.click("Filter")
    assert page.get_by_text("No case notes match the filter.").is_visible()
    pages.check("notes-filtered")
    pages.click("History", role="link")
    assert page.get_by_text("Home visit by Casey Worker (Jobcentre Plus), sensitive").is_visible()
    pages.check("history-with-note")


def test_my_work_shows_the_tasks_raised_for_a_missing_notice_and_expiring_consent(
    pages: Pages, cases: Site
) -> None:
    page = pages.page
    pages.sign_in("caseworker")
    pages.click("My work", role="link")
    notice = page.get_by_role(
        "link", name=re.compile(r"^MTF-990002: s208 notice from Kent County Council not received")
    )
    consent = page.get_by_role("link", name=re.compile(r"^MTF-990003: consent to share data expires"))
    assert notice.is_visible()
    assert consent.is_visible()
    pages.check("my-work")
    page.get_by_role("button", name=re.compile(r"^Mark done\W+MTF-990002")).click()
    page.wait_for_load_state()
    assert page.get_by_text(re.compile(r"^Task done: MTF-990002")).is_visible()
    assert page.get_by_text(re.compile(r"MTF-990002: s208 notice .*\(done ")).is_visible()
    pages.check("my-work-after-done")
