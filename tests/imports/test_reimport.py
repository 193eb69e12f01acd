"""Benefit records imported again: a row already recorded as it is writes nothing and counts as unchanged,
a new row is created and a changed amount updates the record it matches, set-wise, by either path (column
by column or row by row), all or nothing.

What the import wrote is counted by triggers the test puts on the benefit record table, so "nothing
written" means no row of the table was inserted or updated, whatever the write does internally."""

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from imports.core import ImportReport, run_import
from imports.kinds import benefit_records
from imports.kinds.benefit_records import BenefitRecordsImport
from imports.models import ImportBatch
from outcomes.models import BenefitRecord
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HEADER = "nino,month,benefit,amount\n"
FIRST = (
    HEADER
    + "AA000001A,2010-09,jsa,71.70\n"
    + "AA000002B,2010-09,hb,95.00\n"
    + "AA000001A,2010-10,jsa,71.70\n"
    + "AA000002B,2010-10,hb,95.00\n"
    + "AA000003C,2010-10,esa,102.15\n"
)
# The same five rows, written another way: another order, months as dates, amounts with pounds signs, codes
# and National Insurance numbers as a spreadsheet may hold them.
SAME_ROWS = (
    "Amount,BENEFIT,nino,month\n"
    + "£102.15,ESA,aa 00 00 03 c,01/10/2010\n"
    + "95,hb,AA000002B,2010-10-01\n"
    + "71.7,jsa,AA000001A,2010-10\n"
    + '"£95.00",HB,AA000002B,2010-09\n'
    + "71.70,jsa,AA000001A,40422\n"
)


@pytest.fixture
def people() -> None:
    PersonFactory(nino="AA000001A")
    PersonFactory(nino="AA000002B")
    PersonFactory(nino="AA000003C")


@pytest.fixture
def writes() -> Iterator[Callable[[], list[str]]]:
    """The rows of the benefit record table inserted or updated since the fixture started, as 'INSERT' and
    'UPDATE', noted by triggers on the table (the test's own: they come off when it ends)."""
    table = BenefitRecord._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A trigger of the test's own also keeps the import from switching per-row triggers off.
            cursor.execute("CREATE TEMPORARY TABLE benefit_writes (op text)")
            cursor.execute(
                "CREATE FUNCTION note_benefit_write() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN INSERT INTO benefit_writes VALUES (TG_OP); RETURN NULL; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER note_benefit_write AFTER INSERT OR UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION note_benefit_write()"
            )
        else:
            cursor.execute("CREATE TEMPORARY TABLE benefit_writes (op text)")
            for op in ("INSERT", "UPDATE"):
                cursor.execute(
                    f"CREATE TEMPORARY TRIGGER note_benefit_{op.lower()} AFTER {op} ON {table} "  # noqa: S608
                    f"BEGIN INSERT INTO benefit_writes VALUES ('{op}'); END"
                )

    def noted() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT op FROM benefit_writes ORDER BY op")
            return [op for (op,) in cursor.fetchall()]

    yield noted
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER note_benefit_write ON {table}")
            cursor.execute("DROP FUNCTION note_benefit_write()")
        else:
            cursor.execute("DROP TRIGGER note_benefit_insert")
            cursor.execute("DROP TRIGGER note_benefit_update")
        cursor.execute("DROP TABLE benefit_writes")


def by_column(data: bytes) -> ImportReport:
    return run_import(BenefitRecordsImport(), data)


def row_by_row(data: bytes) -> ImportReport:
    kind = BenefitRecordsImport()
    kind.run_in_bulk = None  # type: ignore[assignment,method-assign]
    return run_import(kind, data)


PATHS = {"column by column": by_column, "row by row": row_by_row}


def records() -> dict[tuple[str | None, date, str], tuple[int, Decimal]]:
    """Each record by natural key: its id and amount."""
    return {
        (nino, month, code): (pk, amount)
        for pk, nino, month, code, amount in BenefitRecord.objects.values_list(
            "pk", "person__nino", "month", "benefit__code", "amount"
        )
    }


