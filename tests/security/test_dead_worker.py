"""A job whose process died is noticed within a lease (JOBS_LEASE_SECONDS), not when the broker gives up an
hour later: it is failed once, its batch can be committed again at once, and a live job is left alone.
The same worker killed for real (SIGKILL) is in tests/imports/test_worker_kill.py (service suite)."""

import time
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from imports.models import ImportBatch
from imports.services import batch_commit, batch_create
from jobs import registry
from jobs.models import Job
from jobs.services import job_abandon_silent, job_create, job_run
from jobs.tasks import abandon_silent_jobs
from taskforce.org.models import StaffProfile
from tests.factories import JobFactory

HOUSEHOLDS = (
    b"case_reference,ward,opened_on,closed_on,basis,agencies,given_name,family_name,date_of_birth,nino,sex,"
    b"relationship,joined_on\n"
    b"MTF-000001,E05005088,2010-09-01,,consent,jcp,Alex,Example,1980-01-01,,,head,\n"
)


def _running(*, silent_for: int, **fields: object) -> Job:
    stamp = timezone.now() - timedelta(seconds=silent_for)
    return JobFactory(
        state=Job.State.RUNNING, started_at=stamp, heartbeat_at=stamp, worker="gone:1", **fields
    )


@pytest.mark.django_db
def test_a_job_silent_past_its_lease_is_failed_once_and_a_live_one_is_not(settings: Settings) -> None:
    settings.JOBS_LEASE_SECONDS = 120
    dead = _running(silent_for=121)
    alive = _running(silent_for=30)
    finished = JobFactory(
        state=Job.State.SUCCEEDED,
        started_at=timezone.now() - timedelta(hours=2),
        heartbeat_at=timezone.now() - timedelta(hours=2),
        finished_at=timezone.now() - timedelta(hours=1),
    )
    assert job_abandon_silent() == 1
    assert job_abandon_silent() == 0  # exactly once, however many ask
    dead.refresh_from_db()
    alive.refresh_from_db()
    finished.refresh_from_db()
    assert dead.state == Job.State.FAILED
    assert "stopped (no heartbeat for 120 seconds)" in dead.errors[0]
    assert alive.state == Job.State.RUNNING
    assert finished.state == Job.State.SUCCEEDED


@pytest.mark.django_db
def test_the_status_endpoint_reports_a_dead_job_as_failed(
    client: Client, policy_lead: StaffProfile, settings: Settings
) -> None:
    settings.JOBS_LEASE_SECONDS = 120
    job = _running(silent_for=300, requested_by=policy_lead.user)
    client.force_login(policy_lead.user)
    status = client.get(f"/jobs/{job.pk}/status.json").json()
    assert (status["state"], status["finished"]) == (Job.State.FAILED, True)


@pytest.mark.django_db
def test_a_batch_whose_worker_died_can_be_committed_again_within_minutes(
    settings: Settings, tmp_path: object, caseworker: StaffProfile
) -> None:
    settings.IMPORTS_DIR = tmp_path
    settings.JOBS_LEASE_SECONDS = 120
    batch = batch_create(kind="households", file_name="h.csv", data=HOUSEHOLDS, uploaded_by=caseworker.user)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.VALID)
    first = batch_commit(batch=batch, enqueue=False)
    Job.objects.filter(pk=first.pk).update(
        state=Job.State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), done=49, total=100
    )
    # While its worker beats, committing again gives the same job.
    assert batch_commit(batch=batch, enqueue=False).pk == first.pk
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        again = batch_commit(batch=batch, enqueue=False)
    assert again.pk != first.pk
    assert Job.objects.get(pk=first.pk).state == Job.State.FAILED
    assert again.state == Job.State.PENDING


@pytest.mark.django_db
def test_the_periodic_task_and_the_command_fail_silent_jobs(settings: Settings) -> None:
    settings.JOBS_LEASE_SECONDS = 60
    first, second = _running(silent_for=61), _running(silent_for=61)
    Job.objects.filter(pk=second.pk).update(heartbeat_at=timezone.now())
    abandon_silent_jobs()
    assert Job.objects.get(pk=first.pk).state == Job.State.FAILED
    Job.objects.filter(pk=second.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=61))
    out = StringIO()
    call_command("abandon_silent_jobs", stdout=out)
    assert "1 job(s) failed" in out.getvalue()
    assert Job.objects.get(pk=second.pk).state == Job.State.FAILED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_running_job_beats_even_when_its_handler_reports_no_progress(settings: Settings) -> None:
    settings.JOBS_HEARTBEAT_SECONDS = 1
    seen: list[object] = []

    def quiet(job: Job, progress: object) -> dict[str, str]:
        started = Job.objects.get(pk=job.pk).heartbeat_at
        time.sleep(2.5)
        seen.extend([started, Job.objects.get(pk=job.pk).heartbeat_at])
        return {}

    registry.register("quiet-test", quiet)
    try:
        job = job_run(job_id=job_create(kind="quiet-test").pk)
    finally:
        registry._KINDS.pop("quiet-test")
    assert job.state == Job.State.SUCCEEDED
    started, later = seen
    assert later > started  # type: ignore[operator]
