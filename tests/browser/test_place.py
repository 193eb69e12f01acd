"""Place in the browser: a caseworker opens a case from an s208 notice; a ward manager reads the Margate
Agreement register; a housing officer and a policy lead read the maps (points and LSOA aggregates)."""

import pytest

from .conftest import Pages

pytestmark = pytest.mark.browser


def fill_date(pages: Pages, field: str, day: int, month: int, year: int) -> None:
    for part, value in (("day", day), ("month", month), ("year", year)):
        pages.page.locator(f"#id_{field}_{part}").fill(str(value))


def test_caseworker_opens_a_case_from_an_s208_notice(pages: Pages) -> None:
    page = pages.page
    pages.sign_in("caseworker")
    pages.goto("/households/")
    pages.click("Open a case from an s208 notice", role="link")
    pages.check("intake-form")
    page.get_by_label("Case reference").fill("MTF-970001")
    page.get_by_label("Placing authority").select_option(label="London Borough of Lewisham")
    page.get_by_label("Type of placement").select_option(label="Temporary accommodation (s188 interim duty)")
    page.get_by_label("Legal basis").select_option(value="ha_s188")
    fill_date(pages, "placed_on", 2, 3, 2011)
    fill_date(pages, "notification_received_on", 9, 3, 2011)
    page.get_by_label("Jobcentre Plus").check()
    page.get_by_label("Address line 1 (a home not on the system)").fill("7 Example Parade")
    page.get_by_label("Postcode").fill("CT9 1ZY")
    page.get_by_label("Head of household: given name").fill("Ada")
    page.get_by_label("Head of household: family name").fill("Example")
    fill_date(pages, "member_1_date_of_birth", 2, 1, 1980)
    # A second member with a bad National Insurance number: the whole notice is refused.
    page.get_by_label("Member 2 (optional): given name").fill("Ben")
    page.get_by_label("Member 2 (optional): family name").fill("Example")
    fill_date(pages, "member_2_date_of_birth", 6, 5, 2010)
    page.get_by_label("Member 2: relationship to the head").select_option(value="child")
    page.get_by_label("Member 2 (optional): National Insurance number (optional)").fill("QQ123456C")
    pages.click("Open the case")
    assert page.locator(".govuk-error-summary").is_visible()
    pages.check("intake-error")
    page.get_by_label("Member 2 (optional): National Insurance number (optional)").fill("")
    pages.click("Open the case")
    assert page.get_by_text("Case MTF-970001 opened from the s208 notice").is_visible()
    pages.check("intake-opened")


def test_ward_manager_reads_the_agreement_register(pages: Pages) -> None:
    page = pages.page
    pages.sign_in("wardmanager")
    pages.click("Margate Agreement", role="link")
    assert page.get_by_role("heading", name="The Margate Agreement register").is_visible()
    assert page.locator("svg[role=img]").count() == 2
    assert page.get_by_role("row", name="Demo Kent District A").first.is_visible()
    pages.check("agreement")
    pages.click("Record a signatory", role="link")
    pages.check("agreement-sign")


def test_maps_show_points_to_housing_officers_and_lsoas_to_policy_leads(pages: Pages) -> None:
    page = pages.page
    pages.sign_in("housing")
    pages.click("Maps", role="link")
    assert page.locator("svg[role=img] circle").count() > 0
    pages.check("map-hmos")
    pages.click("Homes with an open Category 1 hazard", role="link")
    pages.check("map-hazards")
    page.context.clear_cookies()
    pages.sign_in("policylead")
    pages.goto("/place/maps/unlicensed/")
    assert page.locator("svg[role=img] circle").count() == 0
    assert page.get_by_role("rowheader", name="Synthetic LSOA Cliftonville West A").is_visible()
    pages.check("map-lsoas")
