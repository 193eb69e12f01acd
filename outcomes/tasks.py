"""The one Celery task of the analyses: fit one chunk of an analysis's placebos on any worker."""

from typing import Any

from celery import shared_task

from .fanout import decode, encode, run_named_chunk


@shared_task(name="outcomes.run_chunk", ignore_result=False, acks_late=True)
def run_chunk(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Run the chunk function registered as ``name`` on the decoded payload; the answer travels back encoded."""
    return encode(run_named_chunk(name, decode(payload)))
