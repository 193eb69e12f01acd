"""Checking a big CSV file column by column: every distinct value once, every row by array lookups.

The row-by-row path (`core.run_import`) spends most of a million-row file in Python, splitting, trimming
and checking each row. Here pandas' C parser reads the file, each column is factorised into its distinct
values, each distinct value is trimmed and checked once by the same function the row-by-row path uses (so a
problem reads the same either way: row as a spreadsheet numbers it, column, value, rule), and the rows are
then judged by numpy lookups into those verdicts. Only bad rows are looked at one by one.

A file whose physical lines do not map one-to-one onto rows goes the row-by-row way (`NotColumnar`): a
quoted field spanning lines, mixed line endings, a row with more fields than the header.
"""

import codecs
import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings

from taskforce.org.csvsafe import looks_like_formula

from .core import (
    FileError,
    ImportReport,
    Problem,
    Progress,
    RowError,
    RowErrors,
    _check_header,
    _refuse_formulas,
    decode,
)


class NotColumnar(Exception):
    """This file needs the row-by-row path."""


@dataclass(frozen=True)
class Column:
    """A column and its check: trimmed text in, the value to store out, RowError when it is bad."""

    name: str
    check: Callable[[str], Any]


@dataclass(frozen=True)
class Checked:
    """The good rows of a file: their row numbers and, for each column, each row's index into the column's
    checked distinct values (`stored`)."""

    lines: np.ndarray
    codes: tuple[np.ndarray, ...]
    stored: tuple[list[Any], ...]

    def __len__(self) -> int:
        return len(self.lines)


@dataclass
class _Distinct:
    """One column's distinct texts (trimmed) and what each is: blank, a formula, good (value) or bad."""

    texts: list[str]
    stored: list[Any]
    errors: list[RowError | None]
    blank: np.ndarray
    formula: np.ndarray
    bad: np.ndarray


def _distinct(uniques: Sequence[str], check: Callable[[str], Any]) -> _Distinct:
    texts: list[str] = []
    stored: list[Any] = []
    errors: list[RowError | None] = []
    blank = np.zeros(len(uniques), dtype=bool)
    formula = np.zeros(len(uniques), dtype=bool)
    for i, raw in enumerate(uniques):
        text = raw.strip()
        texts.append(text)
        blank[i] = not text
        formula[i] = looks_like_formula(text)
        try:
            stored.append(check(text))
            errors.append(None)
        except RowError as exc:
            stored.append(None)
            errors.append(exc)
    bad = np.array([e is not None for e in errors], dtype=bool)
    return _Distinct(texts, stored, errors, blank, formula, bad)


def _lines(body: bytes) -> tuple[int, bytes]:
    """The number of physical lines and the line ending, or NotColumnar when endings are mixed."""
    lf, cr, crlf = body.count(b"\n"), body.count(b"\r"), body.count(b"\r\n")
    if cr and not (cr == lf == crlf or lf == 0):
        raise NotColumnar("mixed line endings")
    ending = b"\n" if lf or not cr else b"\r"
    return body.count(ending) + (0 if body.endswith(ending) else 1), ending


