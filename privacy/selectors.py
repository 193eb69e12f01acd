"""Reads for the data protection officer: the access log filtered, the probing alert, what a break-glass
grant opened, and what a partner agency's staff read or were sent."""

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from households.models import DataSharingBasis, Household, Membership
from interventions.models import Referral
from outcomes.disclosure import publish
from taskforce.org.models import AccessLog, AccessLogSubject, Agency, BreakGlassGrant

Outcome = AccessLog.Outcome


def household_people(household: Household) -> list[int]:
    """Everyone who is or was a member of the household."""
    return list(Membership.objects.filter(household=household).values_list("person_id", flat=True).distinct())


def access_log(
    *,
    person_id: int | None = None,
    household: Household | None = None,
    user_id: int | None = None,
    outcome: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AccessLog]:
    """Access-log entries, newest first, narrowed by whose data they exposed, who read it, the outcome and
    the days (inclusive, in London time)."""
    entries = AccessLog.objects.all()
    if person_id is not None:
        entries = entries.filter(pk__in=AccessLogSubject.objects.filter(person_id=person_id).values("entry"))
    if household is not None:
        members = AccessLogSubject.objects.filter(person_id__in=household_people(household)).values("entry")
        entries = entries.filter(pk__in=members)
    if user_id is not None:
        entries = entries.filter(user=user_id)
    if outcome:
        entries = entries.filter(outcome=outcome)
    if since is not None:
        entries = entries.filter(at__gte=_start_of(since))
    if until is not None:
        entries = entries.filter(at__lt=_start_of(until + timedelta(days=1)))
    return entries.order_by("-at", "-id")


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class ProbingAlert:
    """A user whose refused or out-of-scope reads reached the threshold within one window."""

    user_id: int
    username: str
    window_start: datetime
    window_end: datetime
    refused: int
    out_of_scope_records: int


def probing_alerts(
    *,
    now: datetime | None = None,
    days: int = 7,
    threshold: int | None = None,
    window: timedelta | None = None,
) -> list[ProbingAlert]:
    """Users who, in the last `days`, had `threshold` refused reads, or tried `threshold` distinct records
    that were not found or out of scope, within any `window` (settings PRIVACY_PROBE_THRESHOLD and
    PRIVACY_PROBE_WINDOW_MINUTES). One alert per user: their busiest window.

    The query reads only refused and out-of-scope rows, which honest work rarely makes; the sliding window
    runs over them in order of time.
    """
    now = now or timezone.now()
    threshold = threshold or settings.PRIVACY_PROBE_THRESHOLD
    window = window or timedelta(minutes=settings.PRIVACY_PROBE_WINDOW_MINUTES)
    rows = (
        AccessLog.objects.filter(at__gte=now - timedelta(days=days), at__lte=now, user__isnull=False)
        .exclude(outcome=Outcome.ALLOWED)
        .order_by("user_id", "at", "id")
        .values_list("user_id", "username", "at", "outcome", "resource", "object_ids")
    )
    by_user: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        by_user[row[0]].append(row)
    alerts = []
    for user_id, entries in by_user.items():
        best: ProbingAlert | None = None
        held: deque[tuple[Any, ...]] = deque()
        for entry in entries:
            held.append(entry)
            while entry[2] - held[0][2] > window:
                held.popleft()
            refused = sum(1 for e in held if e[3] == Outcome.REFUSED)
            tried = {(e[4], pk) for e in held if e[3] == Outcome.OUT_OF_SCOPE for pk in e[5] or [None]}
            if max(refused, len(tried)) >= threshold and (
                best is None or max(refused, len(tried)) > max(best.refused, best.out_of_scope_records)
            ):
                best = ProbingAlert(user_id, entry[1], held[0][2], entry[2], refused, len(tried))
        if best is not None:
            alerts.append(best)
    return sorted(alerts, key=lambda a: a.window_end, reverse=True)


def grant_reads(grant: BreakGlassGrant) -> QuerySet[AccessLog]:
    """What the grant's holder read of the household while the grant was open."""
    people = household_people(grant.household)
    touched = AccessLogSubject.objects.filter(person_id__in=people).values("entry")
    return (
        AccessLog.objects.filter(user=grant.user_id, at__gte=grant.granted_at, at__lte=grant.expires_at)
        .filter(Q(pk__in=touched) | Q(action=AccessLog.Action.BREAK_GLASS))
        .order_by("at", "id")
    )


def disclosure_report(*, partner: Agency, since: date, until: date) -> pd.DataFrame:
    """What was shared with or read by one partner's staff from `since` to `until` (inclusive), as counts
    through the publishing rules (outcomes.disclosure): small numbers suppressed, others rounded to 5."""
    start, end = _start_of(since), _start_of(until + timedelta(days=1))
    reads = AccessLog.objects.filter(user__staff_profile__agency=partner, at__gte=start, at__lt=end)
    allowed = reads.filter(outcome=Outcome.ALLOWED)
    people = AccessLogSubject.objects.filter(entry__in=allowed.values("pk")).values("person_id").distinct()
    covered = (
        DataSharingBasis.objects.filter(agencies=partner, starts_on__lte=until)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=since))
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=since))
        .values("household")
        .distinct()
    )
    rows = [
        ("Households whose data-sharing basis covered the partner", covered.count()),
        (
            "Referrals sent to the partner",
            Referral.objects.filter(to_agency=partner, sent_on__range=(since, until)).count(),
        ),
        ("Reads of personal data by the partner's staff", allowed.count()),
        ("People whose data the partner's staff read", people.count()),
        ("Reads refused or out of scope", reads.exclude(outcome=Outcome.ALLOWED).count()),
    ]
    by_resource = allowed.values("resource").annotate(n=Count("pk")).order_by("resource")
    rows += [(f"Reads of {r['resource']}", r["n"]) for r in by_resource]
    table = pd.DataFrame(rows, columns=["measure", "count"]).set_index("measure")
    return publish(table, counts=["count"])
