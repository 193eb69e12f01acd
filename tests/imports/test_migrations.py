"""Batches queued, being written or failed when a batch's status came to hold only what became of its file."""

import importlib

import pytest
from django.apps import apps

from imports.models import ImportBatch
from imports.services import batch_create
from jobs.models import Job
from jobs.services import job_create

pytestmark = pytest.mark.django_db
outcome_only = importlib.import_module("imports.migrations.0003_status_holds_the_outcome")


def test_batches_a_job_was_writing_go_back_to_valid_and_show_their_jobs_state() -> None:
    shown: dict[int, tuple[str, str]] = {}
    for old, job_state in (
        ("queued", Job.State.PENDING),
        ("running", Job.State.RUNNING),
        ("failed", Job.State.FAILED),
        ("committed", Job.State.SUCCEEDED),
    ):
        batch = batch_create(kind="households", file_name=f"{old}.csv", data=old.encode())
        job = job_create(kind="import", parameters={"batch": batch.pk})
        Job.objects.filter(pk=job.pk).update(state=job_state)
        ImportBatch.objects.filter(pk=batch.pk).update(status=old, job=job)
        shown[batch.pk] = (old, "committed" if old == "committed" else "valid")
    unchecked = batch_create(kind="households", file_name="new.csv", data=b"new")
    shown[unchecked.pk] = ("uploaded", "uploaded")

    outcome_only.forwards(apps, None)
    batches = ImportBatch.objects.select_related("job").order_by("pk")
    assert {b.pk: (b.state, b.status) for b in batches} == shown

    outcome_only.backwards(apps, None)
    assert {b.pk: b.status for b in batches.all()} == {pk: old for pk, (old, _) in shown.items()}
