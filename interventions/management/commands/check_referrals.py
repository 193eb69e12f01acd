"""manage.py check_referrals: list referrals sent to an agency that the household's data-sharing basis did
not cover on the day they were sent. Exits 1 when there are any (for a scheduled check), 0 when none."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from interventions.models import Referral


class Command(BaseCommand):
    help = (
        "List referrals to an agency that no data-sharing basis of the household covered on the day the "
        "referral was sent. Prints one line per referral (id, case, from, to, date, status), then a count; "
        "exits with status 1 if there are any."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=200, help="Lines to print at most (default 200).")

    def handle(self, *args: Any, limit: int, **options: Any) -> None:
        outside = (
            Referral.objects.outside_basis()
            .select_related("household", "from_agency", "to_agency")
            .order_by("sent_on", "pk")
        )
        total = outside.count()
        for referral in outside[:limit]:
            self.stdout.write(
                f"{referral.pk}\t{referral.household.case_reference}\t{referral.from_agency.code}\t"
                f"{referral.to_agency.code}\t{referral.sent_on:%Y-%m-%d}\t{referral.status}"
            )
        if total > limit:
            self.stdout.write(f"... and {total - limit} more")
        self.stdout.write(
            f"{total} referral{'s' if total != 1 else ''} outside the household's data-sharing basis"
        )
        if total:
            raise CommandError(
                f"{total} referrals are outside their household's data-sharing basis", returncode=1
            )
