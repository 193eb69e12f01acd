"""Import pages: who may import which kinds and see which batches, a bad file's report, a good file written
once, progress followed while a job writes, and problems exported with formulas neutralised."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from households.models import Household, Person
from imports.kinds import COLUMNS
from imports.kinds.households import HouseholdsImport
from imports.models import ImportBatch
from imports.services import batch_commit, batch_upload
from jobs.services import job_run
from outcomes.models import AreaStatistic
from taskforce.org.models import AccessLog, StaffProfile

from .conftest import signed_in

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HOUSEHOLDS = (EXAMPLES / "households.csv").read_bytes()
# The example with every household in Cliftonville West, the `caseworker` persona's ward.
GOOD_HOUSEHOLDS = HOUSEHOLDS.replace(b"E05005093", b"E05005088")
# Row 2's date of birth is not a real date; row 4's household is in a ward the caseworker does not work in.
BAD_HOUSEHOLDS = HOUSEHOLDS.replace(b"1979-04-12", b"12/13/1979")
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL)


@pytest.fixture(autouse=True)
def _imports_dir(settings: Settings, tmp_path: Path) -> None:
    settings.IMPORTS_DIR = tmp_path / "imports"


def upload(client: Client, kind: str, data: bytes | None, **fields: object):  # type: ignore[no-untyped-def]
    payload: dict[str, object] = {"kind": kind, **fields}
    if data is not None:
        payload["file"] = SimpleUploadedFile(f"{kind}.csv", data, "text/csv")
    return client.post("/imports/new/", payload)


def batch_of(response) -> ImportBatch:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.fullmatch(r"/imports/(\d+)/", response["Location"])
    assert match, response["Location"]
    return ImportBatch.objects.get(pk=int(match[1]))


def offered_kinds(html: str) -> list[str]:
    return re.findall(r'name="kind" type="radio" value="([a-z0-9-]+)"', html)


def test_import_pages_need_a_sign_in(client: Client, caseworker: StaffProfile) -> None:
    batch = batch_upload(kind="households", file_name="h.csv", data=HOUSEHOLDS, dry_run=True)
    urls = ["/imports/", "/imports/new/", f"/imports/{batch.pk}/"]
    for url in [*urls, f"/imports/{batch.pk}/problems.csv", "/imports/columns/households.csv"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/sign-in/"), url
    assert client.post(f"/imports/{batch.pk}/commit/").status_code == 302
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.VALID


@pytest.mark.parametrize(
    ("persona", "kinds"),
    [
        ("caseworker", ["households", "interventions", "placements", "s208-notices"]),
        ("housing_officer", ["properties", "licences", "inspections", "property-locations"]),
        ("ward_manager", list(ImportBatch.Kind.values)),
        ("policy_lead", ["area-statistics", "boundaries"]),
    ],
)
def test_each_role_is_offered_the_kinds_the_api_lets_it_import(
    client: Client, persona: str, kinds: list[str], request: pytest.FixtureRequest
) -> None:
    client = signed_in(client, request.getfixturevalue(persona))
    home = client.get("/").content.decode()
    assert 'href="/imports/"' in home
    page = client.get("/imports/new/").content.decode()
    assert offered_kinds(page) == kinds
    for kind in kinds:
        assert f"<code>{', '.join(COLUMNS[kind])}</code>" in page
    assert ('name="source"' in page) == ("area-statistics" in kinds)


def test_a_role_that_may_import_nothing_has_no_import_pages(
    client: Client, data_protection_officer: StaffProfile, caseworker: StaffProfile
) -> None:
    batch = batch_upload(kind="households", file_name="h.csv", data=HOUSEHOLDS, uploaded_by=caseworker.user)
    client = signed_in(client, data_protection_officer)
    assert 'href="/imports/"' not in client.get("/").content.decode()
    for url in ["/imports/", "/imports/new/", f"/imports/{batch.pk}/", "/imports/columns/households.csv"]:
        assert client.get(url).status_code == 403, url


def test_missing_file_and_a_kind_the_role_may_not_import_are_shown_on_their_fields(
    client: Client, caseworker: StaffProfile
) -> None:
    client = signed_in(client, caseworker)
    response = upload(client, "benefit-records", None)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Upload a file" in page
    assert '<a href="#id_kind_0">Select a kind of file your role may import</a>' in page
    assert '<a href="#id_file">Select a CSV file</a>' in page
    assert 'id="id_file-error"' in page
    assert 'id="id_kind-error"' in page
    empty = upload(client, "households", b"").content.decode()
    assert '<a href="#id_file">The selected file is empty</a>' in empty
    assert ImportBatch.objects.count() == 0


def problem_rows(html: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'<td class="govuk-table__cell govuk-table__cell--numeric">(\w+)</td>\s*'
        r'<td class="govuk-table__cell"><code>([^<]+)</code></td>\s*<td class="govuk-table__cell">([^<]*)</td>',
        html,
    )


def test_a_bad_file_shows_every_problem_and_writes_nothing(
    client: Client, caseworker: StaffProfile, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(client, caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_of(upload(client, "households", BAD_HOUSEHOLDS))
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "2 problems found, so nothing was written" in page
    assert problem_rows(page) == [("2", "date_of_birth", "12/13/1979"), ("4", "ward", "E05005093")]
    assert ">Commit<" not in page
    assert 'href="/imports/new/?kind=households"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{batch.pk}/commit/")
    refused = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "has 2 bad row(s): correct the file and upload it again" in refused
    assert Household.objects.count() == 0
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.INVALID
    logged = AccessLog.objects.filter(resource="imports.importbatch").values_list(
        "route", "action", "object_ids", "username"
    )
    assert list(logged) == [("web", "detail", [batch.pk], "casey")] * 2


def test_a_good_file_is_written_once_and_the_same_file_again_writes_nothing(
    client: Client, caseworker: StaffProfile, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(client, caseworker)
    batch = batch_of(upload(client, "households", GOOD_HOUSEHOLDS, dry_run="on"))
    checked = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Every row is good: 3 rows checked. Nothing has been written yet." in checked
    assert f'action="/imports/{batch.pk}/commit/"' in checked
    assert 'name="csrfmiddlewaretoken"' in checked
    assert Household.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{batch.pk}/commit/")
    done = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Import complete" in done
    assert 'id="import-outcome">3 rows written<' in done
    assert re.search(r'id="count-created">3<', done)
    assert ">Commit<" not in done
    assert (Household.objects.count(), Person.objects.count()) == (2, 3)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{batch.pk}/commit/")
    assert "has already been written" in client.get(f"/imports/{batch.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        again = batch_of(upload(client, "households", GOOD_HOUSEHOLDS))
    again.refresh_from_db()
    page = client.get(f"/imports/{again.pk}/").content.decode()
    assert again.status == ImportBatch.Status.ALREADY_IMPORTED
    assert f'This file was already imported, as <a class="govuk-link" href="/imports/{batch.pk}/">' in page
    assert re.search(r'id="count-created">0<', page)
    assert (Household.objects.count(), Person.objects.count()) == (2, 3)
    listed = client.get("/imports/").content.decode()
    assert [int(pk) for pk in re.findall(r'href="/imports/(\d+)/">#', listed)] == [again.pk, batch.pk]
    assert "Already imported" in listed


def test_a_file_of_rows_already_held_says_it_wrote_nothing(
    client: Client, caseworker: StaffProfile, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(client, caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        batch_of(upload(client, "households", GOOD_HOUSEHOLDS))
    # The same rows in another file (other line endings): matched by their keys, not by the file's hash.
    with django_capture_on_commit_callbacks(execute=True):
        again = batch_of(upload(client, "households", GOOD_HOUSEHOLDS.replace(b"\n", b"\r\n")))
    again.refresh_from_db()
    assert (again.status, again.created, again.updated) == (ImportBatch.Status.COMMITTED, 0, 0)
    page = client.get(f"/imports/{again.pk}/").content.decode()
    assert f'id="import-outcome">Nothing to write: all {again.rows} rows already held unchanged<' in page


def test_another_users_batch_does_not_exist_for_them(
    client: Client,
    caseworker: StaffProfile,
    caseworker_police: StaffProfile,
    housing_officer: StaffProfile,
    policy_lead: StaffProfile,
    ward_manager: StaffProfile,
) -> None:
    batch = batch_upload(
        kind="households", file_name="h.csv", data=BAD_HOUSEHOLDS, uploaded_by=caseworker.user, dry_run=True
    )
    paths = ["", "problems.csv"]
    for other in (caseworker_police, housing_officer, policy_lead):
        client = signed_in(Client(), other)
        for path in paths:
            assert client.get(f"/imports/{batch.pk}/{path}").status_code == 404, (other, path)
        assert client.post(f"/imports/{batch.pk}/commit/").status_code == 404
        assert f"/imports/{batch.pk}/" not in client.get("/imports/").content.decode()
    assert not AccessLog.objects.filter(resource="imports.importbatch").exists()
    manager = signed_in(Client(), ward_manager)
    assert manager.get(f"/imports/{batch.pk}/").status_code == 200
    assert f'href="/imports/{batch.pk}/"' in manager.get("/imports/").content.decode()


def test_the_problems_csv_lists_every_problem_with_formulas_neutralised(
    client: Client, caseworker: StaffProfile
) -> None:
    evil = HOUSEHOLDS.replace(b",Alex,", b",=cmd|' /C calc'!A0,").replace(b",Sam,", b",@SUM(1),")
    batch = batch_of(upload(signed_in(client, caseworker), "households", evil, dry_run="on"))
    response = client.get(f"/imports/{batch.pk}/problems.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="import-{batch.pk}-problems.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["row", "column", "value", "rule"]
    assert [row[:3] for row in rows[1:]] == [
        ["2", "given_name", "'=cmd|' /C calc'!A0"],
        ["3", "given_name", "'@SUM(1)"],
        ["4", "ward", "E05005093"],
    ]
    assert rows[1][3] == "starts like a spreadsheet formula (= + - @): remove the formula"
    entry = AccessLog.objects.get(resource="imports.importbatch", action="export")
    assert (entry.route, entry.object_ids) == ("web", [batch.pk])


def test_a_long_report_is_paginated(client: Client, caseworker: StaffProfile) -> None:
    header, first = HOUSEHOLDS.split(b"\n")[:2]
    rows = [
        first.replace(b"1979-04-12", b"1979-04-%02d" % (40 + i)).replace(b"AA000001A", b"") for i in range(60)
    ]
    batch = batch_of(upload(signed_in(client, caseworker), "households", b"\n".join([header, *rows])))
    assert batch.problem_count == 60
    first_page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Problems 1 to 50 of 60" in first_page
    assert len(problem_rows(first_page)) == 50
    second = client.get(f"/imports/{batch.pk}/", {"page": 2}).content.decode()
    assert [row[0] for row in problem_rows(second)] == [str(line) for line in range(52, 62)]


def test_progress_is_shown_while_a_job_writes_and_the_counts_when_it_has(
    client: Client, caseworker: StaffProfile
) -> None:
    batch = batch_upload(
        kind="households", file_name="h.csv", data=GOOD_HOUSEHOLDS, uploaded_by=caseworker.user, dry_run=True
    )
    job = batch_commit(batch=batch, requested_by=caseworker.user, enqueue=False)
    client = signed_in(client, caseworker)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert f'data-job-status-url="/jobs/{job.pk}/status.json"' in page
    assert '<progress class="govuk-!-width-full" max="100" value="0"' in page
    assert f'href="/imports/{batch.pk}/">Refresh</a>' in page
    assert '<meta http-equiv="refresh"' not in page
    scripts = SCRIPT.findall(page)
    assert (' type="module" src="/static/jobs/progress.js"', "") in scripts
    assert [body for attrs, body in scripts if "src=" not in attrs] == [settings.GOVUK_JS_ENABLED_SNIPPET]
    assert "style=" not in page
    assert 'aria-live="polite">Waiting to be written</p>' in page
    assert 'govuk-tag--yellow">Waiting<' in client.get("/imports/").content.decode()
    status = client.get(f"/jobs/{job.pk}/status.json").json()
    assert (status["state"], status["percent"], status["finished"]) == ("pending", 0, False)

    job_run(job_id=job.pk)
    status = client.get(f"/jobs/{job.pk}/status.json").json()
    assert (status["state"], status["percent"], status["message"], status["finished"]) == (
        "succeeded",
        100,
        "Finished",
        True,
    )
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "progress.js" not in page
    assert re.search(r'id="count-created">3<', page)


def test_a_write_that_failed_is_shown_as_failed_with_its_job(
    client: Client, caseworker: StaffProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = batch_upload(
        kind="households", file_name="h.csv", data=GOOD_HOUSEHOLDS, uploaded_by=caseworker.user, dry_run=True
    )
    job = batch_commit(batch=batch, requested_by=caseworker.user, enqueue=False)

    def lose_the_connection(self, rows):  # type: ignore[no-untyped-def]
        raise ConnectionError("the database went away")

    monkeypatch.setattr(HouseholdsImport, "write", lose_the_connection)
    with pytest.raises(ConnectionError):
        job_run(job_id=job.pk)
    client = signed_in(client, caseworker)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert (
        "Writing this file failed, so nothing was written. "
        f"The error is recorded against job #{job.pk}: ask an administrator." in page
    )
    assert '<dd class="govuk-summary-list__value">Failed</dd>' in page
    assert ">Commit<" not in page
    assert "progress.js" not in page
    assert 'href="/imports/new/">Upload another file</a>' in page
    assert 'govuk-tag--red">Failed<' in client.get("/imports/").content.decode()
    assert Household.objects.count() == 0


def test_an_empty_file_of_each_kind_can_be_downloaded_to_fill_in(
    client: Client, caseworker: StaffProfile
) -> None:
    client = signed_in(client, caseworker)
    response = client.get("/imports/columns/interventions.csv")
    assert response.content.decode().strip() == ",".join(COLUMNS["interventions"])
    assert client.get("/imports/columns/benefit-records.csv").status_code == 404


def test_the_imports_list_makes_the_same_queries_whatever_its_length(
    client: Client, ward_manager: StaffProfile, caseworker: StaffProfile, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    """Session, user, profile, count, the page of batches with their job and uploader, the manager's wards
    (the navigation asks the dashboards' own gate), the session save (and its savepoint)."""
    client = signed_in(client, ward_manager)
    for count, uploader in ((1, ward_manager), (4, caseworker)):
        for _ in range(count):
            batch_upload(kind="households", file_name="h.csv", data=b"nino\n1\n", uploaded_by=uploader.user)
        with django_assert_num_queries(9):
            page = client.get("/imports/").content.decode()
        assert page.count('<tr class="govuk-table__row">') == ImportBatch.objects.count() + 1


def test_import_pages_hold_no_inline_script_or_style_and_preselect_a_kind(
    client: Client, caseworker: StaffProfile
) -> None:
    client = signed_in(client, caseworker)
    batch = batch_of(upload(client, "households", BAD_HOUSEHOLDS, dry_run="on"))
    for url in ["/imports/", "/imports/new/", "/imports/new/?kind=placements", f"/imports/{batch.pk}/"]:
        html = client.get(url).content.decode()
        inline = [body for attrs, body in SCRIPT.findall(html) if "src=" not in attrs]
        assert inline == [settings.GOVUK_JS_ENABLED_SNIPPET], url
        assert not re.search(r"\son[a-z]+=", html), url
        assert "style=" not in html, url
    preselected = client.get("/imports/new/?kind=placements").content.decode()
    assert 'value="placements" aria-describedby="id_kind_2-hint" checked>' in preselected


def test_a_policy_lead_imports_area_statistics_with_their_source(
    client: Client, policy_lead: StaffProfile, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    data = (EXAMPLES / "area-statistics.csv").read_bytes()
    client = signed_in(client, policy_lead)
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_of(upload(client, "area-statistics", data, source="NOMIS", release="2010-09"))
    batch.refresh_from_db()
    assert (batch.status, batch.options) == ("committed", {"source": "NOMIS", "release": "2010-09"})
    assert AreaStatistic.objects.filter(source="NOMIS").count() == 3
    bad_year = upload(client, "area-statistics", data, vintage="20x1").content.decode()
    assert '<a href="#id_vintage">Boundary year must be a year, for example 2011</a>' in bad_year
