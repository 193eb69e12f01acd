"""Benefit records: `nino,month,benefit,amount`, monthly extracts of hundreds of thousands of rows."""

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, cast

import numpy as np
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from households.models import Person
from outcomes.datasets.ledger import ledger_versions, update_ledger
from outcomes.models import BenefitRecord, BenefitType
from taskforce.org.bulk import (
    insert_rows,
    local_settings,
    lock_referenced,
    may_skip_row_triggers,
    without_row_triggers,
)
from taskforce.org.validators import normalise_nino, validate_nino

from .. import columnar
from ..core import ImportReport, Problem, Progress, RowCheck, RowError, parse_date
from ..fields import money
from .shared import Counts, Kind, visible


class BenefitRecordsImport(Kind):
    """`nino,month,benefit,amount`: monthly extracts of hundreds of thousands of rows.

    The file is checked column by column (`run_in_bulk`, see imports/columnar.py): each distinct National
    Insurance number, month, benefit and amount is checked once, by the same functions the row-by-row path
    uses. A file the column path cannot read exactly goes row by row (`parse_values`), each distinct value
    still checked once. Either way the rows are written in bulk: on PostgreSQL with a binary COPY and one
    INSERT ... SELECT a chunk (when the months already hold records, one statement that matches the rows to
    them set-wise, inserts the new, updates the changed amounts and writes nothing for the rest);
    elsewhere the existing records of those months are read and the rows split into new, changed and
    unchanged. No per-row history is written: the batch (who, when, which file) is the record of the
    change, as for any bulk load.
    """

    name = "benefit-records"
    columns = ("nino", "month", "benefit", "amount")

    def __init__(self, *, user: User | None = None) -> None:
        super().__init__(user=user)
        self.people: dict[str, int] = dict(
            visible(Person.objects.exclude(nino=None), user).values_list("nino", "pk")
        )
        self.benefits = {code.lower(): pk for code, pk in BenefitType.objects.values_list("code", "pk")}
        self.months: dict[str, date] = {}
        self.amounts: dict[str, str] = {}

    def parse_values(self, values: Sequence[str], line: int) -> tuple[int, date, int, str]:
        nino, month_text, benefit, amount = values
        check = RowCheck()
        person = self.people.get(nino)
        if person is None:
            person = check.cell(self._person, nino)
        month = self.months.get(month_text)
        if month is None:
            month = check.cell(self._month, month_text)
            if month is not None:
                self.months[month_text] = month
        benefit_id = check.cell(self._benefit_id, benefit)
        cleaned = self.amounts.get(amount)
        if cleaned is None:
            money_value = check.cell(money, amount, "amount")
            if money_value is not None:
                cleaned = self.amounts[amount] = str(money_value)
        check.done()
        return person, month, benefit_id, cast(str, cleaned)

    def parse(self, row: dict[str, str], line: int) -> tuple[int, date, int, str]:
        return self.parse_values([row[c] for c in self.columns], line)

    def _person_id(self, text: str) -> int:
        return self.people.get(text) or self._person(text)

    def _benefit_id(self, text: str) -> int:
        benefit_id = self.benefits.get(text) or self.benefits.get(text.lower())
        if benefit_id is None:
            raise RowError(
                "benefit", f"unknown benefit: expected one of {', '.join(sorted(self.benefits))}", text
            )
        return benefit_id

    def run_in_bulk(
        self,
        data: bytes,
        *,
        report: ImportReport,
        dry_run: bool,
        progress: Progress | None,
        on_written: Callable[[ImportReport], None] | None,
        max_bytes: int,
    ) -> ImportReport:
        """Check the file column by column (imports/columnar.py) and write it in bulk. Raises
        columnar.NotColumnar, having written nothing, for a file that must go row by row."""
        checked = columnar.check(
            data,
            columns=(
                columnar.Column("nino", self._person_id),
                columnar.Column("month", self._month),
                columnar.Column("benefit", self._benefit_id),
                columnar.Column("amount", lambda text: money(text, "amount")),
            ),
            report=report,
            max_bytes=max_bytes,
            progress=progress,
        )
        if checked is None:
            return report
        people = columnar.integers(checked, 0, int)
        months = columnar.integers(checked, 1, date.toordinal)
        benefits = columnar.integers(checked, 2, int)
        report.problems.extend(
            columnar.repeats(
                checked.lines,
                (people, months, benefits),
                problem=lambda i, first: Problem(
                    int(checked.lines[i]),
                    "benefit",
                    f"{date.fromordinal(int(months[i])):%Y-%m}",
                    f"repeats row {first}: one record per person, month and benefit",
                ),
            )
        )
        if report.problems or dry_run:
            return report
        with transaction.atomic():
            before = ledger_versions()
            if connection.vendor == "postgresql":
                pennies = columnar.integers(checked, 3, lambda amount: int(amount * 100))
                counts = _copy_benefit_records(people, months, benefits, pennies, progress=progress)
            else:
                if progress:
                    progress.advance(0, f"Writing {report.rows:,} rows")
                amounts = [None if a is None else str(a) for a in checked.stored[3]]
                rows = zip(
                    people.tolist(),
                    map(date.fromordinal, months.tolist()),
                    benefits.tolist(),
                    (amounts[c] for c in checked.codes[3].tolist()),
                    strict=True,
                )
                counts = self._write_other(list(rows))
            _ledger_after(counts, people, before)
            report.created, report.updated, report.unchanged = counts
            report.committed = True
            if on_written:
                on_written(report)
        return report

    def _person(self, text: str) -> int:
        nino = normalise_nino(text)
        if not nino:
            raise RowError("nino", "required")
        try:
            validate_nino(nino)
        except ValidationError as exc:
            raise RowError("nino", exc.messages[0], text) from exc
        person = self.people.get(nino)
        if person is None:
            raise RowError(
                "nino",
                "no person (that you may see) has this National Insurance number: import them as households first",
                text,
            )
        self.people[text] = person
        return person

    @staticmethod
    def _month(text: str) -> date:
        if len(text) == 7 and text[4] == "-":
            day = parse_date(f"{text}-01", "month")
        else:
            day = parse_date(text, "month")
        if day.day != 1:
            raise RowError("month", "A benefit record covers a calendar month: give its first day.", text)
        return day

    def check_together(self, parsed: list[tuple[int, Any]]) -> list[Problem]:
        seen: dict[tuple[int, date, int], int] = {}
        problems = []
        for line, (person, month, benefit, _amount) in parsed:
            first = seen.setdefault((person, month, benefit), line)
            if first != line:
                problems.append(
                    Problem(
                        line,
                        "benefit",
                        f"{month:%Y-%m}",
                        f"repeats row {first}: one record per person, month and benefit",
                    )
                )
        return problems

    def write(self, rows: list[tuple[int, date, int, str]]) -> Counts:
        before = ledger_versions()
        counts = (
            self._write_postgresql(rows) if connection.vendor == "postgresql" else self._write_other(rows)
        )
        _ledger_after(counts, np.array([row[0] for row in rows], dtype=np.int64), before)
        return counts

    def _write_postgresql(self, rows: list[tuple[int, date, int, str]]) -> Counts:
        """Rows checked one by one (a file the column path could not read) take the column path's write."""
        people, months, benefits, amounts = zip(*rows, strict=True) if rows else ((), (), (), ())
        return _copy_benefit_records(
            np.array(people, dtype=np.int64),
            np.array([m.toordinal() for m in months], dtype=np.int64),
            np.array(benefits, dtype=np.int64),
            np.array([int(Decimal(a) * 100) for a in amounts], dtype=np.int64),
        )

    def _write_other(self, rows: list[tuple[int, date, int, str]]) -> Counts:
        months = {r[1] for r in rows}
        existing = {
            (p, m, b): (pk, amount)
            for pk, p, m, b, amount in BenefitRecord.objects.filter(month__in=months).values_list(
                "pk", "person_id", "month", "benefit_id", "amount"
            )
        }
        new, changed = [], []
        for person, month, benefit, amount in rows:
            current = existing.get((person, month, benefit))
            if current is None:
                new.append((person, month, benefit, amount))
            elif current[1] != Decimal(amount):
                changed.append((amount, current[0]))
        insert_rows(BenefitRecord, ["person_id", "month", "benefit_id", "amount"], new)
        if changed:
            table = connection.ops.quote_name(BenefitRecord._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET amount = %s WHERE id = %s", changed)  # noqa: S608
        return len(new), len(changed), len(rows) - len(new) - len(changed)


def _ledger_after(counts: Counts, persons: np.ndarray, before: tuple[str | None, str]) -> None:
    """Bring the housing benefit ledger up to date in the import's transaction when it created or changed
    records (a changed amount moves neither of the records' fingerprints the ledger is kept against): the
    rows of the file's people only, where the ledger was up to date before the import (`update_ledger`,
    with `before` read before the import wrote)."""
    created, updated, _unchanged = counts
    if created or updated:
        update_ledger(persons, before)


# PostgreSQL's binary COPY format: a signature, flags and header extension, then each row as its field count
# and each field as its length and big-endian bytes; a date is days since 1 January 2000.
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
COPY_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("person_size", ">i4"),
        ("person", ">i8"),
        ("month_size", ">i4"),
        ("month", ">i4"),
        ("benefit_size", ">i4"),
        ("benefit", ">i8"),
        ("pennies_size", ">i4"),
        ("pennies", ">i8"),
    ]
)
PG_EPOCH = date(2000, 1, 1).toordinal()
# Rows a statement: progress is reported after each.
WRITE_CHUNK = 50_000
# How a chunk's rows find the records they may repeat. When the chunk's months hold at most PROBE_ABOVE
# records a row of the chunk, those months' records are read once into a hash table; when they hold more
# (a big month imported again, a chunk at a time), each row looks its record up by the unique index, so
# the work stays in proportion to the chunk, not to the month. Measured on 50,000-row chunks: left to
# itself, PostgreSQL (default costs) read a month of 500,000 records into a hash table for every chunk,
# two to three times slower than the look-ups; over months holding 60,000 records, reading them was two
# to three times faster than looking the rows up.
PROBE_ABOVE = 4
READ_MONTHS = {"enable_nestloop": "off", "enable_mergejoin": "off"}
LOOK_UP_ROWS = {"enable_hashjoin": "off", "enable_mergejoin": "off"}