def counts(report: ImportReport) -> tuple[int, int, int]:
    return report.created, report.updated, report.unchanged


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize("path", sorted(PATHS))
def test_identical_rows_again_write_nothing_and_count_as_unchanged(
    path: str, writes: Callable[[], list[str]]
) -> None:
    imported = PATHS[path](FIRST.encode())
    assert (imported.committed, counts(imported)) == (True, (5, 0, 0))
    assert writes() == ["INSERT"] * 5
    before = records()
    again = PATHS[path](SAME_ROWS.encode())
    assert again.ok
    assert again.committed
    assert (again.rows, counts(again)) == (5, (0, 0, 5))
    assert writes() == ["INSERT"] * 5, "the re-import inserted or updated a row"
    assert records() == before


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize("path", sorted(PATHS))
def test_new_unchanged_and_changed_rows_in_one_file(path: str, writes: Callable[[], list[str]]) -> None:
    PATHS[path](FIRST.encode())
    before = records()
    mixed = (
        HEADER
        + "AA000001A,2010-09,jsa,71.70\n"  # unchanged
        + "AA000002B,2010-09,hb,96.00\n"  # changed
        + "AA000001A,2010-10,jsa,71.7\n"  # unchanged, written another way
        + "AA000003C,2010-10,esa,0\n"  # changed, to nothing
        + "AA000003C,2010-09,esa,102.15\n"  # new: a month the person had no record of
        + "AA000001A,2010-11,jsa,71.70\n"  # new: a month no one had a record of
        + "AA000002B,2010-10,esa,10.00\n"  # new: another benefit in a recorded month
    )
    report = PATHS[path](mixed.encode())
    assert report.committed
    assert (report.rows, counts(report)) == (7, (3, 2, 2))
    assert writes() == ["INSERT"] * 5 + ["INSERT"] * 3 + ["UPDATE"] * 2
    after = records()
    # A changed amount updates the record it matches (the same record, its id kept).
    assert after[("AA000002B", date(2010, 9, 1), "hb")] == (
        before[("AA000002B", date(2010, 9, 1), "hb")][0],
        Decimal("96.00"),
    )
    assert after[("AA000003C", date(2010, 10, 1), "esa")] == (
        before[("AA000003C", date(2010, 10, 1), "esa")][0],
        Decimal("0"),
    )
    # Unchanged rows, and records the file does not mention, are left as they were.
    for key in [
        ("AA000001A", date(2010, 9, 1), "jsa"),
        ("AA000001A", date(2010, 10, 1), "jsa"),
        ("AA000002B", date(2010, 10, 1), "hb"),
    ]:
        assert after[key] == before[key]
    new = {key: amount for key, (_, amount) in after.items() if key not in before}
    assert new == {
        ("AA000003C", date(2010, 9, 1), "esa"): Decimal("102.15"),
        ("AA000001A", date(2010, 11, 1), "jsa"): Decimal("71.70"),
        ("AA000002B", date(2010, 10, 1), "esa"): Decimal("10.00"),
    }
    # And the same file once more is all unchanged.
    again = PATHS[path](mixed.encode())
    assert counts(again) == (0, 0, 7)
    assert len(writes()) == 10


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize("path", sorted(PATHS))
def test_a_bad_row_among_changed_rows_writes_nothing(path: str, writes: Callable[[], list[str]]) -> None:
    PATHS[path](FIRST.encode())
    before = records()
    report = PATHS[path](
        (HEADER + "AA000002B,2010-09,hb,96.00\nAA000001A,2010-12,jsa,1\nAA000009A,2010-09,jsa,1\n").encode()
    )
    assert not report.committed
    assert [(p.row, p.column, p.value) for p in report.problems] == [(4, "nino", "AA000009A")]
    assert counts(report) == (0, 0, 0)
    assert records() == before
    assert writes() == ["INSERT"] * 5


@pytest.mark.usefixtures("people")
def test_the_batch_of_a_reimport_reports_its_rows_unchanged(
    upload: Callable[..., ImportBatch], writes: Callable[[], list[str]]
) -> None:
    first = upload("benefit-records", FIRST.encode())
    assert (first.status, first.created) == (ImportBatch.Status.COMMITTED, 5)
    again = upload("benefit-records", SAME_ROWS.encode(), file_name="again.csv")
    # Another file (not the same bytes): its rows are matched by natural key, not recognised by hash.
    assert again.status == ImportBatch.Status.COMMITTED
    assert "already_imported_by" not in again.report
    assert (again.rows, again.created, again.updated, again.unchanged) == (5, 0, 0, 5)
    assert {k: again.report[k] for k in ("rows", "created", "updated", "unchanged")} == {
        "rows": 5,
        "created": 0,
        "updated": 0,
        "unchanged": 5,
    }
    assert writes() == ["INSERT"] * 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="how PostgreSQL finds a chunk's records")
@pytest.mark.usefixtures("people")
@pytest.mark.parametrize("probe_above", [0, 1_000_000], ids=["rows looked up", "months read"])
def test_either_way_of_matching_a_chunk_gives_the_same_records(
    probe_above: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows out of month order, over chunks of two, each chunk matched by looking its rows up or by reading
    its months."""
    monkeypatch.setattr(benefit_records, "WRITE_CHUNK", 2)
    monkeypatch.setattr(benefit_records, "PROBE_ABOVE", probe_above)
    by_column(FIRST.encode())
    mixed = (
        HEADER
        + "AA000001A,2010-11,jsa,1\n"
        + "AA000002B,2010-09,hb,96.00\n"
        + "AA000001A,2010-10,jsa,71.70\n"
        + "AA000003C,2010-09,esa,5\n"
        + "AA000003C,2010-10,esa,102.15\n"
        + "AA000001A,2010-09,jsa,71.71\n"
    )
    report = by_column(mixed.encode())
    assert counts(report) == (2, 2, 2)
    assert {(k[0], k[1].month, v[1]) for k, v in records().items()} == {
        ("AA000001A", 9, Decimal("71.71")),
        ("AA000001A", 10, Decimal("71.70")),
        ("AA000001A", 11, Decimal("1.00")),
        ("AA000002B", 9, Decimal("96.00")),
        ("AA000002B", 10, Decimal("95.00")),
        ("AA000003C", 9, Decimal("5.00")),
        ("AA000003C", 10, Decimal("102.15")),
    }
    assert counts(by_column(mixed.encode())) == (0, 0, 6)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_hashjoin'), current_setting('enable_nestloop'), "
            "current_setting('enable_mergejoin')"
        )
        assert cursor.fetchone() == ("on", "on", "on"), "the join settings were not put back"
