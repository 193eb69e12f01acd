"""CSV imports: read, validate every row, then write all or nothing.

A kind of import declares its columns, parses one row at a time (raising RowError naming the column and
rule), and writes the parsed rows in one transaction. Nothing is written if any row is bad: the report
lists every bad row (row number as a spreadsheet shows it, column, value, rule).
"""

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Generic, Protocol, TypeVar, cast

from django.conf import settings
from django.db import transaction

from taskforce.org.csvsafe import looks_like_formula

MAX_BYTES = 200 * 1024 * 1024
# Python's csv module refuses a field over 131,072 characters with an error that stops the whole read. A field
# cannot be longer than its file, so the csv limit is the file limit, and the product's own rule
# (settings.IMPORT_MAX_FIELD_CHARS, `_too_long`) turns a long value into a row error naming row and column.
csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
# Progress is reported after every PROGRESS_EVERY rows checked.
PROGRESS_EVERY = 5_000

T = TypeVar("T")


class RowError(Exception):
    """A bad value in one row. `line` is set when the error is found while writing, after parsing."""

    def __init__(self, column: str, rule: str, value: str = "", *, line: int = 0) -> None:
        super().__init__(f"{column}: {rule}")
        self.column = column
        self.rule = rule
        self.value = value
        self.line = line


class RowErrors(Exception):
    """Several bad values in one row, each reported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


class RowCheck:
    """Every problem of one row, not only the first: each cell is read through `cell()`, which notes a
    RowError (or RowErrors) and gives `otherwise` instead, so the next cells are still checked. `done()`
    raises them all together."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []

    def cell(self, read: Callable[..., T], *args: Any, otherwise: Any = None, **kwargs: Any) -> T:
        try:
            return read(*args, **kwargs)
        except RowError as exc:
            self.errors.append(exc)
        except RowErrors as exc:
            self.errors.extend(exc.errors)
        return cast(T, otherwise)

    def fail(self, column: str, rule: str, value: str = "") -> None:
        self.errors.append(RowError(column, rule, value))

    @property
    def failed(self) -> list[str]:
        """Columns already in error: the model's own check leaves them out rather than report them twice."""
        return [e.column for e in self.errors]

    def done(self) -> None:
        if self.errors:
            raise RowErrors(self.errors)


class FileError(Exception):
    """The file as a whole cannot be read (encoding, size, header)."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    rule: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        value = f" (value {self.value!r})" if self.value else ""
        return f"{where}, column {self.column}{value}: {self.rule}"


@dataclass
class ImportReport:
    kind: str
    sha256: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    committed: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "sha256": self.sha256,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "committed": self.committed,
            "dry_run": self.dry_run,
            "problems": [p.__dict__ for p in self.problems],
        }


class ImportKind(Protocol, Generic[T]):
    @property
    def name(self) -> str: ...

    @property
    def columns(self) -> Sequence[str]: ...

    def parse(self, row: dict[str, str], line: int) -> T: ...

    def check_together(self, parsed: list[tuple[int, T]]) -> list[Problem]: ...

    def write(self, parsed: list[T]) -> tuple[int, int, int]:
        """Write rows; return (created, updated, unchanged). May raise RowError with `line` set."""
        ...


class Progress(Protocol):
    def start(self, total: int, message: str = "") -> None: ...

    def advance(self, n: int, message: str | None = None) -> None: ...


# Excel stores a date as days since 30 December 1899 (its 1900 date system, leap-year bug included).
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIAL_RE = re.compile(r"^\d{1,7}(\.0+)?$")
UK_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
DATE_RULE = "expected a date as YYYY-MM-DD, DD/MM/YYYY or an Excel date number"


def parse_date(text: str, column: str) -> date:
    """A date written as ISO 8601, as a UK spreadsheet shows it (DD/MM/YYYY), or as an Excel serial number."""
    try:
        if match := ISO_DATE_RE.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := UK_DATE_RE.match(text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if EXCEL_SERIAL_RE.match(text):
            serial = int(float(text))
            # 1 = 1 January 1900 ... 2958465 = 31 December 9999; days before 1 March 1900 are ambiguous.
            if not 61 <= serial <= 2_958_465:
                raise RowError(column, "an Excel date number between 61 (1 March 1900) and 2958465", text)
            return EXCEL_EPOCH + timedelta(days=serial)
    except ValueError as exc:
        raise RowError(column, f"not a real date ({exc})", text) from exc
    raise RowError(column, DATE_RULE, text)


def parse_optional_date(text: str, column: str) -> date | None:
    return parse_date(text, column) if text else None


def read_rows(
    data: bytes, *, columns: Sequence[str], max_bytes: int = MAX_BYTES
) -> list[tuple[int, dict[str, str]]]:
    """Decode and split a CSV file: UTF-8 (with or without a byte-order mark), any line endings, quoted
    fields, blank lines skipped, surrounding whitespace trimmed. Returns (spreadsheet row number, row)."""
    return [
        (line, dict(zip(columns, values, strict=True)))
        for line, values in iter_values(data, columns=columns, max_bytes=max_bytes)
    ]


def decode(data: bytes, *, max_bytes: int = MAX_BYTES) -> str:
    """The file's text, or FileError when it is too big, empty, not UTF-8 or not text."""
    if len(data) > max_bytes:
        raise FileError(
            f"The file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB. Split it into smaller files."
        )
    if not data.strip():
        raise FileError("The file is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError(
            f"The file is not UTF-8 text (byte {exc.start} cannot be read). Save it as 'CSV UTF-8' and upload it again."
        ) from exc
    if "\x00" in text:
        raise FileError("The file contains NUL bytes: it is not a CSV text file.")
    return text


