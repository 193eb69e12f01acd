"""Benefit records checked column by column give exactly the report of the row-by-row path, on every
quirk a partner spreadsheet has, and write the same records; files the column path cannot read exactly
go the row-by-row way."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from imports import columnar
from imports.core import ImportReport, run_import
from imports.kinds.benefit_records import BenefitRecordsImport
from outcomes.models import BenefitRecord
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HEADER = "nino,month,benefit,amount\n"
GOOD = "AA000001A,2010-09,jsa,71.70\nAA000002B,2010-09,hb,95.00\n"

# Files the column-by-column path reads itself.
COLUMNAR = {
    "plain": HEADER + GOOD,
    "byte-order mark and CRLF": "\ufeff" + (HEADER + GOOD).replace("\n", "\r\n"),
    "carriage returns only": (HEADER + GOOD).replace("\n", "\r"),
    "no newline at the end": HEADER + GOOD.rstrip("\n"),
    "blank, whitespace-only and comma-only lines": HEADER
    + "\n   \nAA000001A,2010-09,jsa,71.70\n,,,\n \t , ,\nAA000002B,2010-09,hb,95.00\n\n\n",
    "surplus whitespace and no-break spaces": HEADER
    + " AA000001A , 2010-09 ,\tjsa, 71.70 \n\u00a0AA000002B\u00a0,2010-09,hb,95.00\n",
    "columns in another order and case, after blank lines": "\n\nAmount, BENEFIT ,nino,month\n"
    + "71.70,jsa,AA000001A,2010-09\n95.00,hb,AA000002B,2010-09\n",
    "quoted fields, pound signs and thousands": HEADER
    + '"AA000001A","2010-09","jsa","1,234.50"\nAA000002B,2010-09,hb,£95\n',
    "months as UK dates, ISO dates and Excel serials": HEADER
    + "AA000001A,01/09/2010,jsa,1\nAA000001A,2010-10-01,jsa,1\nAA000001A,40513,jsa,1\n",
    "lower-case and spaced National Insurance numbers, benefit codes in capitals": HEADER
    + "aa 00 00 01 a,2010-09,JSA,1.00\nAA000002B,2010-09,Hb,2.00\n",
    "bad values of every column": HEADER
    + "QQ123456C,2010-09,jsa,1.00\nAB12345C,2010-09,jsa,1.00\nAB123456C,2010-09,jsa,1.00\n"
    + ",2010-09,jsa,1\nAA000001A,2010-09-15,jsa,1\nAA000001A,,jsa,1\nAA000001A,2010-13,jsa,1\n"
    + "AA000001A,2010-09,xyz,1\nAA000001A,2010-09,,1\nAA000001A,2010-09,jsa,-5.00\n"
    + "AA000001A,2010-09,jsa,12.345\nAA000001A,2010-09,jsa,\nAA000001A,2010-09,jsa,lots\n"
    + "QQ123456C,2010-13,xyz,lots\n",
    "formula cells, and a negative number that is not one": HEADER
    + '=1+1,2010-09,jsa,1\nAA000001A,2010-09,@SUM(A1),+1\nAA000001A,2010-09,jsa,-5.00\n"-cmd",2010-09,jsa,1\n',
    "repeats, however written": HEADER
    + "AA000001A,2010-09,jsa,1.00\naa000001a,2010-09-01,JSA,2.00\nAA000002B,2010-09,jsa,1\n"
    + "AA000001A,01/09/2010,jsa,3\n",
    "a short row": HEADER + "AA000001A,2010-09,jsa\n" + GOOD,
    "a row with a quoted comma too few": HEADER + '"AA000001A,2010-09",jsa,1\n',
    "header only": HEADER,
    "wrong columns": "nino,month,benefit\nAA000001A,2010-09,jsa\n",
    "empty": "",
    "blank lines only": " \r\n\r\n",
}

# Files that go the row-by-row way, with the same report.
ROW_BY_ROW = {
    "a quoted field spanning lines": HEADER + 'AA000001A,2010-09,"jsa\nesa",1\n' + GOOD,
    "mixed line endings": HEADER + "AA000001A,2010-09,jsa,1\r\nAA000002B,2010-09,hb,1\n",
    "a row with too many fields": HEADER + GOOD + "AA000001A,2010-10,jsa,1,extra\n",
    "a comma-only line wider than the header": HEADER + GOOD + ",,,,,\n",
}


@pytest.fixture
def people() -> None:
    PersonFactory(nino="AA000001A")
    PersonFactory(nino="AA000002B")


def row_by_row(data: bytes, **kwargs) -> ImportReport:  # type: ignore[no-untyped-def]
    kind = BenefitRecordsImport()
    kind.run_in_bulk = None  # type: ignore[assignment,method-assign]
    return run_import(kind, data, **kwargs)


def by_column(data: bytes, *, dry_run: bool = True) -> ImportReport:
    """The column path itself (raises NotColumnar rather than fall back)."""
    report = ImportReport(kind="benefit-records", sha256="", dry_run=dry_run)
    return BenefitRecordsImport().run_in_bulk(
        data, report=report, dry_run=dry_run, progress=None, on_written=None, max_bytes=10_000_000
    )


def summary(report: ImportReport) -> tuple[int, list[tuple[int, str, str, str]]]:
    return report.rows, [(p.row, p.column, p.value, p.rule) for p in report.problems]


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize("case", sorted(COLUMNAR))
def test_the_column_path_reports_exactly_what_the_row_path_does(case: str) -> None:
    data = COLUMNAR[case].encode()
    assert summary(by_column(data)) == summary(row_by_row(data, dry_run=True))


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize("case", sorted(ROW_BY_ROW))
def test_files_the_column_path_cannot_read_exactly_go_row_by_row(case: str) -> None:
    data = ROW_BY_ROW[case].encode()
    with pytest.raises(columnar.NotColumnar):
        by_column(data)
    assert summary(run_import(BenefitRecordsImport(), data, dry_run=True)) == summary(
        row_by_row(data, dry_run=True)
    )


@pytest.mark.usefixtures("people")
def test_the_bad_value_corpus_names_each_row_column_and_rule() -> None:
    """Pinned, not only compared: both paths could share a mistake."""
    _, problems = summary(by_column(COLUMNAR["bad values of every column"].encode()))
    assert [(row, column, value) for row, column, value, _ in problems] == [
        (2, "nino", "QQ123456C"),
        (3, "nino", "AB12345C"),
        (4, "nino", "AB123456C"),
        (5, "nino", ""),
        (6, "month", "2010-09-15"),
        (7, "month", ""),
        (8, "month", "2010-13-01"),
        (9, "benefit", "xyz"),
        (10, "benefit", ""),
        (11, "amount", "-5.00"),
        (12, "amount", "12.345"),
        (13, "amount", ""),
        (14, "amount", "lots"),
        # Every bad cell of a row, not only the first.
        (15, "nino", "QQ123456C"),
        (15, "month", "2010-13-01"),
        (15, "benefit", "xyz"),
        (15, "amount", "lots"),
    ]
    formula = summary(by_column(COLUMNAR["formula cells, and a negative number that is not one"].encode()))
    assert [(row, column, value) for row, column, value, _ in formula[1]] == [
        (2, "nino", "=1+1"),
        (3, "benefit", "@SUM(A1)"),
        (3, "amount", "+1"),
        (4, "amount", "-5.00"),
        (5, "nino", "-cmd"),
    ]
    assert "cannot be negative" in formula[1][3][3]


@pytest.mark.usefixtures("people")
def test_written_records_are_the_same_either_way_and_a_reimport_changes_nothing() -> None:
    data = COLUMNAR["quoted fields, pound signs and thousands"].encode()
    report = run_import(BenefitRecordsImport(), data)
    assert (report.committed, report.created, report.updated, report.unchanged) == (True, 2, 0, 0)
    written = set(BenefitRecord.objects.values_list("person__nino", "month", "benefit__code", "amount"))
    assert written == {
        ("AA000001A", date(2010, 9, 1), "jsa", Decimal("1234.50")),
        ("AA000002B", date(2010, 9, 1), "hb", Decimal("95.00")),
    }
    again = run_import(BenefitRecordsImport(), data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    corrected = run_import(BenefitRecordsImport(), data.replace(b"95", b"96") + b"AA000002B,2010-10,hb,96\n")
    assert (corrected.created, corrected.updated, corrected.unchanged) == (1, 1, 1)
    BenefitRecord.objects.all().delete()
    row_by_row(data)
    assert (
        set(BenefitRecord.objects.values_list("person__nino", "month", "benefit__code", "amount")) == written
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's triggers and settings")
@pytest.mark.usefixtures("people")
def test_a_bulk_write_leaves_the_trigger_setting_as_it_found_it_and_keeps_foreign_keys() -> None:
    run_import(BenefitRecordsImport(), (HEADER + GOOD).encode())
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [BenefitRecord._meta.db_table],
        )
        assert cursor.fetchone()[0] == 2
    assert BenefitRecord.objects.count() == 2


class Spy:
    def __init__(self) -> None:
        self.written: list[int] = []
        self.writing = False

    def start(self, total: int, message: str = "") -> None:
        self.writing = message.startswith("Writing")

    def advance(self, n: int, message: str | None = None) -> None:
        if self.writing:
            self.written.append(n)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the chunked write is PostgreSQL's")
@pytest.mark.usefixtures("people")
def test_rows_are_written_a_chunk_at_a_time_with_progress_after_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("imports.kinds.benefit_records.WRITE_CHUNK", 2)
    rows = "".join(f"AA00000{1 + i % 2}{'AB'[i % 2]},2010-{1 + i // 2:02d},jsa,{i}.00\n" for i in range(5))
    spy = Spy()
    report = run_import(BenefitRecordsImport(), (HEADER + rows).encode(), progress=spy)
    assert (report.created, spy.written) == (5, [2, 2, 1])
    corrected = rows.replace("3.00", "30.00") + "AA000001A,2011-01,jsa,1\n"
    spy = Spy()
    report = run_import(BenefitRecordsImport(), (HEADER + corrected).encode(), progress=spy)
    assert (report.created, report.updated, report.unchanged, spy.written) == (1, 1, 4, [2, 2, 2])
    assert BenefitRecord.objects.get(amount=Decimal("30.00")).month == date(2010, 2, 1)
