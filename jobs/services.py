"""Writes for jobs: create, enqueue, claim, report progress, finish. Safe to run twice."""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from types import TracebackType
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Job
from .registry import after_success, handler_for, is_registered, kinds

logger = logging.getLogger(__name__)

ProgressListener = Callable[[Job], None]


class JobProgress:
    """Counts work done and writes it to the job row at most every `interval` seconds.

    Work that runs in one long transaction (an import writing all or nothing) would keep its progress to
    itself until it commits. On PostgreSQL such progress goes through a connection of its own, in
    autocommit, so pages and the API see it as it happens; the job row is never written by the long
    transaction meanwhile, so the two cannot wait on each other. SQLite allows one writer at a time: there
    the progress of such work shows when it commits.
    """

    def __init__(self, job: Job, *, listener: ProgressListener | None = None, interval: float = 1.0) -> None:
        self.job = job
        self.listener = listener
        self.interval = interval
        self._last_write = 0.0
        self._side: Any = None

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None

    def _write_aside(self, values: dict[str, Any]) -> bool:
        """Write the progress outside the transaction in progress; False when it cannot be (the job row is
        not visible outside it, as in a test's transaction, or the database is not PostgreSQL)."""
        if connection.vendor != "postgresql" or not connection.in_atomic_block:
            return False
        if self._side is None:
            import psycopg

            self._side = psycopg.connect(**connection.get_connection_params(), autocommit=True)
        table = connection.ops.quote_name(Job._meta.db_table)
        columns = ", ".join(f"{connection.ops.quote_name(k)} = %s" for k in values)
        cursor = self._side.execute(
            f"UPDATE {table} SET {columns} WHERE id = %s",  # noqa: S608 (the model's own names)
            [*values.values(), self.job.pk],
        )
        return bool(cursor.rowcount)

    def start(self, total: int, message: str = "") -> None:
        self.job.total = total
        self.job.message = message[:200]
        self._write(force=True)

    def advance(self, n: int, message: str | None = None) -> None:
        self.job.done = min(self.job.total, self.job.done + n) if self.job.total else self.job.done + n
        if message is not None:
            self.job.message = message[:200]
        self._write()

    def _write(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.listener:
            self.listener(self.job)
        if force or now - self._last_write >= self.interval:
            self._last_write = now
            values = {
                "total": self.job.total,
                "done": self.job.done,
                "message": self.job.message,
                "heartbeat_at": timezone.now(),
            }
            if not self._write_aside(values):
                Job.objects.filter(pk=self.job.pk).update(**values)


def job_create(
    *, kind: str, parameters: dict[str, Any] | None = None, requested_by: User | None = None
) -> Job:
    if not is_registered(kind):
        raise ValueError(f"Unknown job kind {kind!r}: expected one of {', '.join(kinds())}.")
    job = Job(kind=kind, parameters=parameters or {}, requested_by=requested_by)
    job.full_clean()
    job.save()
    return job


def job_enqueue(*, job: Job, queue: str | None = None) -> None:
    """Hand the job to Celery once the surrounding transaction commits.

    `queue` routes it to the workers consuming that queue instead of the default one. Without a broker
    (tasks run eagerly) the job runs in a thread of this process after commit, so the request that asked for
    it returns at once; with `JOBS_RUN_IN_BACKGROUND_WHEN_EAGER` off it runs inline, at commit.
    """
    from .tasks import run_job

    if settings.CELERY_TASK_ALWAYS_EAGER and settings.JOBS_RUN_IN_BACKGROUND_WHEN_EAGER:
        job_id = job.pk
        transaction.on_commit(lambda: job_start_thread(job_id=job_id))
    elif queue:
        run_job.apply_async_on_commit((job.pk,), queue=queue)
    else:
        run_job.delay_on_commit(job.pk)


def job_start_thread(*, job_id: int) -> threading.Thread:
    """Run the job in a daemon thread of this process, on a database connection of its own."""
    thread = threading.Thread(target=_run_in_thread, args=(job_id,), name=f"job-{job_id}", daemon=True)
    thread.start()
    return thread


def _run_in_thread(job_id: int) -> None:
    try:
        job_run(job_id=job_id)
    except Exception:
        # A handler's failure is on the job already; this also catches one before the job was claimed.
        logger.exception("Job %s stopped in its thread", job_id)
    finally:
        # Django opens one connection per thread: this one ends with the thread.
        connection.close()


def job_claim(*, job_id: int) -> Job | None:
    """Take the job for this process. None if it has already finished (a repeated delivery).

    A job still marked running was claimed by a worker that died before finishing (tasks are acknowledged
    late, so only a lost worker causes redelivery): it is taken over and run again from the start.
    """
    worker = f"{socket.gethostname()}:{os.getpid()}"
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state__in=[Job.State.PENDING, Job.State.RUNNING]).update(
        state=Job.State.RUNNING,
        worker=worker,
        started_at=now,
        heartbeat_at=now,
        done=0,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return Job.objects.get(pk=job_id)


def job_run(*, job_id: int, listener: ProgressListener | None = None) -> Job:
    """Run a job's handler with progress reporting; record success or failure. Never runs a finished job."""
    job = job_claim(job_id=job_id)
    if job is None:
        logger.info("Job %s has already finished; nothing to do.", job_id)
        return Job.objects.get(pk=job_id)
    handler = handler_for(job.kind)
    progress = JobProgress(job, listener=listener)
    try:
        with Heartbeat(job):
            result = handler(job, progress)
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, state=Job.State.FAILED, errors=[f"{type(exc).__name__}: {exc}"], result={})
        raise
    finally:
        progress.close()
    _finish(job, state=Job.State.SUCCEEDED, errors=[], result=result or {})
    for callback in after_success(job):
        try:
            callback(job)
        except Exception:  # a follower's failure never fails the job that succeeded
            logger.exception("After job %s (%s): %s failed", job.pk, job.kind, callback.__name__)
    return job


