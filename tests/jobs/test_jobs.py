"""The Job records progress the same way whichever way it runs; these tests take the eager path."""

import os

import pytest
from django.conf import settings

from demo.models import DemoDataset
from jobs import registry
from jobs.models import Job
from jobs.services import job_create, job_enqueue, job_run

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("eager_celery"),
]


@pytest.fixture
def failing_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._KINDS, "explode", registry.Kind("explode", explode))


def explode(job: Job, progress: object) -> dict:
    raise RuntimeError("the source file vanished")


def test_each_app_registers_its_own_kinds_of_job() -> None:
    assert registry.kinds() == ["analysis", "dashboards-warm", "evidence-pack", "import", "load_demo"]
    assert registry.handler_for("dashboards-warm").__module__ == "outcomes.dashboards.warm"
    assert registry.handler_for("analysis").__module__ == "outcomes.services"
    assert registry.handler_for("import").__module__ == "imports.services"
    assert registry.handler_for("load_demo").__module__ == "demo.jobs"
    with pytest.raises(LookupError, match="No handler is registered for jobs of kind 'nope'"):
        registry.handler_for("nope")


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
