"""Where the evidence engine's chunks (placebo fits, wild bootstrap draws, randomisation permutations) run: Celery workers when a broker is configured, local processes in
the embedded default (and with a broker but no chunk queue named).

The engine (``outcomes/analysis/fanout.py``) takes a map function and knows nothing of either. With a
broker and ``ANALYSIS_CHUNK_QUEUE`` set, each chunk is one ``outcomes.run_chunk`` task on that queue, sent as a
Celery group and gathered in order; any worker on any machine that consumes that queue can fit it, since a
chunk carries its own data (JSON, floats written exactly). Without a broker, ``ANALYSIS_WORKERS`` local
processes share the chunks. Either way the result is the same as in one process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from celery import group
from django.conf import settings

from .analysis.area_did import did_placebo_chunk
from .analysis.area_synthetic import placebo_chunk
from .analysis.fanout import Mapper, ProcessMap
from .analysis.household_inference import randomisation_chunk, wild_chunk
from .analysis.staggered import cs_placebo_chunk

# The only functions a worker will run for a chunk, by name: a message names one of these, never code.
CHUNK_FUNCTIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "area-placebos": placebo_chunk,
    "did-placebos": did_placebo_chunk,
    "cs-placebos": cs_placebo_chunk,
    "wild-bootstrap": wild_chunk,
    "randomisation": randomisation_chunk,
}
_NAMES = {fn: name for name, fn in CHUNK_FUNCTIONS.items()}


def run_named_chunk(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    try:
        fn = CHUNK_FUNCTIONS[name]
    except KeyError:
        raise ValueError(f"no chunk function named {name!r}") from None
    return fn(payload)


def encode(value: Any) -> Any:
    """Arrays become tagged lists so a chunk travels as JSON; Python floats round-trip exactly."""
    if isinstance(value, np.ndarray):
        return {"__ndarray__": value.tolist(), "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict) and "__ndarray__" in value:
        return np.array(value["__ndarray__"], dtype=np.dtype(value["dtype"])).reshape(value["shape"])
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


class CeleryMap:
    """Send each chunk to the Celery workers as one task of a group and wait for them all, in order."""

    def __call__(self, fn: Callable[[Any], Any], tasks: Sequence[Any], /) -> list[Any]:
        from .tasks import run_chunk

        name = _NAMES[fn]
        signatures = [run_chunk.s(name, encode(task)) for task in tasks]
        result = group(signatures).apply_async(queue=settings.ANALYSIS_CHUNK_QUEUE)
        # The job's own task waits here: chunk workers consume their own queue, so it cannot starve them.
        answers = result.get(disable_sync_subtasks=False, timeout=settings.CELERY_TASK_TIME_LIMIT)
        return [decode(a) for a in answers]


def chunk_map() -> Mapper:
    """The map function for this deployment: Celery with a broker and a chunk queue, else local processes."""
    if not settings.CELERY_TASK_ALWAYS_EAGER and settings.ANALYSIS_CHUNK_QUEUE:
        return CeleryMap()
    return ProcessMap(settings.ANALYSIS_WORKERS)
