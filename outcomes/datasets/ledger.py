"""The housing benefit ledger: each claimant's housing benefit records as one row of monthly amounts
(`HousingBenefitLedger`), so that the dashboards' sums over spans of months are look-ups in running totals.

Summing the records themselves is one range of the records' index per span: 55,000 ranges over 336,000
records on the demo, about 115 ms of SQLite's time however short the spans. The ledger is 8,235 rows on the
demo, read in a few milliseconds, and a span's sum is the difference of two running totals.

The ledger is derived data. It is brought up to date in the same transaction as an import or the demo load
writes benefit records (an import rebuilds only its claimants' rows where the ledger was up to date before
it: `update_ledger`), and by the dashboards' warming job; `LedgerState` keeps the fingerprint of the records
it was built from (their highest id and highest history id). A reader uses it only when the records'
fingerprint is still that one (`current_ledger`); after any other change (an edit or deletion in the
admin, a retention deletion) the sums are read from the records until the next rebuild, so the figures are
never taken from a stale ledger. Writes that change neither fingerprint (an import's bulk update of
amounts) rebuild it in their own transaction.
"""

import json
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from ..models import BenefitRecord, BenefitType, HousingBenefitLedger, LedgerState
from .query import columns_frame

HOUSING_BENEFIT = "hb"  # the code of housing benefit among the benefit types
LEDGER = "housing-benefit"
_PENNIES = np.dtype("<i4")  # as stored: little-endian 32-bit, -1 for a month with no record
_NONE = -1


def _month_number(column: str) -> str:
    """SQL for a date column's month as months since January 1970."""
    if connection.vendor == "postgresql":
        return f"((EXTRACT(YEAR FROM {column})::int - 1970) * 12 + EXTRACT(MONTH FROM {column})::int - 1)"
    # SQLite keeps dates as ISO text.
    return f"((CAST(substr({column}, 1, 4) AS INTEGER) - 1970) * 12 + CAST(substr({column}, 6, 2) AS INTEGER) - 1)"


def ledger_versions() -> tuple[str | None, str]:
    """The fingerprint the ledger was built from (None if never built) and that of the benefit records now:
    their highest id (new records) and highest history id (changes and deletions through the ORM). One
    query of three index look-ups."""
    quote = connection.ops.quote_name  # table names from model metadata
    records = quote(BenefitRecord._meta.db_table)
    history = quote(BenefitRecord.history.model._meta.db_table)
    state = quote(LedgerState._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT built_from FROM {state} WHERE name = %s), "  # noqa: S608
            f"(SELECT MAX(id) FROM {records}), (SELECT MAX(history_id) FROM {history})",
            [LEDGER],
        )
        built, *now = cursor.fetchone()
    return built, repr(tuple(now))


def records_version() -> str:
    """The fingerprint of the benefit records the ledger is kept against (see `ledger_versions`)."""
    return ledger_versions()[1]


def rebuild_ledger() -> int:
    """Build the ledger again from the housing benefit records, in one transaction (concurrent rebuilds
    wait for each other on the state row): the number of claimants."""
    with transaction.atomic():
        _locked_state()
        HousingBenefitLedger.objects.all().delete()
        claimants = _write_rows(None)
        LedgerState.objects.filter(name=LEDGER).update(built_from=records_version(), built_at=timezone.now())
    return claimants


# Past this share of the ledger's claimants, rebuilding it all costs less than a row each.
PARTIAL_SHARE = 0.25


def update_ledger(persons: np.ndarray, before: tuple[str | None, str]) -> int:
    """Bring the ledger up to date after writes, in the same transaction, that touched the benefit records
    of `persons` only; `before` is `ledger_versions()` as read before those writes.

    Where the ledger was up to date before them (and no one has rebuilt it since), only those claimants'
    rows are built again: an import of a month's records for a few thousand claimants does not rebuild the
    rows of everyone else. Otherwise, or where they are more than `PARTIAL_SHARE` of the claimants, the
    whole ledger is rebuilt (`rebuild_ledger`). The number of claimants whose rows were built."""
    built, was = before
    persons = np.unique(np.asarray(persons, dtype=np.int64))
    if built != was or len(persons) > PARTIAL_SHARE * HousingBenefitLedger.objects.count():
        return rebuild_ledger()
    with transaction.atomic():
        if _locked_state().built_from != was:  # rebuilt by another writer since `before` was read
            return rebuild_ledger()
        HousingBenefitLedger.objects.filter(person_id__in=persons.tolist()).delete()
        claimants = _write_rows(persons)
        LedgerState.objects.filter(name=LEDGER).update(built_from=records_version(), built_at=timezone.now())
    return claimants


def _locked_state() -> LedgerState:
    state, _ = LedgerState.objects.select_for_update().get_or_create(
        name=LEDGER, defaults={"built_from": "", "built_at": timezone.now()}
    )
    return state


