"""Service suite: a task enqueued through the real broker runs in a separate Celery worker process."""

import os
import time
from collections.abc import Iterator

import pytest

from demo.models import DemoDataset
from jobs.models import Job
from jobs.services import job_create, job_enqueue
from taskforce.celery import app

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _follow_up_jobs_end_first(transactional_db: None) -> Iterator[None]:
    """A load the worker finished queues its follow-up (the dashboards' recomputation), which the worker may
    still be running when the test ends: let it end before the teardown empties the tables under it, or the
    two deadlock on their locks. (Set up after the database, so torn down before it.)"""
    yield
    deadline = time.monotonic() + 60
    while (
        time.monotonic() < deadline
        and Job.objects.filter(
            kind="dashboards-warm", state__in=[Job.State.PENDING, Job.State.RUNNING]
        ).exists()
    ):
        time.sleep(0.25)


def wait_for(job: Job, timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.25)
    raise AssertionError(f"job {job.pk} still {job.state} after {timeout} s: is the worker running?")


def test_a_worker_is_listening() -> None:
    replies = app.control.ping(timeout=5.0)
    assert replies, "no Celery worker answered: .ci/run starts one before the service suite"


def test_enqueued_job_runs_in_the_worker_process_and_updates_its_job() -> None:
    job = job_create(kind="load_demo", parameters={"seed": 21, "households": 40})
    job_enqueue(job=job)
    job = wait_for(job)
    assert job.state == Job.State.SUCCEEDED, job.errors
    _host, pid = job.worker.rsplit(":", 1)
    assert int(pid) != os.getpid()
    assert job.total > 0
    assert job.done == job.total
    assert job.started_at
    assert job.finished_at
    assert job.started_at <= job.finished_at
    assert DemoDataset.objects.get(seed=21).job_id == job.pk


def test_a_repeated_delivery_of_a_finished_job_changes_nothing() -> None:
    job = job_create(kind="load_demo", parameters={"seed": 22, "households": 30})
    job_enqueue(job=job)
    job = wait_for(job)
    finished = job.finished_at
    job_enqueue(job=job)  # as if the broker delivered it twice
    time.sleep(2)
    job.refresh_from_db()
    assert job.finished_at == finished
    assert job.attempts == 1
    assert DemoDataset.objects.filter(seed=22).count() == 1


def test_an_analysis_runs_in_the_worker_through_its_job() -> None:
    from demo.load import load_demo
    from outcomes.services import analysis_request

    load_demo(seed=23, households=60)
    run = analysis_request(kind="gap", parameters={"period": "2009"})
    job = wait_for(run.job)
    run.refresh_from_db()
    assert run.succeeded, run.error
    assert int(job.worker.rsplit(":", 1)[1]) != os.getpid()
    assert "not an impact" in run.result["label"]
