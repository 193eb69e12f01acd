"""Time ``datasets.household_panel`` against a bare ``COPY TO`` of the benefit records it reads, in the
same run, on the configured database (PostgreSQL with the demo loaded):

    DATABASE_URL=postgres://.../db .venv/bin/python bench/columnar.py [--repeats 3]

Prints wall and this process's CPU seconds for: the bare COPY of the records (month, person, benefit,
amount for the panel's months) into memory; the same rows fetched as tuples into a DataFrame (the old
path); and the whole household panel (households x months with the records summed in the database and
read by column). The ratio is COPY time / panel time (1.0 = as fast as the bare COPY).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskforce.settings")

import django

django.setup()

import pandas as pd  # noqa: E402
from django.db import connection  # noqa: E402

from outcomes.datasets.panels import household_panel  # noqa: E402

RECORDS = (
    "SELECT person_id, month, benefit_id, amount FROM outcomes_benefitrecord "
    "WHERE month >= '2006-01-01' AND month <= '2015-12-01'"
)


def bare_copy() -> int:
    connection.ensure_connection()
    buffer = io.BytesIO()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY ({RECORDS}) TO STDOUT WITH (FORMAT csv)") as copy,
    ):
        for block in copy:
            buffer.write(block)
    return buffer.getbuffer().nbytes


def tuples() -> int:
    with connection.cursor() as cursor:
        cursor.execute(RECORDS)
        frame = pd.DataFrame.from_records(cursor.fetchall(), columns=["person", "month", "benefit", "amount"])
    return len(frame)


def panel() -> int:
    return len(household_panel(first_month=date(2006, 1, 1), last_month=date(2015, 12, 1)))


def timed(fn: Callable[[], int], repeats: int) -> tuple[float, float, int]:
    best_wall, best_cpu, out = float("inf"), float("inf"), 0
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL to a PostgreSQL database with the demo loaded")
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    results = {
        "bare COPY TO of the records": timed(bare_copy, args.repeats),
        "records as tuples -> DataFrame": timed(tuples, args.repeats),
        "household_panel()": timed(panel, args.repeats),
    }
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    base = results["bare COPY TO of the records"][0]
    print(f"{'what':<34}{'wall (s)':>10}{'CPU here (s)':>14}{'rows/bytes':>14}{'COPY / this':>13}")
    for name, (wall, cpu, out) in results.items():
        print(f"{name:<34}{wall:>10.2f}{cpu:>14.2f}{out:>14,}{base / wall:>12.2f}x")


if __name__ == "__main__":
    main()
