"""CSV imports: read, validate every row, then write all or nothing.

A kind of import declares its columns, parses one row at a time (raising RowError naming the column and
rule), and writes the parsed rows in one transaction. Nothing is written if any row is bad: the report
lists every bad row (row number as a spreadsheet shows it, column, value, rule).
"""

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from django.db import transaction

MAX_BYTES = 200 * 1024 * 1024

T = TypeVar("T")


class RowError(Exception):
    def __init__(self, column: str, rule: str, value: str = "") -> None:
        super().__init__(f"{column}: {rule}")
        self.column = column
        self.rule = rule
        self.value = value


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
    name: str
    columns: Sequence[str]

    def parse(self, row: dict[str, str], line: int) -> T: ...

    def check_together(self, parsed: list[tuple[int, T]]) -> list[Problem]: ...

    def write(self, parsed: list[T]) -> tuple[int, int, int]:
        """Write rows; return (created, updated, unchanged)."""
        ...


def read_rows(
    data: bytes, *, columns: Sequence[str], max_bytes: int = MAX_BYTES
) -> list[tuple[int, dict[str, str]]]:
    """Decode and split a CSV file: UTF-8 (with or without a byte-order mark), any line endings, quoted
    fields, blank lines skipped, surrounding whitespace trimmed. Returns (spreadsheet row number, row)."""
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
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        cleaned = [v.strip() for v in values]
        if header is None:
            header = [h.lower() for h in cleaned]
            _check_header(header, columns)
            continue
        if len(cleaned) != len(header):
            raise FileError(f"Row {line} has {len(cleaned)} fields; the header has {len(header)}.")
        rows.append((line, dict(zip(header, cleaned, strict=True))))
    if header is None:
        raise FileError("The file is empty.")
    return rows


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


def run_import(kind: ImportKind[Any], data: bytes, *, dry_run: bool = False) -> ImportReport:
    """Validate every row; if all are good and this is not a dry run, write them in one transaction."""
    report = ImportReport(kind=kind.name, sha256=hashlib.sha256(data).hexdigest(), dry_run=dry_run)
    try:
        rows = read_rows(data, columns=kind.columns)
    except FileError as exc:
        report.problems.append(Problem(row=0, column="(file)", value="", rule=str(exc)))
        return report
    report.rows = len(rows)
    parsed: list[tuple[int, Any]] = []
    for line, row in rows:
        try:
            parsed.append((line, kind.parse(row, line)))
        except RowError as exc:
            report.problems.append(Problem(row=line, column=exc.column, value=exc.value, rule=exc.rule))
    if not report.problems:
        report.problems.extend(kind.check_together(parsed))
    if report.problems or dry_run:
        return report
    with transaction.atomic():
        report.created, report.updated, report.unchanged = kind.write([p for _, p in parsed])
    report.committed = True
    return report


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