def iter_values(
    data: bytes, *, columns: Sequence[str], max_bytes: int = MAX_BYTES
) -> Iterator[tuple[int, list[str]]]:
    """Like read_rows, one row at a time, each as a list of values in the order of `columns`.

    The file is decoded and its header checked before the first row is yielded, so FileError for those
    comes from the first `next()`; a row with the wrong number of fields raises FileError when reached.
    """
    reader = csv.reader(io.StringIO(decode(data, max_bytes=max_bytes), newline=""))
    try:
        yield from _values(reader, columns)
    except csv.Error as exc:
        raise FileError(f"Line {reader.line_num} cannot be read as CSV ({exc}).") from exc


def _values(reader: Any, columns: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    header: list[str] | None = None
    order: list[int] | None = None
    width = 0
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if header is None:
            header = [v.strip().lower() for v in values]
            _check_header(header, columns)
            width = len(header)
            order = None if header == list(columns) else [header.index(c) for c in columns]
            continue
        if len(values) != width:
            raise FileError(f"Row {reader.line_num} has {len(values)} fields; the header has {width}.")
        cleaned = [v.strip() for v in values]
        yield reader.line_num, cleaned if order is None else [cleaned[i] for i in order]
    if header is None:
        raise FileError("The file is empty.")


def _check_header(header: list[str], columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in header]
    unknown = [h for h in header if h not in columns]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    parts = []
    if missing:
        parts.append(f"missing column(s) {', '.join(missing)}")
    if unknown:
        parts.append(f"unknown column(s) {', '.join(unknown)}")
    if duplicated:
        parts.append(f"repeated column(s) {', '.join(duplicated)}")
    if parts:
        raise FileError(f"The header is wrong: {'; '.join(parts)}. Expected: {','.join(columns)}.")


def run_import(
    kind: ImportKind[Any],
    data: bytes,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    on_written: Callable[[ImportReport], None] | None = None,
    max_bytes: int = MAX_BYTES,
) -> ImportReport:
    """Validate every row; if all are good and this is not a dry run, write them in one transaction.

    `progress` hears of every PROGRESS_EVERY rows checked. `on_written` runs inside the transaction after
    the rows are written, so whatever it records (a batch marked committed) commits with them or not at all.
    A kind may parse a row from its list of values (`parse_values`) rather than a dict, to go faster, or
    check and write the whole file column by column (`run_in_bulk`, see columnar.py), handing the file
    back to this path by raising columnar.NotColumnar before writing anything.
    """
    report = ImportReport(kind=kind.name, sha256=hashlib.sha256(data).hexdigest(), dry_run=dry_run)
    in_bulk = getattr(kind, "run_in_bulk", None)
    if in_bulk is not None:
        from .columnar import NotColumnar

        try:
            return in_bulk(
                data,
                report=report,
                dry_run=dry_run,
                progress=progress,
                on_written=on_written,
                max_bytes=max_bytes,
            )
        except NotColumnar:
            report = ImportReport(kind=kind.name, sha256=report.sha256, dry_run=dry_run)
    parse_values = getattr(kind, "parse_values", None)
    columns = list(kind.columns)
    longest = settings.IMPORT_MAX_FIELD_CHARS
    parsed: list[tuple[int, Any]] = []
    if progress:
        progress.start(data.count(b"\n") or 1, "Checking rows")
    try:
        for line, values in iter_values(data, columns=columns, max_bytes=max_bytes):
            report.rows += 1
            try:
                if any(len(v) > longest for v in values):
                    _too_long(columns, values, longest)
                if any(map(looks_like_formula, values)):
                    _refuse_formulas(columns, values)
                item = (
                    parse_values(values, line)
                    if parse_values
                    else kind.parse(dict(zip(columns, values, strict=True)), line)
                )
                parsed.append((line, item))
            except RowError as exc:
                report.problems.append(Problem(row=line, column=exc.column, value=exc.value, rule=exc.rule))
            except RowErrors as exc:
                # Every problem of the row, in the order of the file's columns.
                report.problems.extend(
                    Problem(row=line, column=e.column, value=e.value, rule=e.rule)
                    for e in sorted(exc.errors, key=lambda e: _position(columns, e.column))
                )
            if progress and report.rows % PROGRESS_EVERY == 0:
                progress.advance(PROGRESS_EVERY)
    except FileError as exc:
        report.problems = [Problem(row=0, column="(file)", value="", rule=str(exc))]
        return report
    if progress:
        progress.start(report.rows, "Checking the rows against each other")
        progress.advance(report.rows % PROGRESS_EVERY)
    if not report.problems:
        report.problems.extend(kind.check_together(parsed))
    if report.problems or dry_run:
        return report
    rows = [p for _, p in parsed]
    del parsed
    if progress:
        progress.advance(0, f"Writing {len(rows):,} rows")
    try:
        with transaction.atomic():
            report.created, report.updated, report.unchanged = kind.write(rows)
            report.committed = True
            if on_written:
                on_written(report)
    except RowError as exc:
        report.created = report.updated = report.unchanged = 0
        report.committed = False
        report.problems.append(Problem(row=exc.line, column=exc.column, value=exc.value, rule=exc.rule))
    return report


def _too_long(columns: Sequence[str], values: Sequence[str], longest: int) -> None:
    raise RowErrors(
        [
            RowError(
                column,
                f"is {len(value):,} characters long; a cell holds at most {longest:,}",
                value[:40] + "...",
            )
            for column, value in zip(columns, values, strict=True)
            if len(value) > longest
        ]
    )


def _position(columns: Sequence[str], column: str) -> int:
    return columns.index(column) if column in columns else len(columns)


def _refuse_formulas(columns: Sequence[str], values: Sequence[str]) -> None:
    errors = [
        RowError(column, "starts like a spreadsheet formula (= + - @): remove the formula", value)
        for column, value in zip(columns, values, strict=True)
        if looks_like_formula(value)
    ]
    if errors:
        raise RowErrors(errors)


def duplicates(parsed: Iterable[tuple[int, Any]], key: Any, column: str) -> list[Problem]:
    """Problems for rows whose natural key repeats an earlier row of the same file."""
    seen: dict[Any, int] = {}
    problems = []
    for line, item in parsed:
        k = key(item)
        if k in seen:
            problems.append(
                Problem(
                    row=line,
                    column=column,
                    value=str(k[-1]) if isinstance(k, tuple) else str(k),
                    rule=f"repeats row {seen[k]}: each row must be unique",
                )
            )
        else:
            seen[k] = line
    return problems
