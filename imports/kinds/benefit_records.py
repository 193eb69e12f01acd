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
from outcomes.models import BenefitRecord, BenefitType
from taskforce.org.bulk import insert_rows, lock_referenced, may_skip_row_triggers, without_row_triggers
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
    INSERT ... SELECT (with an UPDATE join for changed amounts when the months already hold records);
    elsewhere the existing records of those months are read and the rows split into new and changed. No
    per-row history is written: the batch (who, when, which file) is the record of the change, as for any
    bulk load.
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
        if connection.vendor == "postgresql":
            return self._write_postgresql(rows)
        return self._write_other(rows)

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


def _copy_benefit_records(
    people: np.ndarray,
    months: np.ndarray,
    benefits: np.ndarray,
    pennies: np.ndarray,
    *,
    progress: Progress | None = None,
) -> Counts:
    """Write checked rows, WRITE_CHUNK at a time (progress after each): a binary COPY into a temporary
    table, then INSERT ... SELECT from it (with an UPDATE join when the months already hold records).

    The people and benefit types referred to are locked as the foreign-key triggers would lock them, so
    the per-row trigger calls can be skipped where the connection may (taskforce/org/bulk.py).
    """
    rows = np.empty(len(people), dtype=COPY_ROW)
    rows["fields"] = 4
    rows["person_size"] = rows["benefit_size"] = rows["pennies_size"] = 8
    rows["month_size"] = 4
    rows["person"], rows["month"], rows["benefit"], rows["pennies"] = (
        people,
        months - PG_EPOCH,
        benefits,
        pennies,
    )
    table = connection.ops.quote_name(BenefitRecord._meta.db_table)
    with connection.cursor() as cursor:
        lock_referenced(cursor, Person, np.unique(people).tolist())
        lock_referenced(cursor, BenefitType, np.unique(benefits).tolist())
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {table} WHERE month = ANY(%s))",  # noqa: S608
            [[date.fromordinal(m) for m in np.unique(months).tolist()]],
        )
        (months_recorded,) = cursor.fetchone()
        amount = "pennies / 100.0"
        same_key = "b.person_id = s.person_id AND b.month = s.month AND b.benefit_id = s.benefit_id"
        # New rows by an anti-join, changed ones by an UPDATE join: INSERT ... ON CONFLICT DO UPDATE would
        # lock, and so rewrite, every existing row it meets, changed or not. ON CONFLICT DO NOTHING only
        # guards against another import of the same rows committing meanwhile.
        insert = (
            f"INSERT INTO {table} (person_id, month, benefit_id, amount) "  # noqa: S608
            f"SELECT person_id, month, benefit_id, {amount} FROM import_benefit_record s"
        )
        statements = [insert]
        if months_recorded:
            statements = [
                "ANALYZE import_benefit_record",
                f"{insert} WHERE NOT EXISTS (SELECT 1 FROM {table} b WHERE {same_key}) ON CONFLICT DO NOTHING",  # noqa: S608
                f"UPDATE {table} b SET amount = {amount} FROM import_benefit_record s "  # noqa: S608
                f"WHERE {same_key} AND b.amount <> {amount}",
            ]
        cursor.execute("DROP TABLE IF EXISTS import_benefit_record")
        cursor.execute(
            "CREATE TEMPORARY TABLE import_benefit_record "
            "(person_id bigint, month date, benefit_id bigint, pennies bigint) ON COMMIT DROP"
        )
        if progress:
            progress.start(len(rows), f"Writing {len(rows):,} rows")

        def write() -> tuple[int, int]:
            created = updated = 0
            for start in range(0, len(rows), WRITE_CHUNK):
                chunk = rows[start : start + WRITE_CHUNK]
                cursor.execute("TRUNCATE import_benefit_record")
                with cursor.cursor.copy("COPY import_benefit_record FROM STDIN (FORMAT binary)") as copy:
                    copy.write(COPY_SIGNATURE)
                    copy.write(chunk.tobytes())
                    copy.write(b"\xff\xff")
                counts = []
                for statement in statements:
                    cursor.execute(statement)
                    counts.append(cursor.rowcount)
                created += counts[-2] if months_recorded else counts[-1]
                updated += counts[-1] if months_recorded else 0
                if progress:
                    progress.advance(len(chunk))
            return created, updated

        if may_skip_row_triggers(cursor, BenefitRecord._meta.db_table):
            created, updated = without_row_triggers(cursor, write)
        else:
            created, updated = write()
        cursor.execute("DROP TABLE import_benefit_record")
    return created, updated, len(rows) - created - updated
