"""Time the ward dashboards' cold computation: every view a ward manager and a policy lead can open, each
computed with the cache empty, as the first viewer after a change to the records (or before the warming job
has run) pays for it.

For each audience (the demo's ward manager and policy lead): the default view (all their wards, every year
with data), each single year, and the widest range the filters allow (the first year to this year, when it
differs from the default). Before each run the shared cache is cleared; the run is `dashboards.dashboard_for`
for the view's query string: the figures (`facts`) read from the database and every panel built and
published. CPU time (`time.process_time`: with SQLite the database works in this process too) and wall time,
best of `--repeat`. Budget: 300 ms CPU for every view. Each view is also timed with only the figures
already cached (as after the warming job, which computes them and the default views only): the cost of
the panels alone; and after a caseworker records an intervention with everything cached before (a history
row written in a transaction rolled back after the run): the figures and panels are cached by the parts of
the records they read, so only the interventions, and the two panels that read them, are computed again.
The peer, timed in the same run, is the figures alone (`facts._compute`), which every cold view pays first.
The timed runs log no queries (DEBUG off, as in production); the queries are counted in a run of their own.
The process is set up as a web process is (`taskforce.wsgi`: every view loaded, then frozen out of the
cyclic garbage collector's full passes, which otherwise walk the 320,000 objects loaded, about 0.1 s each).

Rendering the page (charts drawn to SVG) is not included: it is `bench/pages.py --cold`.

    make run   # once, to load the demo
    PYTHONPATH=. .venv/bin/python bench/dashboard_cold.py [--repeat 3] [--profile out.prof] [--only default]
        [--years 2006,2011]

With `--profile`, each view's first cold run is also run under cProfile (outside the timings) and the
profiles are written, merged, to the file; the top functions by cumulative time are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from collections.abc import Callable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskforce.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
django.setup()

# Set up as a web process is: every view loaded, then what was loaded frozen out of the garbage collector's
# full passes (taskforce/wsgi.py).
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

import taskforce.wsgi  # noqa: E402, F401
from interventions.models import Intervention  # noqa: E402
from outcomes import dashboards  # noqa: E402
from outcomes.dashboards.access import FIRST_YEAR, dashboard_access  # noqa: E402
from outcomes.dashboards.facts import _compute, facts, versions  # noqa: E402

BUDGET_CPU_MS = 300.0
USERS = {"ward manager": "wardmanager", "policy lead": "policylead"}


def views(latest_year: int) -> list[tuple[str, dict[str, Any]]]:
    """(name, query) of every view: the default, each single year, the widest range."""
    this_year = timezone.localdate().year
    out: list[tuple[str, dict[str, Any]]] = [(f"default ({FIRST_YEAR}-{latest_year})", {})]
    out += [(str(y), {"from": y, "to": y}) for y in range(FIRST_YEAR, this_year + 1)]
    if this_year != latest_year:
        out.append((f"{FIRST_YEAR}-{this_year}", {"from": FIRST_YEAR, "to": this_year}))
    return out


def cold(
    run: Callable[[], object], repeat: int, prime: Callable[[], object] | None = None
) -> tuple[float, float, int, float]:
    """Best CPU and wall seconds of `run` with the cache cleared before each (then `prime` run, untimed),
    its query count and its median CPU seconds (on a machine whose speed drifts, the best of a few runs and
    their median can differ by a fifth). The timed runs log no queries, as in production (DEBUG off): the
    debug cursor writes out each query with its parameters, and the housing benefit sums' parameter is
    1.5 MB of text (about 20 ms). The queries are counted in one more run, untimed."""

    def emptied() -> None:
        cache.clear()
        if prime is not None:
            prime()

    cpus, walls = [], []
    for _ in range(repeat):
        emptied()
        with override_settings(DEBUG=False):
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        cpus.append(cpu)
        walls.append(wall)
    emptied()
    # The query log holds the last 9,000 queries: counted from empty, lest a long run fill it and a count
    # read as nought.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        run()
    return min(cpus), min(walls), len(captured.captured_queries), statistics.median(cpus)


def after_change(run: Callable[[], object], repeat: int) -> float:
    """Best CPU seconds of `run` after one intervention is saved (a history row, as through the services),
    with everything cached for the records as they were; each change is rolled back after its run."""
    cpus = []
    for _ in range(repeat):
        cache.clear()
        run()
        with transaction.atomic():
            Intervention.objects.order_by("pk").first().save()
            with override_settings(DEBUG=False):
                cpu = time.process_time()
                run()
                cpus.append(time.process_time() - cpu)
            transaction.set_rollback(True)
    cache.clear()  # the rolled-back ids are handed out again
    return min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per view (best of)")
    parser.add_argument("--profile", help="write the merged cProfile of every view's cold run here")
    parser.add_argument("--only", choices=["default", "years", "widest"], help="time only these views")
    parser.add_argument("--years", help="time only these single years (comma-separated), not every one")
    args = parser.parse_args()

    load_before = os.getloadavg()
    latest_year = facts(versions())["latest_year"]
    if latest_year is None:
        raise SystemExit("No figures: load the demo first (make run).")
    lines = []
    peer_cpu, peer_wall, peer_queries, peer_median = cold(_compute, args.repeat)
    lines.append(
        f"| figures alone (peer) | - | {1000 * peer_cpu:.0f} | {1000 * peer_median:.0f} | {1000 * peer_wall:.0f} "
        f"| - | - | - | {peer_queries} | - |"
    )
    profiler = cProfile.Profile() if args.profile else None
    worst = 0.0
    for audience, username in USERS.items():
        access = dashboard_access(get_user_model().objects.get(username=username))
        if access is None:
            raise SystemExit(f"The demo's {username} has no dashboards.")
        for name, query in views(latest_year):
            kind = "default" if not query else ("years" if query["from"] == query["to"] else "widest")
            if args.only and kind != args.only:
                continue
            if kind == "years" and args.years and str(query["from"]) not in args.years.split(","):
                continue

            def run(access: Any = access, query: dict[str, Any] = query) -> object:
                return dashboards.dashboard_for(access, query)

            cpu, wall, queries, median = cold(run, args.repeat)
            panels_cpu, panels_wall, _, _ = cold(run, args.repeat, prime=lambda: facts(versions()))
            changed_cpu = after_change(run, args.repeat)
            worst = max(worst, cpu)
            if profiler is not None:
                cache.clear()
                profiler.runcall(run)
            verdict = "within budget" if 1000 * cpu < BUDGET_CPU_MS else f"OVER {BUDGET_CPU_MS:.0f} ms"
            lines.append(
                f"| {audience}: {name} | {len(access.wards)} | {1000 * cpu:.0f} | {1000 * median:.0f} | {1000 * wall:.0f} | "
                f"{1000 * panels_cpu:.0f} | {1000 * panels_wall:.0f} | {1000 * changed_cpu:.0f} | {queries} | {verdict} |"
            )
    cache.clear()
    load_after = os.getloadavg()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    load = (
        " / ".join(f"{x:.1f}" for x in load_before) + "; after " + " / ".join(f"{x:.1f}" for x in load_after)
    )
    print(f"database {engine}, best of {args.repeat} cold runs per view, load average before {load}")
    print(
        "| view | wards | CPU ms, cache empty | median | wall ms | CPU ms, figures cached | wall ms "
        "| CPU ms, after a new intervention | queries | budget (300 ms CPU, cache empty) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    print("\n".join(lines))
    print(f"worst view: {1000 * worst:.0f} ms CPU")
    if profiler is not None:
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
