"""manage.py raise_tasks: the daily job in the embedded default (run it from cron once a day).

Closes raised tasks whose source no longer calls for them (a notice arrived, a plan was reviewed), raises
the tasks the data's dates call for, once each however often it runs, and e-mails each person the digest of
their overdue tasks and those due this week."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from casework.daily import daily_run


class Command(BaseCommand):
    help = "Raise tasks from the data's own dates and send each person their digest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-digest", action="store_true", help="Raise the tasks but send no e-mail.")

    def handle(self, *args: Any, **options: Any) -> None:
        run = daily_run(today=timezone.localdate(), send_digests=not options["no_digest"])
        self.stdout.write(
            f"Closed {run.resolved} tasks whose source no longer calls for them; raised {run.raised}; "
            f"sent {run.digests} digests."
        )