def _copy_benefit_records(
    people: np.ndarray,
    months: np.ndarray,
    benefits: np.ndarray,
    pennies: np.ndarray,
    *,
    progress: Progress | None = None,
) -> Counts:
    """Write checked rows, WRITE_CHUNK at a time (progress after each): a binary COPY into a temporary
    table, then one statement that inserts the new rows, updates the changed amounts and writes nothing for
    a row already recorded as it is.

    The rows go in month order (otherwise in the file's), so a chunk spans as few months as it can. A chunk
    whose months hold no records yet is one INSERT ... SELECT. Otherwise the chunk is matched set-wise, in
    one join, to the records of its months by (person, month, benefit): the rows with no record are
    inserted and those whose amount differs update their record, in the same statement. An unchanged row
    is only read: INSERT ... ON CONFLICT DO UPDATE would lock, and so rewrite, every record it meets. ON
    CONFLICT DO NOTHING only guards against another import of the same rows committing meanwhile.

    The people and benefit types referred to are locked as the foreign-key triggers would lock them, so
    the per-row trigger calls can be skipped where the connection may (taskforce/org/bulk.py).
    """
    order = np.argsort(months, kind="stable")
    rows = np.empty(len(people), dtype=COPY_ROW)
    rows["fields"] = 4
    rows["person_size"] = rows["benefit_size"] = rows["pennies_size"] = 8
    rows["month_size"] = 4
    rows["person"], rows["month"], rows["benefit"], rows["pennies"] = (
        people[order],
        months[order] - PG_EPOCH,
        benefits[order],
        pennies[order],
    )
    table = connection.ops.quote_name(BenefitRecord._meta.db_table)
    columns = "person_id, month, benefit_id, amount"
    insert_all = (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608
        "SELECT person_id, month, benefit_id, pennies / 100.0 FROM import_benefit_record"
    )
    # `months` (the chunk's) only narrows what the join reads: a row's record is in the row's month.
    match_and_write = f"""
        WITH differs AS MATERIALIZED (
            SELECT s.person_id, s.month, s.benefit_id, s.pennies / 100.0 AS amount, b.id AS recorded
            FROM import_benefit_record s
            LEFT JOIN {table} b
                ON b.person_id = s.person_id AND b.month = s.month AND b.benefit_id = s.benefit_id
                AND b.month = ANY(%(months)s)
            WHERE b.id IS NULL OR b.amount <> s.pennies / 100.0
        ), inserted AS (
            INSERT INTO {table} ({columns})
            SELECT person_id, month, benefit_id, amount FROM differs WHERE recorded IS NULL
            ON CONFLICT DO NOTHING
            RETURNING 1
        ), updated AS (
            UPDATE {table} b SET amount = d.amount FROM differs d
            WHERE b.id = d.recorded AND b.month = ANY(%(months)s)
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM updated)
    """  # noqa: S608
    with connection.cursor() as cursor:
        lock_referenced(cursor, Person, np.unique(people).tolist())
        lock_referenced(cursor, BenefitType, np.unique(benefits).tolist())
        cursor.execute(
            f"SELECT month, count(*) FROM {table} WHERE month = ANY(%s) GROUP BY month",  # noqa: S608
            [[date.fromordinal(m) for m in np.unique(months).tolist()]],
        )
        held = {month.toordinal() - PG_EPOCH: count for month, count in cursor.fetchall()}
        cursor.execute("DROP TABLE IF EXISTS import_benefit_record")
        cursor.execute(
            "CREATE TEMPORARY TABLE import_benefit_record "
            "(person_id bigint, month date, benefit_id bigint, pennies bigint) ON COMMIT DROP"
        )
        if progress:
            progress.start(len(rows), f"Writing {len(rows):,} rows")

        def write_chunk(chunk: np.ndarray) -> tuple[int, int]:
            cursor.execute("TRUNCATE import_benefit_record")
            with cursor.cursor.copy("COPY import_benefit_record FROM STDIN (FORMAT binary)") as copy:
                copy.write(COPY_SIGNATURE)
                copy.write(chunk.tobytes())
                copy.write(b"\xff\xff")
            chunk_months = np.unique(chunk["month"]).tolist()
            recorded = sum(held.get(month, 0) for month in chunk_months)
            if not recorded:
                cursor.execute(insert_all)
                return cursor.rowcount, 0
            join = LOOK_UP_ROWS if recorded > PROBE_ABOVE * len(chunk) else READ_MONTHS
            with local_settings(cursor, join):
                cursor.execute(
                    match_and_write, {"months": [date.fromordinal(m + PG_EPOCH) for m in chunk_months]}
                )
                created, updated = cursor.fetchone()
            return created, updated

        def write() -> tuple[int, int]:
            created = updated = 0
            for start in range(0, len(rows), WRITE_CHUNK):
                chunk = rows[start : start + WRITE_CHUNK]
                new, changed = write_chunk(chunk)
                created += new
                updated += changed
                if progress:
                    progress.advance(len(chunk))
            return created, updated

        if may_skip_row_triggers(cursor, BenefitRecord._meta.db_table):
            created, updated = without_row_triggers(cursor, write)
        else:
            created, updated = write()
        cursor.execute("DROP TABLE import_benefit_record")
    return created, updated, len(rows) - created - updated
