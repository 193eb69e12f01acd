"""Case work in the browser: a caseworker records an intervention; a housing officer finds a Category 1 hazard."""

import re

import pytest

from .conftest import Pages

pytestmark = pytest.mark.browser


def fill_date(pages: Pages, field: str, day: int, month: int, year: int) -> None:
    for part, value in (("day", day), ("month", month), ("year", year)):
        pages.page.locator(f"#id_{field}_{part}").fill(str(value))


def test_caseworker_finds_a_household_and_records_an_intervention(pages: Pages) -> None:
    page = pages.page
    pages.sign_in("caseworker")
    pages.goto("/households/")
    pages.check("caseload")
    page.get_by_label("Search").fill("MTF-000004")
    pages.click("Apply filters")
    assert page.locator("#caseload-count").inner_text().startswith("1 household")
    pages.check("caseload-search")
    pages.click("MTF-000004", role="link")
    pages.check("household")
    pages.click("Interventions", role="link")
    pages.check("household-interventions")
    pages.click("Record an intervention", role="link")
    pages.check("intervention-form")
    page.get_by_label("Service", exact=True).select_option(
        label="Debt and benefits advice (Voluntary and community sector)"
    )
    fill_date(pages, "referred_on", 1, 11, 2010)
    pages.click("Save")
    errors = page.locator(".govuk-error-summary")
    assert not errors.count(), errors.first.inner_text()
    assert page.get_by_text("Debt and benefits advice").first.is_visible()
    pages.check("intervention-saved")


def test_housing_officer_records_a_category_1_hazard_and_the_household_is_flagged(pages: Pages) -> None:
    page = pages.page
    pages.sign_in("housing")
    pages.goto("/properties/")
    pages.check("properties")
    page.get_by_label("Search").fill("151 Example Road")
    pages.click("Search")
    pages.click("151 Example Road, CT9 1DP", role="link")
    pages.check("property")
    pages.click("Record an inspection", role="link")
    pages.check("inspection-form")
    fill_date(pages, "inspected_on", 3, 11, 2010)
    page.get_by_label("Tenant complaint").check()
    pages.click("Save")
    page.get_by_role("link", name=re.compile(r"^Record a hazard")).first.click()
    page.wait_for_url(re.compile(r"/hazards/new/$"))
    pages.check("hazard-form")
    page.get_by_label("HHSRS hazard").select_option(label="1. Damp and mould growth")
    page.get_by_label("Score").fill("2500")
    page.get_by_label("Open").check()
    pages.click("Save")
    assert page.get_by_text("Category 1", exact=True).first.is_visible()
    pages.check("property-with-hazard")
    # Housing officers do not open case files; the caseworkers of the household living there see the flag.
    pages.click("Sign out")
    pages.sign_in("caseworker")
    pages.goto("/households/?q=MTF-000002")
    pages.click("MTF-000002", role="link")
    assert page.get_by_text("Category 1 hazard").first.is_visible()
    pages.check("household-flagged")
