"""Bulk import of benefit records: the project's import path against PostgreSQL's own COPY, same file, same run.

Creates a scratch PostgreSQL database (dropped first if it exists), migrates it, adds the people the
records refer to, writes a CSV of benefit records (default 1,000,000 rows: nino,month,benefit,amount),
then times
  1. PostgreSQL's COPY of the file into a bare table of four text columns (no checks, no indexes): the
     peer the goal is set against;
  2. PostgreSQL's COPY of the same rows, already resolved to person and benefit ids, into a table made
     LIKE the benefit record table (same columns, primary key, unique and month indexes, check): what
     writing a million rows into a table shaped like ours costs before any checking;
  3. the project's import path, as `manage.py import_data benefit-records FILE` runs it: the batch is
     recorded and the file kept, every row is checked (National Insurance number, month, benefit, amount,
     repeats; column by column, see imports/columnar.py), then written in one transaction (binary COPY
     into a temporary table, one INSERT ... SELECT) into the indexed, constrained benefit record table,
     which the batch is marked committed in;
and prints rows per second and the ratios. Then it imports the same rows again from a different file, to
time a re-import that finds every row already there (and so writes no record), and once more into an empty table with PostgreSQL's
per-row foreign-key triggers left on (a database role without the grant of docs/imports.md). Each
figure is the best of --repeat rounds, since other work on the machine only ever slows a round down.

    .venv/bin/python bench/import.py [--rows N] [--database-url postgres://postgres@127.0.0.1:5432/taskforce_bench]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from unittest.mock import patch

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
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each figure is the best of them")
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
    from jobs.services import job_run
    from outcomes.models import BenefitRecord, BenefitType

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

    ids = dict(Person.objects.values_list("nino", "pk"))
    benefit_ids = dict(BenefitType.objects.values_list("code", "pk"))
    resolved = workdir / "resolved.csv"
    with path.open() as source, resolved.open("w") as out:
        next(source)
        for line in source:
            nino, month, benefit, amount = line.rstrip("\r\n").split(",")
            out.write(f"{ids[nino]},{month}-01,{benefit_ids[benefit]},{amount}\n")
    table = BenefitRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_bare (nino text, month text, benefit text, amount text)")
        cursor.execute(f"CREATE TABLE bench_shaped (LIKE {table} INCLUDING ALL)")

    def copy_into(target: str, source_path: Path, options: str) -> float:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {target.split()[0]}")
        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {target} FROM STDIN WITH ({options})") as copy,
            source_path.open("rb") as source,
        ):
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        return time.perf_counter() - started

    def project_import(name: str, content: bytes, *, fresh: bool) -> tuple[float, ImportBatch]:
        if fresh:
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {table}")
            ImportBatch.objects.all().delete()
        started = time.perf_counter()
        batch = batch_create(kind="benefit-records", file_name=name, data=content)
        job_run(job_id=batch_commit(batch=batch, enqueue=False).pk)
        seconds = time.perf_counter() - started
        batch = ImportBatch.objects.get(pk=batch.pk)
        assert batch.status == ImportBatch.Status.COMMITTED, batch.report["problems"][:5]
        return seconds, batch

    timings: dict[str, list[float]] = {k: [] for k in ("bare", "shaped", "import", "reimport", "triggers")}
    for round_ in range(1, args.repeat + 1):
        progress(f"Round {round_} of {args.repeat}")
        timings["bare"].append(copy_into("bench_bare", path, "FORMAT csv, HEADER true"))
        timings["shaped"].append(
            copy_into("bench_shaped (person_id, month, benefit_id, amount)", resolved, "FORMAT csv")
        )
        seconds, batch = project_import(path.name, data, fresh=True)
        assert batch.created == written == BenefitRecord.objects.count()
        timings["import"].append(seconds)
        seconds, batch = project_import("again.csv", data + b"\r\n", fresh=False)
        assert (batch.created, batch.unchanged) == (0, written)
        assert BenefitRecord.objects.count() == written
        timings["reimport"].append(seconds)
        with patch("imports.kinds.benefit_records.may_skip_row_triggers", return_value=False):
            seconds, batch = project_import(path.name, data, fresh=True)
        assert batch.created == written
        timings["triggers"].append(seconds)

    best = {k: min(v) for k, v in timings.items()}
    rate = {k: written / v for k, v in best.items()}
    labels = {
        "bare": "PostgreSQL COPY into a bare table",
        "shaped": "PostgreSQL COPY into a table shaped like ours",
        "import": "project import (check + write)",
        "reimport": "project re-import (all rows unchanged)",
        "triggers": "project import, foreign-key triggers run",
    }
    print()
    print(
        f"{written:,} rows; best of {args.repeat} rounds (load average at the end: {os.getloadavg()[0]:.1f})"
    )
    for key, label in labels.items():
        print(f"{label:<48} {best[key]:>7.2f} s {rate[key]:>12,.0f} rows/s")
    print(f"{'ratio import / bare COPY':<48} {rate['import'] / rate['bare']:>9.2f}")
    print(f"{'ratio import / COPY into the shaped table':<48} {rate['import'] / rate['shaped']:>9.2f}")
    print(f"{'ratio re-import / bare COPY':<48} {rate['reimport'] / rate['bare']:>9.2f}")
    print(f"{'ratio re-import / COPY into the shaped table':<48} {rate['reimport'] / rate['shaped']:>9.2f}")


if __name__ == "__main__":
    main()
