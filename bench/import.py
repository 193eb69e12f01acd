"""Bulk import of benefit records: the project's import path against PostgreSQL's own COPY, same file, same run.

Creates a scratch PostgreSQL database (dropped first if it exists), migrates it, adds the people the
records refer to, writes a CSV of benefit records (default 1,000,000 rows: nino,month,benefit,amount),
then times
  1. PostgreSQL's COPY of the file into a bare table of four text columns (no checks, no indexes), and
  2. the project's import path, as `manage.py import_data benefit-records FILE` runs it: the batch is
     recorded and the file kept, every row is checked (National Insurance number, month, benefit, amount,
     repeats), then written in one transaction through a temporary table and INSERT ... ON CONFLICT into
     the indexed, constrained benefit record table, which the batch is marked committed in;
and prints rows per second for both and their ratio. Then it imports the same rows again from a different
file, to time a re-import that finds every row already there.

    .venv/bin/python bench/import.py [--rows N] [--database-url postgres://postgres@127.0.0.1:5432/taskforce_bench]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NINO_LETTERS = "ABCEGHJKLMNPRSTWXYZ"  # allowed first and second letters of a National Insurance number


def ninos(count: int) -> list[str]:
    """Distinct, well-formed, plainly synthetic National Insurance numbers."""
    out = []
    for i in range(count):
        first, second = NINO_LETTERS[i // 1_000_000 % 19], NINO_LETTERS[i // 19_000_000 % 19]
        out.append(f"{first}{second}{i % 1_000_000:06d}{'ABCD'[i % 4]}")
    return out


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/taskforce_bench")
    args = parser.parse_args()
    months = -(-args.rows // args.people)

    import psycopg

    admin_url, name = args.database_url.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_DEBUG="true",
        DJANGO_SETTINGS_MODULE="taskforce.settings",
        IMPORTS_DIR=str(workdir / "imports"),
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from households.models import Person
    from imports.models import ImportBatch
    from imports.services import batch_commit, batch_create
    from outcomes.models import BenefitRecord
    from outcomes.services import job_run

    progress("Migrating the scratch database")
    call_command("migrate", verbosity=0)
    people = ninos(args.people)
    Person.objects.bulk_create(
        [
            Person(given_name="Bench", family_name=f"Person{i}", date_of_birth="1980-01-01", nino=n)
            for i, n in enumerate(people)
        ],
        batch_size=5_000,
    )
    path = workdir / "benefit-records.csv"
    benefits = ["jsa", "esa", "hb", "ctr", "uc-sfw"]
    written = 0
    with path.open("w", newline="") as out:
        out.write("nino,month,benefit,amount\r\n")
        for m in range(months):
            month = f"{2000 + m // 12}-{m % 12 + 1:02d}"
            for i, nino in enumerate(people):
                if written == args.rows:
                    break
                out.write(f"{nino},{month},{benefits[i % 5]},{(i * 37 + m * 11) % 50_000 / 100:.2f}\r\n")
                written += 1
    data = path.read_bytes()
    progress(f"{written:,} rows, {len(data) / 1e6:.1f} MB, {args.people:,} people, {months} months")

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_bare (nino text, month text, benefit text, amount text)")

    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy("COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        path.open("rb") as source,
    ):
        while chunk := source.read(1 << 20):
            copy.write(chunk)
    copy_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_bare")
        assert cursor.fetchone()[0] == written

    started = time.perf_counter()
    batch = batch_create(kind="benefit-records", file_name=path.name, data=data)
    job = batch_commit(batch=batch, enqueue=False)
    job_run(job_id=job.pk)
    import_seconds = time.perf_counter() - started
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.report["problems"][:5]
    assert batch.created == written == BenefitRecord.objects.count()

    started = time.perf_counter()
    again = batch_create(kind="benefit-records", file_name="again.csv", data=data + b"\r\n")
    job_run(job_id=batch_commit(batch=again, enqueue=False).pk)
    reimport_seconds = time.perf_counter() - started
    again = ImportBatch.objects.get(pk=again.pk)
    assert (again.created, again.unchanged) == (0, written)
    assert BenefitRecord.objects.count() == written

    copy_rate, import_rate, reimport_rate = (
        written / s for s in (copy_seconds, import_seconds, reimport_seconds)
    )
    print()
    print(f"rows                                   {written:>12,}")
    print(f"PostgreSQL COPY into a bare table      {copy_seconds:>9.2f} s {copy_rate:>12,.0f} rows/s")
    print(f"project import (check + write)         {import_seconds:>9.2f} s {import_rate:>12,.0f} rows/s")
    print(f"project re-import (all rows unchanged) {reimport_seconds:>9.2f} s {reimport_rate:>12,.0f} rows/s")
    print(f"ratio import / COPY                    {import_rate / copy_rate:>12.2f}")
    print(f"ratio re-import / COPY                 {reimport_rate / copy_rate:>12.2f}")


if __name__ == "__main__":
    main()
