"""Reading a file: dates in every form a spreadsheet writes them, encodings, formulas, sizes."""

from datetime import date

import pytest

from imports.core import FileError, RowError, iter_values, parse_date
from taskforce.org.csvsafe import looks_like_formula


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-09-06", date(2010, 9, 6)),
        ("06/09/2010", date(2010, 9, 6)),
        ("6/9/2010", date(2010, 9, 6)),
        ("40427", date(2010, 9, 6)),
        ("40427.0", date(2010, 9, 6)),
        ("61", date(1900, 3, 1)),
    ],
)
def test_dates_are_read_as_iso_uk_or_excel_serial(text: str, expected: date) -> None:
    assert parse_date(text, "opened_on") == expected


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("2010-02-30", "not a real date"),
        ("31/02/2010", "not a real date"),
        ("09/2010", "expected a date"),
        ("6 Sept 2010", "expected a date"),
        ("60", "Excel date number between 61"),
        ("40427.5", "expected a date"),
    ],
)
def test_bad_dates_name_the_column_and_rule(text: str, rule: str) -> None:
    with pytest.raises(RowError) as error:
        parse_date(text, "opened_on")
    assert (error.value.column, error.value.value) == ("opened_on", text)
    assert rule in error.value.rule


def test_columns_may_come_in_any_order_and_case() -> None:
    data = b'B , a\r\n2,1\r\n\r\n 4 ,"3"\r\n'
    assert list(iter_values(data, columns=["a", "b"])) == [(2, ["1", "2"]), (4, ["3", "4"])]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("a\ncaf\u00e9\n".encode("latin-1"), "not UTF-8 text"),
        ("a\n1\n".encode("utf-16"), "not UTF-8 text"),
        (b"", "empty"),
        (b" \r\n\r\n", "empty"),
        (b"a,b\n1\n", "Row 2 has 1 fields; the header has 2"),
        (b"a,c\n1,2\n", "missing column(s) b; unknown column(s) c"),
        (b"a,b,b\n1,2,3\n", "repeated column(s) b"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(FileError) as error:
        list(iter_values(data, columns=["a", "b"]))
    assert message in str(error.value)


@pytest.mark.parametrize("text", ["=1+1", "+44 1843", "@SUM(A1)", "-A1", "-", '=HYPERLINK("x")'])
def test_formulas_are_recognised(text: str) -> None:
    assert looks_like_formula(text)


@pytest.mark.parametrize("text", ["", "-5.00", "-.5", "O'Brien", "a=b", "2010-09-06"])
def test_values_that_are_not_formulas_are_left_alone(text: str) -> None:
    assert not looks_like_formula(text)
