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
