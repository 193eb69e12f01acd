"""import_area_statistics: upserts, all or nothing, and every bad row named by row, column and rule."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from imports.core import RowError, run_import
from imports.kinds.area_statistics import AreaStatisticsImport, parse_period
from outcomes.models import AreaStatistic
from taskforce.org.models import Area

pytestmark = pytest.mark.django_db

HEADER = "area_code,area_name,area_type,period,measure,value"


def run(text: str | bytes, **kwargs):  # type: ignore[no-untyped-def]
    data = text.encode("utf-8") if isinstance(text, str) else text
    return run_import(AreaStatisticsImport(source="test file", **kwargs), data)


@pytest.mark.parametrize(
    ("text", "frequency", "start"),
    [
        ("2009", "year", date(2009, 1, 1)),
        ("2009-Q3", "quarter", date(2009, 7, 1)),
        ("2009-q4", "quarter", date(2009, 10, 1)),
        ("2009-07", "month", date(2009, 7, 1)),
        ("2009-07-15", "day", date(2009, 7, 15)),
    ],
)
def test_periods_in_every_accepted_form(text: str, frequency: str, start: date) -> None:
    assert parse_period(text) == (frequency, start)


@pytest.mark.parametrize("text", ["09", "2009-13", "2009-Q5", "2009/07", "2009-02-30", "July 2009"])
def test_bad_periods_are_refused(text: str) -> None:
    with pytest.raises(RowError) as error:
        parse_period(text)
    assert error.value.column == "period"


def test_a_spreadsheet_export_is_read_and_upserted() -> None:
    text = (
        "\ufeff" + HEADER.upper() + "\r\n"
        "E05005088, Cliftonville West ,ward,2009-07,out_of_work_rate,31.5\r\n"
        "\r\n"
        'E05005093,"Margate Central",ward,2009,population,"6,012"\r\n'
        "E10000016,Kent,county,2009-Q1,benefit_spend,1234.5\r\n"
    )
    report = run(text)
    assert report.ok, report.problems
    assert (report.rows, report.created, report.updated) == (3, 3, 0)
    stat = AreaStatistic.objects.get(area__gss_code="E05005093", measure="population")
    assert (stat.frequency, stat.period, stat.value, stat.source) == ("year", "2009", 6012.0, "test file")

    again = run(text)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = run(text.replace("31.5", "30.9"))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    assert AreaStatistic.objects.get(measure="out_of_work_rate").value == 30.9
    assert AreaStatistic.objects.count() == 3


def test_every_bad_row_is_reported_and_nothing_is_written() -> None:
    text = "\n".join(
        [
            HEADER,
            "E05005088,Cliftonville West,ward,2009-07,out_of_work_rate,31.5",
            "E0500508,Bad code,ward,2009-07,out_of_work_rate,1",
            "E05005088,Cliftonville West,parish,2009-07,out_of_work_rate,1",
            "E05005088,Cliftonville West,ward,2009-13,out_of_work_rate,1",
            "E05005088,Cliftonville West,ward,2009-08,Out Of Work,1",
            "E05005088,Cliftonville West,ward,2009-09,out_of_work_rate,lots",
            "E05005088,Cliftonville West,ward,2009-10,out_of_work_rate,nan",
            "E05999999,Nowhere,ward,2009-10,out_of_work_rate,1",
            "E10000016,Kent,ward,2009-10,out_of_work_rate,1",
        ]
    )
    report = run(text)
    assert not report.committed
    assert [(p.row, p.column) for p in report.problems] == [
        (3, "area_code"),
        (4, "area_type"),
        (5, "period"),
        (6, "measure"),
        (7, "value"),
        (8, "value"),
        (9, "area_code"),
        (10, "area_type"),
    ]
    assert (
        "expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD" in report.problems[2].rule
        or "not a real date" in report.problems[2].rule
    )
    assert "unknown area" in report.problems[6].rule
    assert "is a county, not a ward" in report.problems[7].rule
    assert AreaStatistic.objects.count() == 0


def test_duplicate_rows_are_refused() -> None:
    row = "E05005088,Cliftonville West,ward,2009-07,out_of_work_rate,31.5"
    report = run(f"{HEADER}\n{row}\n{row.replace('31.5', '30')}\n")
    assert [(p.row, p.column) for p in report.problems] == [(3, "period")]
    assert "repeats row 2" in report.problems[0].rule
    assert AreaStatistic.objects.count() == 0


def test_new_areas_are_created_only_with_a_vintage() -> None:
    text = f"{HEADER}\nE05012345,New Ward,ward,2016-01,out_of_work_rate,4.2\n"
    assert not run(text).ok
    report = run(text, vintage=2015)
    assert report.ok
    area = Area.objects.get(gss_code="E05012345")
    assert (area.vintage, area.name, area.type) == (2015, "New Ward", "ward")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\n\n  \n", "The file is empty"),
        (
            b"area_code,name\nE05005088,x\n",
            "missing column(s) area_name, area_type, period, measure, value",
        ),
        ((HEADER + ",extra\n").encode(), "unknown column(s) extra"),
        ((HEADER + "\nE05005088,Caf\xe9,ward,2009,population,1\n").encode("latin-1"), "not UTF-8"),
        ((HEADER + "\nE05005088,x,ward\n").encode(), "Row 2 has 3 fields; the header has 6"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data: bytes, message: str) -> None:
    report = run(data)
    assert not report.ok
    assert report.problems[0].row == 0
    assert message in report.problems[0].rule


def test_oversized_files_are_refused() -> None:
    from imports.core import FileError, read_rows

    with pytest.raises(FileError, match="the limit is 1 MB"):
        read_rows(b"x" * 1_000_001, columns=["a"], max_bytes=1_000_000)


def test_the_command_reports_problems_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\nE05005088,Cliftonville West,ward,2009-07,out_of_work_rate,high\n")
    with pytest.raises(
        CommandError,
        match=r"1 problem\(s\); nothing was imported.\n  row 2, column value \(value 'high'\): not a number",
    ):
        call_command("import_area_statistics", str(bad))
    assert AreaStatistic.objects.count() == 0


def test_the_command_imports_a_good_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "nomis.csv"
    good.write_text(f"{HEADER}\nE05005088,Cliftonville West,ward,2009-07,out_of_work_rate,31.5\n")
    call_command("import_area_statistics", str(good), "--dry-run")
    assert "1 rows are valid (dry run" in capsys.readouterr().out
    assert AreaStatistic.objects.count() == 0
    call_command(
        "import_area_statistics", str(good), "--source", "NOMIS claimant count", "--release", "2016-02"
    )
    assert "1 created" in capsys.readouterr().out
    stat = AreaStatistic.objects.get()
    assert (stat.source, stat.vintage) == ("NOMIS claimant count", "2016-02")