def _write_rows(persons: np.ndarray | None) -> int:
    """Write the ledger's rows of `persons` (None: of every claimant) from their housing benefit records,
    their old rows already deleted: the number written."""
    quote = connection.ops.quote_name
    records, types = quote(BenefitRecord._meta.db_table), quote(BenefitType._meta.db_table)
    postgresql = connection.vendor == "postgresql"
    # Amounts are REAL on SQLite: rounded to the penny they were written as.
    pennies = "(b.amount * 100)::bigint" if postgresql else "CAST(ROUND(b.amount * 100) AS INTEGER)"
    only, params = "", []
    if persons is not None:  # the persons as one parameter: an array, or a JSON list SQLite reads as a table
        only = (
            "AND b.person_id = ANY(%s)"
            if postgresql
            else "AND b.person_id IN (SELECT value FROM json_each(%s))"
        )
        params = [persons.tolist() if postgresql else json.dumps(persons.tolist())]
    sql = (
        f"SELECT b.person_id, {_month_number('b.month')}, {pennies} FROM {records} b "  # noqa: S608 -- names are ours
        f"WHERE b.benefit_id = (SELECT id FROM {types} WHERE code = %s) {only} ORDER BY b.person_id, b.month"
    )
    read = columns_frame(
        sql, [HOUSING_BENEFIT, *params], {"person": "int64", "month": "int64", "amount": "int64"}
    )
    person, month, amount = (read[name].to_numpy() for name in ("person", "month", "amount"))
    if len(amount) and (amount.min() < 0 or amount.max() > np.iinfo(_PENNIES).max):
        raise ValueError("a housing benefit amount is outside what the ledger holds")
    # Each claimant's records: from opens[i] up to closes[i].
    opens = np.flatnonzero(np.r_[True, person[1:] != person[:-1]]) if len(person) else np.zeros(0, int)
    closes = np.r_[opens[1:], len(person)][: len(opens)]
    first = month[opens]
    length = month[closes - 1] - first + 1
    offset = np.r_[0, np.cumsum(length)]
    ledger = np.full(offset[-1], _NONE, dtype=_PENNIES)
    # Each record's place: its claimant's offset plus its month's distance from their first month.
    claimant = np.repeat(np.arange(len(opens)), closes - opens)
    ledger[offset[claimant] + month - first[claimant]] = amount
    blobs = ledger.tobytes()
    first_months = (np.array(first, dtype="datetime64[M]")).astype("datetime64[D]").tolist()
    HousingBenefitLedger.objects.bulk_create(
        (
            HousingBenefitLedger(person_id=p, first_month=f, pennies=blobs[4 * offset[i] : 4 * offset[i + 1]])
            for i, (p, f) in enumerate(zip(person[opens].tolist(), first_months, strict=True))
        ),
        batch_size=2000,
    )
    return len(opens)


@dataclass(frozen=True)
class Ledger:
    """The ledger read into arrays: claimants in order, each one's first month (months since January 1970)
    and place in the running totals of pennies paid and of months with a record."""

    person: np.ndarray
    first: np.ndarray
    length: np.ndarray
    offset: np.ndarray  # where each claimant's months start in the running totals
    paid: np.ndarray  # running totals of pennies over every claimant's months in turn, from 0
    months: np.ndarray  # running counts of months with a record, alike

    def sums(self, person: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """For spans of months [start, end) of a person, the pennies paid in them, or -1 for a span in
        which no record was paid."""
        if not len(self.person):
            return np.full(len(person), _NONE, dtype=np.int64)
        at = np.searchsorted(self.person, person)
        found = at < len(self.person)
        found[found] = self.person[at[found]] == person[found]
        at = np.where(found, at, 0)
        length = np.where(found, self.length[at], 0)
        low = self.offset[at] + np.clip(start - self.first[at], 0, length)
        high = self.offset[at] + np.clip(end - self.first[at], 0, length)
        paid = self.paid[high] - self.paid[low]
        return np.where(self.months[high] > self.months[low], paid, _NONE)


def current_ledger() -> Ledger | None:
    """The ledger, if it was built from the benefit records as they are now; otherwise None (the caller
    sums the records)."""
    built, now = ledger_versions()
    if built != now:
        return None
    ledger = connection.ops.quote_name(HousingBenefitLedger._meta.db_table)
    with connection.cursor() as cursor:
        first_month = _month_number("first_month")
        cursor.execute(f"SELECT person_id, {first_month}, pennies FROM {ledger} ORDER BY person_id")  # noqa: S608
        rows = cursor.fetchall()
    if not rows:
        empty = np.array([], dtype=np.int64)
        return Ledger(empty, empty, empty, empty, np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64))
    person, first, blobs = zip(*rows, strict=True)
    amounts = np.frombuffer(b"".join(blobs), dtype=_PENNIES)
    length = np.array(list(map(len, blobs)), dtype=np.int64) // _PENNIES.itemsize
    # Running totals over all the claimants' months, one after another: a span's look-ups stay within its
    # claimant's months, so the difference of two is the sum over the span. A month with no record (-1)
    # adds nothing to the pennies and one less to the months with a record.
    paid = np.zeros(len(amounts) + 1, dtype=np.int64)
    np.cumsum(np.maximum(amounts, 0).astype(np.int64), out=paid[1:])
    months = np.zeros(len(amounts) + 1, dtype=np.int64)
    np.cumsum((amounts >= 0).astype(np.int64), out=months[1:])
    return Ledger(
        person=np.array(person, dtype=np.int64),
        first=np.array(first, dtype=np.int64),
        length=length,
        offset=np.cumsum(length) - length,
        paid=paid,
        months=months,
    )


def refresh_ledger() -> bool:
    """Rebuild the ledger if the benefit records changed since it was built (the warming job's first step):
    whether it was rebuilt."""
    built, now = ledger_versions()
    if built == now:
        return False
    rebuild_ledger()
    return True
