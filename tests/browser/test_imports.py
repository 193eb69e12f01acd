"""Imports in the browser: a caseworker checks a file, commits it and sees the counts; a page left open on an
import being written by a worker follows its progress by itself and shows the counts when it finishes."""

from pathlib import Path

import pytest

from .conftest import ROOT, Pages

pytestmark = pytest.mark.browser

EXAMPLE = ROOT / "examples" / "households.csv"
# A household the journey above does not import, so the two tests may run in either order.
QUEUED_FILE = (
    "case_reference,ward,opened_on,closed_on,basis,agencies,given_name,family_name,date_of_birth,nino,sex,"
    "relationship,joined_on\n"
    "MTF-900003,E05005088,2011-01-10,,consent,jcp,Robin,Queued,1990-02-03,,F,head,\n"
)


def test_caseworker_uploads_a_file_checks_it_commits_it_and_sees_the_counts(pages: Pages) -> None:
    page = pages.page
    pages.sign_in("caseworker")
    with page.expect_navigation():  # the service navigation's link (the home page lists Imports too)
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Imports", exact=True).click()
    pages.check("imports")
    pages.click("Upload a file", role="link")
    page.get_by_label("Households and people").check()
    assert page.get_by_text("Columns: case_reference, ward, opened_on,", exact=False).is_visible()
    page.locator("input[type=file]").set_input_files(EXAMPLE)
    page.get_by_label("Check only (dry run)").check()
    pages.check("upload")
    pages.click("Upload and check")
    errors = page.locator(".govuk-warning-text")
    assert not errors.count(), errors.first.inner_text()
    assert page.get_by_text("Every row is good: 3 rows checked. Nothing has been written yet.").is_visible()
    pages.check("report")
    pages.click("Commit")
    assert page.get_by_role("heading", name="Import complete").is_visible()
    assert page.locator("#count-created").inner_text() == "3"
    pages.check("committed")

    pages.click("Back to imports", role="link")
    pages.click("Upload a file", role="link")
    page.get_by_label("Households and people").check()
    page.locator("input[type=file]").set_input_files(EXAMPLE)
    pages.click("Upload and check")
    assert page.locator("#already-imported").inner_text().startswith("This file was already imported")
    assert page.locator("#count-created").inner_text() == "0"
    pages.check("already-imported")


def test_a_page_open_on_an_import_being_written_follows_its_progress(pages: Pages, tmp_path: Path) -> None:
    page = pages.page
    data = tmp_path / "queued.csv"
    data.write_text(QUEUED_FILE)
    ids = pages.site.run(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; from pathlib import Path;"
        "from imports.services import batch_commit, batch_upload;"
        "user = get_user_model().objects.get(username='caseworker');"
        f"batch = batch_upload(kind='households', file_name='queued.csv', data=Path({str(data)!r}).read_bytes(),"
        " uploaded_by=user, dry_run=True);"
        "job = batch_commit(batch=batch, requested_by=user, enqueue=False);"
        "print(batch.pk, job.pk)",
    )
    batch_id, job_id = ids.strip().splitlines()[-1].split()
    pages.sign_in("caseworker")
    pages.goto(f"/imports/{batch_id}/")
    assert page.locator("#import-progress [data-percent]").inner_text() == "0%"
    assert page.get_by_role("link", name="Refresh").is_visible()
    pages.check("progress")
    # A worker writes it; the page, polling, reloads itself with the counts.
    pages.site.run("shell", "-c", f"from jobs.services import job_run; job_run(job_id={job_id})")
    page.get_by_role("heading", name="Import complete").wait_for()
    assert page.locator("#count-created").inner_text() == "1"
    pages.check("progress-finished")
