"""POST /api/v1/imports/ (check, then write unless a dry run), POST .../commit/, GET to follow progress.
Who may import what, and batches of other roles do not exist for you."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from households.models import Household, Property
from imports.kinds import KINDS
from imports.models import ImportBatch
from imports.querysets import ALL_KINDS
from imports.services import batch_commit
from jobs.models import Job
from outcomes.models import AreaStatistic
from taskforce.org.models import StaffProfile
from taskforce.org.scoping import WRITES

from .conftest import example

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/"


def client_for(profile: StaffProfile) -> APIClient:
    client = APIClient()
    client.force_authenticate(profile.user)
    return client


def post(client: APIClient, kind: str, data: bytes, **fields: object):  # type: ignore[no-untyped-def]
    return client.post(
        URL,
        {"kind": kind, "file": SimpleUploadedFile(f"{kind}.csv", data, "text/csv"), **fields},
        format="multipart",
    )


def test_every_kind_has_a_role_that_may_import_it() -> None:
    assert (
        ALL_KINDS
        == set(KINDS)
        == set(ImportBatch.Kind.values)
        == {w.removeprefix("import:") for w in WRITES if w.startswith("import:")}
    )


def test_a_dry_run_reports_then_commit_writes_and_the_batch_shows_progress(
    ward_manager: StaffProfile, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(ward_manager)
    response = post(client, "properties", example("properties"), dry_run="true")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["rows"], body["problems"], body["job"]) == ("valid", 2, [], None)
    assert Property.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}{body['id']}/commit/")
    assert response.status_code == 202
    polled = client.get(f"{URL}{body['id']}/").json()
    assert polled["status"] == "committed"
    assert (polled["created"], polled["job"]["state"], polled["job"]["percent"]) == (2, "succeeded", 100)
    assert Property.objects.count() == 2
    assert client.post(f"{URL}{body['id']}/commit/").status_code == 409


def test_a_batch_answers_with_the_state_of_the_job_writing_it_and_is_filtered_by_it(
    ward_manager: StaffProfile, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(ward_manager)
    checked = post(client, "properties", example("properties"), dry_run="true").json()["id"]
    writing = post(client, "area-statistics", example("area-statistics"), dry_run="true").json()["id"]
    job = batch_commit(batch=ImportBatch.objects.get(pk=writing), enqueue=False)

    def status(batch_id: int) -> str:
        return client.get(f"{URL}{batch_id}/").json()["status"]

    def listed(state: str) -> list[int]:
        return [b["id"] for b in client.get(URL, {"status": state}).json()["results"]]

    for job_state, shown in (("pending", "queued"), ("running", "running"), ("failed", "failed")):
        Job.objects.filter(pk=job.pk).update(state=job_state)
        assert (status(writing), status(checked)) == (shown, "valid")
        assert (listed(shown), listed("valid")) == ([writing], [checked])
    assert ImportBatch.objects.get(pk=writing).status == ImportBatch.Status.VALID
    assert client.get(URL, {"status": "writing"}).status_code == 400

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{URL}{checked}/commit/").status_code == 202
    assert status(checked) == "committed"
    assert (listed("committed"), listed("valid"), listed("queued")) == ([checked], [], [])


def test_a_bad_file_answers_with_every_problem_and_cannot_be_committed(caseworker: StaffProfile) -> None:
    client = client_for(caseworker)
    bad = example("households").replace(b"1979-04-12", b"12/13/1979").replace(b"AA000002B", b"AA00002B")
    body = post(client, "households", bad).json()
    assert body["status"] == "invalid"
    assert [(p["row"], p["column"], p["value"]) for p in body["problems"]] == [
        (2, "date_of_birth", "12/13/1979"),
        (4, "ward", "E05005093"),  # Margate Central: not this caseworker's ward
        (4, "nino", "AA00002B"),
    ]
    assert client.post(f"{URL}{body['id']}/commit/").status_code == 400
    assert Household.objects.count() == 0


def test_without_dry_run_a_good_file_is_written_at_once(
    policy_lead: StaffProfile, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client_for(policy_lead), "area-statistics", example("area-statistics"), source="NOMIS"
        )
    assert response.status_code == 201
    assert AreaStatistic.objects.filter(source="NOMIS").count() == 3


@pytest.mark.parametrize(
    ("persona", "kind", "expected"),
    [
        ("caseworker", "households", 201),
        ("caseworker", "placements", 201),
        ("caseworker", "benefit-records", 403),
        ("caseworker", "properties", 403),
        ("housing_officer", "inspections", 201),
        ("housing_officer", "households", 403),
        ("ward_manager", "benefit-records", 201),
        ("policy_lead", "area-statistics", 201),
        ("policy_lead", "households", 403),
        ("data_protection_officer", "area-statistics", 403),
    ],
)
def test_who_may_import_what(persona: str, kind: str, expected: int, request: pytest.FixtureRequest) -> None:
    profile = request.getfixturevalue(persona)
    response = post(client_for(profile), kind, b"x\n", dry_run="true")
    assert response.status_code == expected, response.json()


def test_another_roles_batch_is_not_found_and_a_ward_manager_sees_all(
    caseworker: StaffProfile,
    caseworker_police: StaffProfile,
    housing_officer: StaffProfile,
    ward_manager: StaffProfile,
) -> None:
    batch_id = post(client_for(caseworker), "households", example("households"), dry_run="true").json()["id"]
    for other in (housing_officer, caseworker_police):
        client = client_for(other)
        assert client.get(f"{URL}{batch_id}/").status_code == 404
        assert client.post(f"{URL}{batch_id}/commit/").status_code == 404
        assert client.get(URL).json()["results"] == []
    assert client_for(ward_manager).get(f"{URL}{batch_id}/").status_code == 200
    assert [b["id"] for b in client_for(caseworker).get(URL).json()["results"]] == [batch_id]


def test_a_caseworker_imports_only_into_their_own_wards(caseworker_central: StaffProfile) -> None:
    """The example's first household is in Cliftonville West; this caseworker works in Margate Central."""
    body = post(client_for(caseworker_central), "households", example("households"), dry_run="true").json()
    assert {(p["row"], p["column"]) for p in body["problems"]} == {(2, "ward"), (3, "ward")}
