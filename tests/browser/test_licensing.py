"""Licensing in the browser: a housing officer works the licensing queue and reads the dashboard; anyone,
signed out, reads and searches the public register of licences."""

import pytest

from .conftest import Pages

pytestmark = pytest.mark.browser


def test_housing_officer_works_the_licensing_queue(pages: Pages) -> None:
    page = pages.page
    pages.sign_in("housing")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Licensing").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Licensing work queue"
    unlicensed = page.locator("#unlicensed + table tbody tr")
    assert unlicensed.count() > 0
    pages.check("licensing-queue")
    first = unlicensed.first.get_by_role("link")
    address = first.inner_text()
    with page.expect_navigation():
        first.click()
    assert page.get_by_role("heading", level=1).inner_text() == address
    assert page.get_by_text("Unlicensed: this home needs").is_visible()
    pages.check("unlicensed-property")
    pages.goto("/licensing/dashboard/")
    assert page.get_by_role("row", name="Cliftonville West").is_visible()
    pages.check("housing-dashboard")
    pages.goto("/properties/?licensing=unlicensed")
    assert page.locator("strong.govuk-tag--red", has_text="Unlicensed").count() > 0
    pages.check("properties-unlicensed")


def test_the_public_register_signed_out(pages: Pages) -> None:
    page = pages.page
    pages.goto("/public-register/")
    assert "/sign-in/" not in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Public register of licences"
    assert page.get_by_role("link", name="Sign out").count() == 0
    rows = page.locator("table tbody tr")
    assert rows.count() > 0
    pages.check("public-register")
    postcode = rows.first.locator("td").first.inner_text().rsplit(", ", 1)[1]
    page.get_by_role("textbox", name="Search").fill(postcode)
    pages.click("Search")
    assert all(postcode in row.inner_text() for row in page.locator("table tbody tr").all())
    pages.check("public-register-search")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the register as CSV").click()
    with open(download.value.path(), encoding="utf-8") as f:
        assert f.readline().startswith("licence_number,scheme,holder,manager,address")
