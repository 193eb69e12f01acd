"""The one status endpoint: who may follow a job's progress, and what it says."""

from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from imports.services import batch_commit, batch_upload
from jobs.models import Job
from jobs.services import job_create, job_run
from outcomes.services import analysis_request
from taskforce.org.models import StaffProfile

from ..web.conftest import signed_in

pytestmark = pytest.mark.django_db

# Every household of the example in Cliftonville West, the `caseworker` persona's ward.
HOUSEHOLDS = (
    (Path(__file__).parents[2] / "examples" / "households.csv")
    .read_bytes()
    .replace(b"E05005093", b"E05005088")
)


@pytest.fixture(autouse=True)
def _imports_dir(settings: Settings, tmp_path: Path) -> None:
    settings.IMPORTS_DIR = tmp_path / "imports"


def status_of(client: Client, job: Job) -> tuple[int, dict]:
    response = client.get(f"/jobs/{job.pk}/status.json")
    return response.status_code, (response.json() if response.status_code == 200 else {})


def test_the_requester_follows_a_job_and_sees_it_finish(caseworker: StaffProfile) -> None:
    batch = batch_upload(
        kind="households", file_name="h.csv", data=HOUSEHOLDS, uploaded_by=caseworker.user, dry_run=True
    )
    job = batch_commit(batch=batch, requested_by=caseworker.user, enqueue=False)
    client = signed_in(Client(), caseworker)
    code, status = status_of(client, job)
    assert (code, status["state"], status["finished"]) == (200, "pending", False)
    job_run(job_id=job.pk)
    code, status = status_of(client, job)
    assert (code, status["state"], status["percent"], status["finished"]) == (200, "succeeded", 100, True)
    assert client.get(f"/jobs/{job.pk}/status.json")["Cache-Control"].startswith("max-age=0")


def test_others_follow_a_job_only_where_its_kind_lets_them(
    caseworker: StaffProfile,
    caseworker_police: StaffProfile,
    ward_manager: StaffProfile,
    policy_lead: StaffProfile,
    housing_officer: StaffProfile,
) -> None:
    batch = batch_upload(
        kind="households", file_name="h.csv", data=HOUSEHOLDS, uploaded_by=caseworker.user, dry_run=True
    )
    import_job = batch_commit(batch=batch, requested_by=caseworker.user, enqueue=False)
    run = analysis_request(kind="gap", requested_by=policy_lead.user, enqueue=False)
    demo_job = job_create(kind="load_demo", requested_by=None)
    # An import is followed by whoever may open its batch: a ward manager sees every batch, another
    # agency's caseworker none of this one's.
    assert status_of(signed_in(Client(), ward_manager), import_job)[0] == 200
    assert status_of(signed_in(Client(), caseworker_police), import_job)[0] == 404
    assert status_of(signed_in(Client(), policy_lead), import_job)[0] == 404
    # Analysis runs are every policy lead's, and nobody else's.
    assert status_of(signed_in(Client(), policy_lead), run.job)[0] == 200
    assert status_of(signed_in(Client(), caseworker), run.job)[0] == 404
    # A job nobody asked for, of a kind that names no one else, is followed by no one.
    for persona in (caseworker, ward_manager, policy_lead, housing_officer):
        assert status_of(signed_in(Client(), persona), demo_job)[0] == 404


def test_a_job_status_needs_a_sign_in(caseworker: StaffProfile) -> None:
    job = job_create(kind="load_demo", requested_by=caseworker.user)
    response = Client().get(f"/jobs/{job.pk}/status.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
