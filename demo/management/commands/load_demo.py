"""manage.py load_demo [--seed N] [--households N] [--enqueue]: load the synthetic Margate demo."""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from demo.models import DemoDataset
from demo.staff import DEMO_STAFF
from jobs.models import Job
from jobs.services import job_create, job_enqueue, job_run

# How long the command waits for the dashboards' figures before leaving them to a worker (or the first viewer).
FOLLOW_UP_WAIT_SECONDS = 120


class Command(BaseCommand):
    help = "Load a deterministic, plainly synthetic demo of the two wards (idempotent: a second run does nothing)."
    # The site's checks import every view and its analysis libraries, seconds that the load does not need;
    # `runserver` runs them next.
    requires_system_checks = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--seed", type=int, default=2010, help="Random seed; the same seed gives the same data."
        )
        parser.add_argument(
            "--households", type=int, default=6000, help="Households living in the wards at any one time."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the load to a Celery worker and follow its progress."
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")

    def handle(
        self, *args: Any, seed: int, households: int, enqueue: bool, no_progress: bool, **options: Any
    ) -> None:
        if households < 20:
            raise CommandError("--households must be at least 20.")
        existing = DemoDataset.objects.filter(seed=seed).first()
        if existing:
            self.stdout.write(f"The demo (seed {seed}) is already loaded: nothing to do.")
            self._print_logins()
            return
        job = job_create(kind="load_demo", parameters={"seed": seed, "households": households})
        bar = tqdm(
            total=0, unit="rows", unit_scale=True, disable=no_progress, desc="Loading demo", file=self.stderr
        )

        def show(current: Job) -> None:
            if bar.total != current.total:
                bar.reset(total=current.total)
            bar.n = current.done
            bar.set_postfix_str(current.message, refresh=False)
            bar.refresh()

        started = time.monotonic()
        try:
            if enqueue:
                job_enqueue(job=job)
                while not job.is_finished:
                    time.sleep(0.5)
                    job.refresh_from_db()
                    show(job)
            else:
                job = job_run(job_id=job.pk, listener=show)
        except Exception as exc:
            raise CommandError(f"The demo did not load, and nothing of it was written: {exc}") from exc
        finally:
            bar.close()
        job.refresh_from_db()
        if job.state != Job.State.SUCCEEDED:
            raise CommandError(f"The demo did not load: {'; '.join(job.errors) or job.get_state_display()}")
        truths = job.result.get("truths", {})
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo (seed {seed}): {job.result.get('rows', 0):,} rows, "
                f"{job.result.get('households', 0):,} household cases in {time.monotonic() - started:.1f} s."
            )
        )
        self._wait_for_follow_up(job, no_progress=no_progress)
        if truths:
            self.stdout.write(
                f"2009 benefits bill £{truths['bill_2009'] / 1e6:.1f}m; at Kent-average rates "
                f"£{truths['kent_equivalent_2009'] / 1e6:.1f}m; planted effect on dependency "
                f"{truths['household_effect_dependent']:+.3f} from {truths['start']}."
            )
        self._print_logins()

    def _wait_for_follow_up(self, loaded: Job, *, no_progress: bool) -> None:
        """Wait for the work the load queued after itself (the dashboards' figures, computed once so the first
        viewer does not pay for them). Without a broker it runs in a thread of this process, which would die
        with the command; with one, a worker runs it and this only waits."""
        follow_up = Job.objects.filter(created_at__gte=loaded.created_at).exclude(pk=loaded.pk)
        pending = [j for j in follow_up if not j.is_finished]
        if not pending:
            return
        spinner = tqdm(total=None, disable=no_progress, desc="Computing the dashboards", file=self.stderr)
        deadline = time.monotonic() + FOLLOW_UP_WAIT_SECONDS
        try:
            for waiting in pending:
                while not waiting.is_finished and time.monotonic() < deadline:
                    time.sleep(0.2)
                    waiting.refresh_from_db()
                    spinner.update(0)
        finally:
            spinner.close()
        if any(not j.is_finished for j in pending):
            self.stdout.write(
                f"The dashboards' figures are still being computed (job {', '.join(str(j.pk) for j in pending)}): "
                "a worker will finish them, or the first viewer will."
            )

    def _print_logins(self) -> None:
        from demo.two_factor import demo_base32_secret, demo_two_factor_usernames

        two_factor = set(demo_two_factor_usernames())
        self.stdout.write(f"Demo sign-ins (password for all: {settings.DEMO_PASSWORD}):")
        logins = [(u, f"{role.label} ({agency})") for u, _f, _l, role, agency in DEMO_STAFF[:5]]
        for username, label in [*logins, ("admin", "Administrator (Django admin at /admin/)")]:
            secret = f"  two-factor secret {demo_base32_secret(username)}" if username in two_factor else ""
            self.stdout.write(f"  {username:<12} {label:<44}{secret}".rstrip())
        if settings.TASKFORCE_REQUIRE_2FA:
            self.stdout.write(
                "Accounts with a two-factor secret are asked for a code after the password: add the secret to "
                "an authenticator app, or run `manage.py demo_totp USERNAME` for the current code."
            )
