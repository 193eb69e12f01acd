"""The evidence pack end to end: load a small demo, build the pack as one job (every analysis the plan calls
for, in-process as the embedded default runs them), then assemble the pack and print it as the tagged PDF.
Prints each analysis's time, the build's, the pack's and the PDF's, with the load average before and after.

It uses its own SQLite database (var/bench-evidence-pack.sqlite3, created and migrated on first use) so the
development database is left alone; the demo is loaded once and kept, each run adds one more build.

    PYTHONPATH=. .venv/bin/python bench/evidence_pack.py [--households 300]
"""

from __future__ import annotations

import argparse
import io
import os
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskforce.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-evidence-pack.sqlite3'}")
django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import timezone  # noqa: E402

from jobs.models import Job  # noqa: E402
from jobs.services import job_create, job_run  # noqa: E402
from outcomes import evidence  # noqa: E402
from outcomes.models import AnalysisRun  # noqa: E402
from taskforce.org.models import Area  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=300)
    args = parser.parse_args()
    print(f"load average at the start {os.getloadavg()[0]:.2f} (1 min), {os.getloadavg()[1]:.2f} (5 min)")
    call_command("migrate", verbosity=0)
    if not Area.objects.filter(is_synthetic=True).exists():
        started = time.perf_counter()
        call_command("load_demo", households=args.households, no_progress=True, stdout=io.StringIO())
        print(f"demo loaded ({args.households} households) in {time.perf_counter() - started:.1f} s")

    job = job_create(kind="evidence-pack")
    started = time.perf_counter()
    job_run(job_id=job.pk)
    build = time.perf_counter() - started
    job = Job.objects.get(pk=job.pk)
    print(f"\n{'analysis':<44}{'state':>10}{'seconds':>10}")
    runs = AnalysisRun.objects.filter(pk__in=job.result.get("analysis_runs", [])).select_related("job")
    for run in runs.order_by("pk"):
        took = (run.job.finished_at - run.job.started_at).total_seconds() if run.job.finished_at else 0.0
        method = run.parameters.get("method")
        label = f"{run.get_kind_display()}{f' ({method})' if method else ''}"
        print(f"{label:<44}{run.job.state:>10}{took:>10.1f}")
    print(f"{'build, all analyses (one job)':<44}{job.state:>10}{build:>10.1f}")

    cache.clear()
    started = time.perf_counter()
    pack = evidence.evidence_pack()
    assembled = time.perf_counter() - started
    from weasyprint import HTML

    started = time.perf_counter()
    html = render_to_string(
        "outcomes/evidence_print.html", {"pack": pack.for_print(), "generated": timezone.now()}
    )
    pdf = HTML(string=html, base_url="http://localhost/").write_pdf(pdf_variant="pdf/ua-1")
    printed = time.perf_counter() - started
    print(f"{'pack assembled from the stored runs':<44}{'':>10}{assembled:>10.1f}")
    print(f"{'tagged PDF rendered (' + format(len(pdf) // 1024, ',') + ' KB)':<44}{'':>10}{printed:>10.1f}")
    print(f"{'end to end':<44}{'':>10}{build + assembled + printed:>10.1f}")
    print(f"\nload average at the end {os.getloadavg()[0]:.2f} (1 min), {os.getloadavg()[1]:.2f} (5 min)")


if __name__ == "__main__":
    main()