def _header(text: str, columns: Sequence[str]) -> tuple[int, list[int]]:
    """The header's line number and the position in the file of each column."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            header = [v.strip().lower() for v in values]
            _check_header(header, columns)
            return reader.line_num, [header.index(c) for c in columns]
    except csv.Error as exc:
        raise NotColumnar(f"csv cannot read the header: {exc}") from exc
    raise FileError("The file is empty.")


def _widths(body: bytes, ending: bytes, first_line: int, count: int) -> np.ndarray:
    """Fields on each of `count` lines from `first_line` on (1-based): commas + 1, or csv's count for a
    line with quotes."""
    raw = np.frombuffer(body, dtype=np.uint8)
    ends = np.flatnonzero(raw == ending[-1])
    starts = np.concatenate(([0], ends + 1))[first_line - 1 :][:count]
    stops = np.concatenate((ends, [len(raw)]))[first_line - 1 :][:count]

    def per_line(byte: str) -> np.ndarray:
        at = np.flatnonzero(raw == ord(byte))
        return np.searchsorted(at, stops) - np.searchsorted(at, starts)

    widths = per_line(",") + 1
    for i in np.flatnonzero(per_line('"')):
        line = body[starts[i] : stops[i]].decode("utf-8").rstrip("\r")
        try:
            fields = list(csv.reader([line]))
        except csv.Error as exc:
            raise NotColumnar(f"csv cannot read a line: {exc}") from exc
        if len(fields) != 1:
            raise NotColumnar("a quoted field spans lines")
        widths[i] = len(fields[0])
    return widths


def check(
    data: bytes,
    *,
    columns: Sequence[Column],
    report: ImportReport,
    max_bytes: int,
    progress: Progress | None = None,
) -> Checked | None:
    """Check every row. Problems go into `report` (and None is returned); `report.rows` counts the rows."""
    try:
        text = decode(data, max_bytes=max_bytes)
        header_line, order = _header(text, [c.name for c in columns])
    except FileError as exc:
        report.problems = [Problem(row=0, column="(file)", value="", rule=str(exc))]
        return None
    del text
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    lines, ending = _lines(body)
    expected = lines - header_line
    if progress:
        progress.start(max(expected, 1), "Reading the file")
    try:
        frame = pd.read_csv(
            io.BytesIO(body),
            # Python strings as the parser makes them: str would convert each column to Arrow strings
            # first, which then iterate a value at a time.
            dtype=object,
            keep_default_na=False,
            skip_blank_lines=False,
            skiprows=header_line - 1,
            header=0,
            encoding="utf-8",
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise NotColumnar(f"the parser refused the file: {exc}") from exc
    if len(frame) != expected:
        raise NotColumnar("lines and rows differ")
    row_lines = np.arange(header_line + 1, header_line + 1 + expected, dtype=np.int64)

    codes: list[np.ndarray] = []
    distinct: list[_Distinct] = []
    for column, position in zip(columns, order, strict=True):
        column_codes, found = pd.factorize(frame.iloc[:, position], sort=False)
        uniques = found.tolist()
        if max(map(len, uniques), default=0) > settings.IMPORT_MAX_FIELD_CHARS:
            raise NotColumnar("a cell is over the length limit: the row path reports it")
        codes.append(column_codes)
        distinct.append(_distinct(uniques, column.check))
        if progress:
            progress.advance(0, f"Checked the {column.name} column")
    del frame

    blank = np.logical_and.reduce([d.blank[c] for d, c in zip(distinct, codes, strict=True)])
    widths = _widths(body, ending, header_line + 1, expected)
    wrong = np.flatnonzero((widths != len(order)) & ~blank)
    if len(wrong):
        first = wrong[0]
        report.problems = [
            Problem(
                row=0,
                column="(file)",
                value="",
                rule=f"Row {row_lines[first]} has {widths[first]} fields; the header has {len(order)}.",
            )
        ]
        return None
    keep = ~blank
    report.rows = int(keep.sum())
    formula = np.logical_or.reduce([d.formula[c] for d, c in zip(distinct, codes, strict=True)]) & keep
    bad = np.logical_or.reduce([d.bad[c] for d, c in zip(distinct, codes, strict=True)]) & keep
    names = [c.name for c in columns]
    for i in np.flatnonzero(formula | bad):
        row = int(row_lines[i])
        values = [d.texts[c[i]] for d, c in zip(distinct, codes, strict=True)]
        if formula[i]:
            try:
                _refuse_formulas(names, values)
            except RowErrors as exc:
                report.problems.extend(Problem(row, e.column, e.value, e.rule) for e in exc.errors)
                continue
        # Every bad cell of the row, not only the first.
        for d, c in zip(distinct, codes, strict=True):
            if (error := d.errors[c[i]]) is not None:
                report.problems.append(Problem(row, error.column, error.value, error.rule))
    if progress:
        progress.advance(expected, "Checked every row")
    if report.problems:
        return None
    return Checked(
        lines=row_lines[keep],
        codes=tuple(c[keep] for c in codes),
        stored=tuple(d.stored for d in distinct),
    )


def integers(checked: Checked, column: int, to_int: Callable[[Any], int]) -> np.ndarray:
    """A checked column as integers, one a row (distinct values converted once)."""
    distinct = np.array([-1 if v is None else to_int(v) for v in checked.stored[column]], dtype=np.int64)
    return distinct[checked.codes[column]]


def repeats(
    lines: np.ndarray, keys: Sequence[np.ndarray], *, problem: Callable[[int, int], Problem]
) -> list[Problem]:
    """Rows whose key (one integer array a key column) repeats an earlier row's: `problem(i, first row)`
    describes row i."""
    repeated = pd.DataFrame(dict(enumerate(keys))).duplicated(keep="first").to_numpy()
    if not repeated.any():
        return []
    first = pd.Series(lines).groupby(list(keys)).transform("first").to_numpy()
    return [problem(int(i), int(first[i])) for i in np.flatnonzero(repeated)]
