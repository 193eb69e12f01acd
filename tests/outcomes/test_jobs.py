"""The Job records progress the same way whichever way it runs; these tests take the eager path."""

import os

import pytest
from django.conf import settings

from outcomes.models import DemoDataset, Job
from outcomes.services import JOB_HANDLERS, job_create, job_enqueue, job_run

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("eager_celery"),
]


@pytest.fixture
def failing_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(JOB_HANDLERS, "explode", "tests.outcomes.test_jobs.explode")


def explode(job: Job, progress: object) -> dict:
    raise RuntimeError("the source file vanished")


def test_embedded_default_runs_tasks_eagerly_without_a_broker() -> None:
    assert settings.CELERY_BROKER_URL.startswith("memory://") == settings.CELERY_TASK_ALWAYS_EAGER


def test_an_enqueued_job_runs_and_records_its_progress() -> None:
    job = job_create(kind="load_demo", parameters={"seed": 7, "households": 30})
    job_enqueue(job=job)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert job.total > 1000
    assert job.done == job.total
    assert job.percent == 100
    assert job.started_at <= job.finished_at
    assert job.worker.endswith(f":{os.getpid()}")  # eager: this very process
    assert job.attempts == 1
    assert job.errors == []
    assert job.result["created"] is True
    assert DemoDataset.objects.get(seed=7).job == job


def test_a_finished_job_is_not_run_again() -> None:
    job = job_create(kind="load_demo", parameters={"seed": 7, "households": 30})
    job_run(job_id=job.pk)
    finished_at = Job.objects.get(pk=job.pk).finished_at
    again = job_run(job_id=job.pk)
    assert again.finished_at == finished_at
    assert again.attempts == 1
    assert DemoDataset.objects.count() == 1


def test_a_failed_job_records_the_error(failing_handler: None) -> None:
    job = job_create(kind="explode")
    with pytest.raises(RuntimeError):
        job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.errors == ["RuntimeError: the source file vanished"]
    assert job.finished_at is not None


def test_unknown_job_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="Unknown job kind 'nope'"):
        job_create(kind="nope")
