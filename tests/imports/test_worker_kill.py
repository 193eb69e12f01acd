"""Service suite: a worker killed (SIGKILL) in the middle of an import leaves nothing behind, and after a new
worker starts the import completes exactly once: every row written, none twice. Its death is noticed by
the job's heartbeat within the lease (JOBS_LEASE_SECONDS), so the batch can be committed again at once.

The test starts its own workers on a queue of its own, so the suite's worker never takes the task. They
run with a short broker visibility timeout: Redis hands an unacknowledged task (its worker died) to
another worker only after that timeout, which in production is an hour.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from pytest_django.fixtures import Settings

from households.models import Person
from imports.models import ImportBatch
from imports.services import batch_commit, batch_create
from jobs.models import Job
from outcomes.models import BenefitRecord
from tests.factories import UserFactory

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PEOPLE, MONTHS = 4_000, 100  # 400,000 rows: seconds of work, so the kill lands mid-import
VISIBILITY_TIMEOUT = 10
ROOT = Path(__file__).resolve().parents[2]

WORKER = f"""
import sys
from taskforce.celery import app
app.conf.broker_transport_options = {{
    "visibility_timeout": {VISIBILITY_TIMEOUT}, "unacked_restore_interval": 1, "unacked_restore_throttle": 1,
}}
app.worker_main(["worker", "-Q", sys.argv[1], "--concurrency=1", "--hostname", sys.argv[2],
                 "--loglevel=INFO", "--without-gossip", "--without-mingle"])
"""


def database_url() -> str:
    """The test database, as the worker must reach it."""
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    return (
        f"postgres://{quote(s['USER'])}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    )


def start_worker(
    queue: str, name: str, log: Path, *, heartbeat: int | None = None
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "IMPORTS_DIR": str(settings.IMPORTS_DIR),
    }
    if heartbeat is not None:
        env["JOBS_HEARTBEAT_SECONDS"] = str(heartbeat)
    env.pop("DJANGO_TEST_DATABASE_NAME", None)
    return subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", WORKER, queue, f"{name}@%h"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the pool's children die with it
    )


def stop(worker: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def wait(condition, timeout: float, what: str, log: Path) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} not within {timeout} s; worker log:\n{log.read_text()[-3000:]}")


def big_batch() -> tuple[ImportBatch, list[str]]:
    ninos = [f"AA{i:06d}A" for i in range(PEOPLE)]
    Person.objects.bulk_create(
        [
            Person(given_name="Kill", family_name=f"Test{i}", date_of_birth="1980-01-01", nino=n)
            for i, n in enumerate(ninos)
        ]
    )
    lines = ["nino,month,benefit,amount"]
    for m in range(MONTHS):
        month = f"{2000 + m // 12}-{m % 12 + 1:02d}"
        lines.extend(f"{n},{month},jsa,{(i + m) % 400}.50" for i, n in enumerate(ninos))
    return batch_create(kind="benefit-records", file_name="big.csv", data="\n".join(lines).encode()), ninos


def test_an_import_killed_mid_way_completes_exactly_once_after_restart(tmp_path: Path) -> None:
    batch, ninos = big_batch()
    rows = PEOPLE * MONTHS

    queue, log = f"imports-kill-{uuid.uuid4().hex[:8]}", tmp_path / "workers.log"
    first = start_worker(queue, "doomed", log)
    second = None
    try:
        job = batch_commit(batch=batch, queue=queue)

        def under_way() -> bool:
            job.refresh_from_db()
            return job.state == Job.State.RUNNING and (job.done > 0 or job.message.startswith("Writing"))

        wait(under_way, 60, "progress from the first worker", log)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        job.refresh_from_db()
        batch.refresh_from_db()
        assert job.state == Job.State.RUNNING, "the import finished before the kill: make it bigger"
        assert (batch.status, batch.state) == (ImportBatch.Status.UPLOADED, ImportBatch.State.RUNNING)
        assert BenefitRecord.objects.count() == 0  # the killed transaction left nothing
        killed_in = job.worker

        second = start_worker(queue, "survivor", log)
        wait(lambda: Job.objects.get(pk=job.pk).is_finished, 120, "the import to finish after restart", log)
    finally:
        stop(first, signal.SIGKILL)
        if second is not None:
            stop(second)

    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert job.attempts == 2
    assert job.worker != killed_in
    problems = batch.report.get("problems", [])[:3]
    assert (batch.status, batch.rows, batch.created, batch.updated) == ("committed", rows, rows, 0), problems
    assert BenefitRecord.objects.count() == rows
    assert BenefitRecord.objects.values("person", "month", "benefit").distinct().count() == rows
    assert BenefitRecord.objects.filter(person__nino=ninos[-1]).count() == MONTHS


def test_a_killed_worker_is_noticed_by_its_heartbeat_and_the_batch_commits_again_exactly_once(
    tmp_path: Path, settings: Settings, client: Client
) -> None:
    """Without waiting for the broker: the job's heartbeat stops with the worker, the status poll fails the
    job within the lease, and committing the batch again writes it once (the stale delivery, when it comes,
    finds its job finished and does nothing)."""
    settings.JOBS_LEASE_SECONDS = 6
    user = UserFactory(username="importer")
    batch, _ninos = big_batch()
    rows = PEOPLE * MONTHS
    queue, log = f"imports-lease-{uuid.uuid4().hex[:8]}", tmp_path / "workers.log"
    first = start_worker(queue, "doomed", log, heartbeat=1)
    second = None
    try:
        job = batch_commit(batch=batch, queue=queue, requested_by=user)

        def under_way() -> bool:
            job.refresh_from_db()
            return job.state == Job.State.RUNNING and (job.done > 0 or job.message.startswith("Writing"))

        wait(under_way, 60, "progress from the first worker", log)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        killed_at = time.monotonic()
        client.force_login(user)
        status_url = f"/jobs/{job.pk}/status.json"
        wait(lambda: client.get(status_url).json()["state"] == Job.State.FAILED, 60, "the death noticed", log)
        assert time.monotonic() - killed_at < 60
        assert BenefitRecord.objects.count() == 0

        again = batch_commit(batch=batch, queue=queue, requested_by=user)
        assert again.pk != job.pk
        second = start_worker(queue, "survivor", log, heartbeat=1)
        wait(lambda: Job.objects.get(pk=again.pk).is_finished, 120, "the import to finish", log)
        time.sleep(VISIBILITY_TIMEOUT + 3)  # the killed worker's delivery comes back: it must do nothing
    finally:
        stop(first, signal.SIGKILL)
        if second is not None:
            stop(second)

    job.refresh_from_db()
    again.refresh_from_db()
    batch.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.attempts == 1
    assert again.state == Job.State.SUCCEEDED, again.errors
    assert (batch.status, batch.rows, batch.created) == ("committed", rows, rows)
    assert BenefitRecord.objects.count() == rows
