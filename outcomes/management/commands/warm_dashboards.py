"""manage.py warm_dashboards [--enqueue]: compute the dashboards' figures for the data as it is now."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jobs.models import Job
from jobs.services import job_create, job_enqueue, job_run


class Command(BaseCommand):
    help = (
        "Fill the shared cache with the dashboards' figures for the current data and every audience's default "
        "view, as the job queued after each import does: after a cache is emptied or a database restored, "
        "the first viewer then does not wait for them."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to a Celery worker instead of doing it here.",
        )

    def handle(self, *args: Any, enqueue: bool, **options: Any) -> None:
        job = job_create(kind="dashboards-warm")
        if enqueue:
            job_enqueue(job=job)
            self.stdout.write(f"Queued job {job.pk}; its state is at /jobs/{job.pk}/status.json.")
            return
        started = time.monotonic()
        try:
            job = job_run(job_id=job.pk)
        except Exception as exc:
            raise CommandError(f"The dashboards were not warmed: {exc}") from exc
        if job.state != Job.State.SUCCEEDED:
            raise CommandError(
                f"The dashboards were not warmed: {'; '.join(job.errors) or job.get_state_display()}"
            )
        views = job.result.get("views", 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Warmed the dashboards for {views} view{'s' if views != 1 else ''} in "
                f"{time.monotonic() - started:.1f} s."
            )
        )
