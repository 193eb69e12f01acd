"""The Celery tasks of the outcomes: fit one chunk of an analysis's placebos on any worker, and queue the
dashboards' warming job (beat, daily)."""

from typing import Any

from celery import shared_task

from jobs.services import job_create, job_enqueue

from .fanout import decode, encode, run_named_chunk


@shared_task(name="outcomes.run_chunk", ignore_result=False, acks_late=True)
def run_chunk(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Run the chunk function registered as ``name`` on the decoded payload; the answer travels back encoded."""
    return encode(run_named_chunk(name, decode(payload)))


@shared_task(name="outcomes.warm_dashboards", ignore_result=True)
def warm_dashboards() -> None:
    """Queue the dashboards' warming job (`dashboards.warm`): sent by beat just after midnight, as the
    figures depend on the date and each day starts a new data version."""
    job_enqueue(job=job_create(kind="dashboards-warm"))
