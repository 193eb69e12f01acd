"""Render the case pages against the loaded demo and print p50/p95 render times and query counts.

Budgets: household page p95 under 150 ms, ward dashboard p95 under 500 ms. The peer, timed in the same run,
is the API's detail endpoint for the same households (a JSON read through the same scoping and access log):
the ratio says what the page costs over the bare read.

Every request runs inside one transaction that is rolled back at the end, so the access-log rows the pages
write (and the sessions) leave no trace in the demo database.

The ward dashboard is measured warm (its sections cached, as every view after the first) and, with `--cold`,
also cold: the cache cleared before each request, as the first view after any change to the records sees it
(every aggregate read from the database, every chart drawn). Budget for the cold view: 1.5 s (p95).

    make run   # once, to load the demo
    DJANGO_SETTINGS_MODULE=taskforce.settings DJANGO_DEBUG=true PYTHONPATH=. .venv/bin/python bench/pages.py [--n 200] [--cold]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskforce.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
# The benchmark measures pages, not sign-in: the second factor is another engineer's concern and its own test.
os.environ.setdefault("TASKFORCE_REQUIRE_2FA", "false")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from households.models import Household  # noqa: E402

BUDGETS_MS = {"household page": 150.0, "ward dashboard": 500.0, "ward dashboard (cold)": 1500.0}

# HOOK for the ward dashboard (built in outcomes/): the URL name and who opens it. Until the page exists
# the row is reported as skipped, not failed.
DASHBOARD_URL_NAME = "outcomes:dashboard"
DASHBOARD_USER = "wardmanager"


class Rollback(Exception):
    pass


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(client: Client, urls: list[str], *, cold: bool = False) -> tuple[list[float], list[int]]:
    times, queries = [], []
    for url in urls:
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        times.append(elapsed)
        queries.append(len(captured.captured_queries))
    return times, queries


def row(name: str, times: list[float], queries: list[int], peer: list[float] | None = None) -> str:
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    budget = BUDGETS_MS.get(name)
    verdict = "" if budget is None else ("within budget" if p95 < budget else f"OVER {budget:.0f} ms budget")
    ratio = f"{p50 / statistics.median(peer):.1f}x" if peer else "-"
    return f"| {name} | {len(times)} | {p50:.1f} | {p95:.1f} | {min(queries)}-{max(queries)} | {ratio} | {verdict} |"


def client_for(username: str) -> Client:
    client = Client(HTTP_HOST="localhost")  # an allowed host in debug mode
    client.force_login(get_user_model().objects.get(username=username))
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="requests per page")
    parser.add_argument("--seed", type=int, default=2010)
    parser.add_argument(
        "--cold",
        action="store_true",
        help="also time the ward dashboard with the cache cleared before each view",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    lines = []
    try:
        with transaction.atomic():
            caseworker = client_for("caseworker")
            user = get_user_model().objects.get(username="caseworker")
            ids = list(Household.objects.visible_to(user).values_list("pk", flat=True))
            if not ids:
                raise SystemExit("No household is visible to the demo caseworker: load the demo (make run).")
            chosen = [rng.choice(ids) for _ in range(args.n)]
            warm: Callable[[str], object] = caseworker.get
            warm(f"/households/{chosen[0]}/")
            api_times, api_queries = measure(caseworker, [f"/api/v1/households/{pk}/" for pk in chosen])
            page_times, page_queries = measure(caseworker, [f"/households/{pk}/" for pk in chosen])
            members_times, members_queries = measure(
                caseworker, [f"/households/{pk}/members/" for pk in chosen]
            )
            pages = Household.objects.visible_to(user).count() // 25 + 1
            list_urls = [f"/households/?page={rng.randint(1, pages)}" for _ in range(args.n)]
            list_times, list_queries = measure(caseworker, list_urls)
            search_urls = [
                f"/households/?q={rng.choice(['Sample', 'CT9 2', 'MTF-0001', 'Demo'])}" for _ in range(args.n)
            ]
            search_times, search_queries = measure(caseworker, search_urls)
            lines.append(row("API household detail (peer)", api_times, api_queries))
            lines.append(row("household page", page_times, page_queries, api_times))
            lines.append(row("household members", members_times, members_queries, api_times))
            lines.append(row("caseload list", list_times, list_queries, api_times))
            lines.append(row("caseload search", search_times, search_queries, api_times))
            try:
                dashboard = reverse(DASHBOARD_URL_NAME)
            except NoReverseMatch:
                lines.append("| ward dashboard | - | - | - | - | - | skipped: page not built yet |")
            else:
                manager = client_for(DASHBOARD_USER)
                manager.get(dashboard)
                dash_times, dash_queries = measure(manager, [dashboard] * max(20, args.n // 10))
                lines.append(row("ward dashboard", dash_times, dash_queries, api_times))
                if args.cold:
                    cold_times, cold_queries = measure(
                        manager, [dashboard] * max(10, args.n // 20), cold=True
                    )
                    lines.append(row("ward dashboard (cold)", cold_times, cold_queries, api_times))
            raise Rollback
    except Rollback:
        pass
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{args.n} requests per page, database {engine}, {len(ids)} households visible to the caseworker, "
        f"load average {load}"
    )
    print("| page | requests | p50 ms | p95 ms | queries | p50 vs peer | budget (p95) |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