class Heartbeat:
    """While a job's handler runs, a thread stamps the job's `heartbeat_at` every JOBS_HEARTBEAT_SECONDS, on
    a database connection of its own, whether or not the handler reports progress. The stamps stop when the
    process dies (a worker killed, a web process whose thread ran the job gone), and `job_abandon_silent`
    then fails the job within JOBS_LEASE_SECONDS, so its work can be asked for again.

    Not started inside a transaction (a test's, or a request's): the job row might not be visible to the
    thread's connection, which would wait on it.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self.interval = settings.JOBS_HEARTBEAT_SECONDS
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "Heartbeat":
        if self.interval > 0 and not connection.in_atomic_block:
            self._thread = threading.Thread(
                target=self._beat, name=f"job-{self.job.pk}-heartbeat", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 5)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    Job.objects.filter(
                        pk=self.job.pk, state=Job.State.RUNNING, worker=self.job.worker
                    ).update(heartbeat_at=timezone.now())
                except Exception:
                    # A missed beat is not fatal: the lease is several beats long.
                    logger.warning("Job %s: could not record its heartbeat", self.job.pk, exc_info=True)
        finally:
            connection.close()


ABANDONED = (
    "The process running this job stopped (no heartbeat for {seconds} seconds): nothing it was writing was "
    "kept. It can be started again."
)


def job_abandon_silent(*, job_id: int | None = None) -> int:
    """Fail every running job (or job `job_id`) whose heartbeat is older than JOBS_LEASE_SECONDS: its process
    died. One conditional UPDATE, so a job is failed once however many pollers ask at the same moment, and a
    finished job is never touched. Returns how many were failed. Run by the job status endpoint, by
    committing an import again, by the periodic task `jobs.abandon_silent_jobs` and by
    `manage.py abandon_silent_jobs`."""
    now = timezone.now()
    seconds = settings.JOBS_LEASE_SECONDS
    cutoff = now - timedelta(seconds=seconds)
    silent = Job.objects.filter(state=Job.State.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    if job_id is not None:
        silent = silent.filter(pk=job_id)
    failed = silent.update(
        state=Job.State.FAILED,
        finished_at=now,
        errors=[ABANDONED.format(seconds=seconds)],
        message="Stopped: its process died",
    )
    if failed:
        logger.warning("Failed %s job(s) whose process stopped answering", failed)
    return failed


def _finish(job: Job, *, state: str, errors: list[str], result: dict[str, Any]) -> None:
    job.state = state
    job.errors = errors
    job.result = result
    job.finished_at = timezone.now()
    if state == Job.State.SUCCEEDED:
        job.done = job.total
        job.message = "Finished"
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(
            state=job.state,
            errors=job.errors,
            result=job.result,
            finished_at=job.finished_at,
            done=job.done,
            message=job.message,
        )
