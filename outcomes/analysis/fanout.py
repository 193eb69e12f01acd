"""Splitting the expensive part of an inference (placebo fits, bootstrap draws, permutations) into chunks
that can run anywhere.

The engine never decides where a chunk runs: an estimator takes a ``Mapper`` (``map_chunks(fn, tasks)``,
the results in the order of the tasks) and its caller passes one in. ``serial_map`` runs the chunks here;
``ProcessMap`` runs them over local processes; the Django side adds a mapper that sends them to Celery
workers (``outcomes/fanout.py``). Chunks have a fixed size, not one per worker, and any random draw a
chunk makes comes from its own ``SeedSequence`` child (``chunk_seeds``, or ``chunk_seed`` as data that
travels with the chunk), so a given seed gives the same result to the last bit whether one process runs
every chunk or forty machines share them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

import numpy as np

# Placebo fits per chunk: big enough that the batched solver keeps its matrix products efficient and a
# chunk's transfer is small beside its work, small enough that 1,000 placebos give 8 chunks to share.
CHUNK_SIZE = 125


class Mapper(Protocol):
    def __call__(self, fn: Callable[[Any], Any], tasks: Sequence[Any], /) -> list[Any]: ...


def serial_map(fn: Callable[[Any], Any], tasks: Sequence[Any], /) -> list[Any]:
    """Run every chunk in this process, one after another."""
    return [fn(task) for task in tasks]


def chunk_bounds(n: int, size: int = CHUNK_SIZE) -> list[tuple[int, int]]:
    """Half-open [start, stop) bounds of consecutive chunks of ``size`` covering ``range(n)``."""
    return [(start, min(start + size, n)) for start in range(0, n, size)]


def chunk_seeds(seed: int | np.random.SeedSequence, n_chunks: int) -> list[np.random.SeedSequence]:
    """Independent seeds, one per chunk, derived from the run's seed (``SeedSequence.spawn``): chunk k's
    draws depend only on the seed and k, never on which worker runs it or in what order."""
    parent = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return parent.spawn(n_chunks)


def chunk_seed(parent: np.random.SeedSequence, chunk: int) -> dict[str, Any]:
    """Chunk ``chunk``'s seed as plain data (it travels with the chunk): the ``SeedSequence`` that
    ``parent.spawn`` gives as its child number ``chunk``, whatever the parent has spawned before, so its
    draws depend only on the run's seed and the chunk's index."""
    return {"entropy": parent.entropy, "spawn_key": [*parent.spawn_key, chunk]}


def chunk_rng(state: dict[str, Any]) -> np.random.Generator:
    """The generator of a chunk whose seed ``chunk_seed`` wrote."""
    key = tuple(int(k) for k in state["spawn_key"])
    return np.random.default_rng(np.random.SeedSequence(state["entropy"], spawn_key=key))


def one_blas_thread() -> None:
    """Pin BLAS to one thread: with a process per core a second BLAS thread only spins against the other
    process (measured at 2.4 times the CPU for no gain under load)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


_POOLS: dict[int, ProcessPoolExecutor] = {}


class ProcessMap:
    """Run chunks over ``workers`` local processes (one BLAS thread each), kept alive between calls.

    The processes come from a fork server that has already imported the engine, so they neither inherit
    the threads of the process that asks (a web or job process) nor pay numpy's import per chunk.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers if workers is not None else min(4, os.cpu_count() or 1))

    def __call__(self, fn: Callable[[Any], Any], tasks: Sequence[Any], /) -> list[Any]:
        if self.workers == 1 or len(tasks) <= 1:
            return serial_map(fn, tasks)
        try:
            return list(self._pool().map(fn, tasks))
        except (BrokenProcessPool, AssertionError, OSError):
            # No pool here (a daemonic worker process may not have children) or it died: the chunks are
            # deterministic, so running them in this process gives the same answer.
            _POOLS.pop(self.workers, None)
            return serial_map(fn, tasks)

    def _pool(self) -> ProcessPoolExecutor:
        pool = _POOLS.get(self.workers)
        if pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(
                [
                    "outcomes.analysis.area_synthetic",
                    "outcomes.analysis.area_did",
                    "outcomes.analysis.staggered",
                    "outcomes.analysis.household_inference",
                ]
            )
            pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=one_blas_thread)
            _POOLS[self.workers] = pool
        return pool


def shutdown_pools() -> None:
    """Stop the kept local worker processes (tests and benchmarks call it when done)."""
    while _POOLS:
        _, pool = _POOLS.popitem()
        pool.shutdown(wait=True, cancel_futures=True)
