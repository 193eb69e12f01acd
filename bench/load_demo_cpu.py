"""CPU of loading the demo, client and database server together: `load_demo` in this process against
DATABASE_URL (an empty, migrated database), then this process's CPU plus, on PostgreSQL, the CPU of the
server process that served its one connection (read from /proc, so it needs the server on this machine).

CPU seconds, not wall: other work on the machine delays the load but hardly changes its CPU, so the figure is
comparable across runs where wall time is not. The embedded default (SQLite) has no server: its CPU is all
in this process.

    .venv/bin/python bench/load_demo_cpu.py [--households 6000]                          # SQLite of .env
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_bench_demo .venv/bin/python bench/load_demo_cpu.py

Refuses a database that already holds the demo; the caller makes an empty one (createdb, migrate).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskforce.settings")
# The dashboards' follow-up job runs inline, on the same connection, so its server CPU is counted too.
os.environ["JOBS_RUN_IN_BACKGROUND_WHEN_EAGER"] = "false"


def server_cpu(pid: int) -> float:
    """utime + stime of a process on this machine, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=2010)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    backend_pid = None
    server_before = 0.0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("select pg_backend_pid()")
            backend_pid = int(cursor.fetchone()[0])
        server_before = server_cpu(backend_pid)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {connection.vendor}")
    wall = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    call_command("load_demo", seed=args.seed, households=args.households, no_progress=True)
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter() - wall
    client = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    server = 0.0
    if backend_pid is not None:
        if connection.connection is None or connection.connection.info.backend_pid != backend_pid:
            raise SystemExit("the load did not keep one server connection: the server's CPU was not counted")
        server = server_cpu(backend_pid) - server_before
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"wall {wall:.1f} s; CPU: this process {client:.1f} s, database server {server:.1f} s, "
        f"together {client + server:.1f} s"
    )


if __name__ == "__main__":
    main()
