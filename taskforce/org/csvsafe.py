"""Spreadsheet formula injection: cells that Excel, LibreOffice or Google Sheets would run as a formula.

Every CSV the system writes passes its cells through `safe_cell` (or writes with `write_csv`); every CSV
it reads refuses such cells (`looks_like_formula`), so a formula never goes in and never comes out.
"""

import csv
from collections.abc import Iterable, Sequence
from typing import IO, Any

# A cell starting with one of these is read as a formula (tab and carriage return by some importers).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with text that would start a formula prefixed by an apostrophe (shown, not run).

    Numbers are left alone: a negative number is not text and no spreadsheet runs it.
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def write_csv(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write a header and rows as CSV with every cell neutralised."""
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)


def looks_like_formula(text: str) -> bool:
    """True for an imported cell a spreadsheet would run: it starts with one of FORMULA_STARTS, and is not
    a negative number such as -5.00 (a number, refused or not by its column's own rule)."""
    if not text.startswith(FORMULA_STARTS):
        return False
    return not (text[0] == "-" and len(text) > 1 and text[1] in "0123456789.")
