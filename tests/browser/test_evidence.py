"""The evidence side in the browser: a ward manager's dashboard; a policy lead's analysis and PDF."""

import re
import time

import pytest

from .conftest import Pages

pytestmark = pytest.mark.browser


def test_ward_manager_reads_a_dashboard(pages: Pages) -> None:
    page = pages.page
    pages.sign_in("wardmanager")
    pages.goto("/dashboards/")
    assert page.get_by_role("heading", level=1).first.is_visible()
    assert page.get_by_text("Out-of-work dependency rate against the Kent average").first.is_visible()
    pages.check("dashboard")


def test_policy_lead_requests_an_analysis_watches_it_finish_and_downloads_the_pdf(pages: Pages) -> None:
    page = pages.page
    pages.sign_in("policylead")
    pages.goto("/evidence/")
    pages.check("evidence-pack")
    pages.click("Request analyses", role="link")
    pages.check("analyses")
    page.get_by_label("Kind").select_option(label="Gap to Kent average (descriptive)")
    page.get_by_label("Period").fill("2009")
    pages.click("Run the analysis")
    run = page.locator("table tbody tr").filter(has_text="Gap to Kent average").first
    # Refresh as the page asks until the run ends: with a worker it is still queued at first.
    deadline = time.monotonic() + 120
    while not re.search(r"Finished|Failed|Cancelled", run.inner_text()):
        assert time.monotonic() < deadline, f"the analysis did not finish: {run.inner_text()}"
        page.wait_for_timeout(1000)
        page.get_by_role("link", name="Refresh").click()
        page.wait_for_load_state()
    assert "Finished" in run.inner_text()
    pages.check("analyses-finished")
    pages.goto("/evidence/")
    pages.check("evidence-pack-with-results")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    download.value.save_as(pages.artifact("evidence-pack.pdf"))


def test_the_analysis_form_shows_only_the_chosen_kinds_parameters(pages: Pages) -> None:
    page = pages.page
    pages.sign_in("policylead")
    pages.goto("/evidence/analyses/")
    kind = page.get_by_label("Kind")
    kind.select_option(label="Savings (Green Book)")
    assert page.get_by_role("group", name="Parameters for savings (green book)").is_visible()
    assert page.get_by_label("Horizon (years)").is_visible()
    assert not page.get_by_label("Placebo fits").is_visible()
    kind.select_option(label="Area impact")
    assert page.get_by_label("Placebo fits").is_visible()
    assert page.get_by_label("Start").is_visible()  # shared with the interrupted time series
    assert not page.get_by_label("Horizon (years)").is_visible()
    page.get_by_label("Placebo fits").fill("3")
    pages.click("Run the analysis")
    assert page.get_by_role("link", name="Placebo fits must be 10 or more").is_visible()
    # The page comes back with the kind chosen and its parameters shown, the error beside its field.
    assert page.locator("#id_analysis-placebos-error").is_visible()
    pages.check("analyses-error")
