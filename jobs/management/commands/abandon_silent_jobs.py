"""Fail the running jobs whose process died (no heartbeat within JOBS_LEASE_SECONDS), for cron."""

from typing import Any

from django.core.management.base import BaseCommand

from jobs.services import job_abandon_silent


class Command(BaseCommand):
    help = "Fail running jobs whose worker or web process stopped answering, so their work can run again."

    def handle(self, *args: Any, **options: Any) -> None:
        failed = job_abandon_silent()
        self.stdout.write(
            f"{failed} job(s) failed: their process had stopped." if failed else "No silent jobs."
        )
