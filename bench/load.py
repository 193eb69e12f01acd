"""Load benchmark: gunicorn + PostgreSQL + Redis on loopback, driven by locust headless, bounded in time.

Starts gunicorn on 127.0.0.1 (3 workers x 4 threads by default) against DATABASE_URL (PostgreSQL with the
demo loaded) and CACHE_URL (Redis), warms nothing, runs `bench/load/locustfile.py` with N users for the
given time, stops gunicorn and prints locust's summary with the load average before and after.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_db CACHE_URL=redis://127.0.0.1:6379/1 \\
        .venv/bin/python bench/load.py [--users 50] [--time 2m] [--workers 3] [--threads 4]

Needs locust and gunicorn, the `bench` extra: `.venv/bin/pip install -e ".[test,bench]"`. Never point it at
anything but loopback: it signs in as the demo accounts.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 -- loopback only
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--time", default="2m", help="locust --run-time (bounded)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=75,
        help="seconds gunicorn keeps an idle connection open; longer than the users' pauses (1-3 s)",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database with the demo loaded")
    port = free_port()
    # Plain HTTP on loopback: debug settings, so the session cookie is not marked Secure (a production
    # site sits behind TLS). The second factor is sign-in's concern, not this benchmark's.
    env = {**os.environ, "DJANGO_DEBUG": "true", "TASKFORCE_REQUIRE_2FA": "false"}
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    server = subprocess.Popen(  # noqa: S603 -- fixed arguments
        [
            str(BIN / "gunicorn"),
            "taskforce.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            # gunicorn's default keep-alive is 2 s, inside the users' 1-3 s pauses: the server closed idle
            # connections just as a user sent its next request on them, and the request failed with a reset.
            # A proxy in front of gunicorn keeps its connections open for longer than that too.
            "--keep-alive",
            str(args.keep_alive),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/health/")
        subprocess.run(  # noqa: S603 -- fixed arguments
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "load" / "locustfile.py"),
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                args.time,
                "--stop-timeout",
                "10",
                "--only-summary",
            ],
            cwd=ROOT,
            env=env,
            check=False,
            timeout=3600,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
