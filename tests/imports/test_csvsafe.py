"""Exports: no cell reaches a spreadsheet as a formula."""

import csv
import io

import pytest

from taskforce.org.csvsafe import safe_cell, write_csv


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+441843", "'+441843"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Margate", "Margate"),
        (-5, -5),
        (None, ""),
    ],
)
def test_text_that_would_run_as_a_formula_is_quoted(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_a_written_csv_reads_back_with_every_formula_neutralised() -> None:
    out = io.StringIO()
    write_csv(out, ["name", "=header"], [["=cmd|' /C calc'!A0", 3], ["plain", -1]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["name", "'=header"], ["'=cmd|' /C calc'!A0", "3"], ["plain", "-1"]]
