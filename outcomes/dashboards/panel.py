"""What a dashboard panel is: a published table, a summary of it in one sentence and what its chart shows,
and the steps the panel builders share. Panels are data; the page draws them (outcomes/templates/outcomes/
_panel.html, the chart through `outcomes.charts`)."""

from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionDtype

from ..disclosure import SUPPRESSED, remembered
from ..tables import Column, display_rows
from .access import Filters

T = TypeVar("T")


@dataclass(frozen=True)
class LineChart:
    """Lines over years, drawn by `charts.line_chart`; None is a gap (a suppressed or missing value)."""

    title: str
    x: list[int]
    series: dict[str, Sequence[float | None]]
    ylabel: str
    mark_start: bool = True


@dataclass(frozen=True)
class BarChart:
    """Grouped or stacked bars, drawn by `charts.bar_chart`; None (suppressed) draws nothing."""

    title: str
    categories: list[str]
    series: dict[str, Sequence[float | None]]
    ylabel: str
    horizontal: bool = False
    stacked: bool = True


@dataclass(frozen=True)
class Panel:
    slug: str
    title: str
    summary: str  # also the chart's description
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]  # published values in column order
    chart: LineChart | BarChart
    notes: tuple[str, ...] = field(default_factory=tuple)

    def display_rows(self) -> list[list[str]]:
        return display_rows(self.columns, self.rows)


_MEMO: ContextVar[dict[Hashable, Any] | None] = ContextVar("dashboard_memo", default=None)


@contextmanager
def memo_scope() -> Iterator[None]:
    """Within this block (one computation of a dashboard's panels, or of the figures), `memoised` computes
    each key once: a panel is built many times over (for each single year, each ward of the family, each
    round of `disclosure.publish_family`) from the same raw tables, and only what is published differs;
    parts of the figures read the same rows (`facts.PARTS`)."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        with remembered():
            yield
    finally:
        _MEMO.reset(token)


def memoised(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or its value for the same `key` already computed in this `memo_scope`. The value is
    shared: callers must not change it."""
    memo = _MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def frame_key(frame: object) -> int:
    """A frame's identity for a `memoised` key. The frame is held for the rest of the `memo_scope`, so no
    other object can be given its id while the memo may still answer for it."""
    memo = _MEMO.get()
    if memo is not None:
        memo.setdefault(("frame", id(frame)), frame)
    return id(frame)


def text_index(labels: Sequence[Any], name: str | None = None) -> pd.Index:
    """An index of text labels for a panel's table, of Python strings (object dtype). pandas would infer
    its Arrow-backed string type for them, which costs more to make, look up and take from than the whole
    of a small table's other work: over a dashboard's few hundred tables, about a third of the panels' time.
    What is published is the same either way (the labels are the same strings)."""
    return pd.Index(labels, name=name, dtype=object)


def year_index(filters: Filters) -> pd.Index:
    return text_index([str(y) for y in filters.years], name="year")


def year_end(year: int) -> str:
    return f"{year}-12-31"


def in_period(frame: pd.DataFrame, filters: Filters, year_column: str = "year") -> pd.DataFrame:
    """The rows of the filters' wards and years (computed once per `memo_scope`: do not change them)."""
    key = ("in_period", frame_key(frame), year_column, filters.codes, filters.first_year, filters.last_year)
    return memoised(key, lambda: _in_period(frame, filters, year_column))


def _in_period(frame: pd.DataFrame, filters: Filters, year_column: str) -> pd.DataFrame:
    # The years as text (as `astype(str)` gives them) once per frame, compared as text; a missing one is
    # in no period.
    def as_text() -> tuple[np.ndarray, np.ndarray]:
        years = frame[year_column].astype(str).to_numpy(dtype=object, na_value=None)
        missing = np.array([y is None for y in years], dtype=bool)
        return np.array(["" if y is None else y for y in years], dtype=str), missing

    years, missing = memoised(("in_period-years", frame_key(frame), year_column), as_text)
    first, last = str(filters.first_year), str(filters.last_year)
    rows = ward_rows(frame, filters.codes) & ~missing & (years >= first) & (years <= last)
    return frame[rows]


def rows_of(table: pd.DataFrame, columns: tuple[Column, ...], *, index_key: str | None = None) -> tuple:
    """A published table's rows in column order, its index as the column `index_key`."""
    # Column by column, each value as `table.to_dict(orient="records")` gives it (Python numbers, also in
    # columns of objects), without building a dict per row.
    if not table.columns.is_unique:
        return _rows_of_records(table, columns, index_key=index_key)
    values = {c.key: _native(table[c.key]) for c in columns if c.key != index_key}
    labels = table.index.tolist()
    return tuple(
        tuple(label if c.key == index_key else values[c.key][i] for c in columns)
        for i, label in enumerate(labels)
    )


def _native(column: pd.Series) -> list[Any]:
    """A column's values as `to_dict` gives them: numbers in columns of objects as Python numbers."""
    values = column.tolist()
    if column.dtype == np.dtype(object) or isinstance(column.dtype, ExtensionDtype):
        return [_boxed(v) for v in values]
    return values


def _boxed(value: Any) -> Any:
    """A NumPy scalar as the Python value `to_dict` gives for it (a number, a bool, a Timestamp)."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, np.timedelta64):
        return pd.Timedelta(value)
    return value


def _rows_of_records(table: pd.DataFrame, columns: tuple[Column, ...], *, index_key: str | None) -> tuple:
    rows = []
    for label, row in zip(table.index, table.to_dict(orient="records"), strict=True):
        rows.append(tuple(label if c.key == index_key else row[c.key] for c in columns))
    return tuple(rows)


def shown(value: Any) -> float | None:
    """A published figure as a number, or None where it is suppressed or missing."""
    return None if value == SUPPRESSED or pd.isna(value) else float(value)


def last_shown(table: pd.DataFrame, column: str) -> tuple[str, Any] | None:
    """The last row's label and value where `column` is published."""
    for label, value in reversed(list(zip(table.index, table[column], strict=True))):
        if value != SUPPRESSED and not pd.isna(value):
            return str(label), value
    return None


def values_of(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A figures frame's column as an array of Python objects, None where missing (converted once per
    `memo_scope`: the figures' text columns are Arrow-backed, slow to filter and group a few rows at a
    time)."""
    return memoised(
        ("values_of", frame_key(frame), column), lambda: frame[column].to_numpy(dtype=object, na_value=None)
    )


def ward_rows(frame: pd.DataFrame, codes: tuple[str, ...]) -> np.ndarray:
    """Which rows of a figures frame are of the wards `codes` (as `frame["area"].isin(codes)`)."""

    def compute() -> np.ndarray:
        area = values_of(frame, "area")
        rows = np.zeros(len(area), dtype=bool)
        for code in codes:
            rows |= area == code
        return rows

    return memoised(("ward_rows", frame_key(frame), codes), compute)


def numbered(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A figures frame's column as whole numbers, one for each distinct value (in order of first appearance)
    and -1 where missing, numbered once per `memo_scope`: compared as the values are, at the cost of whole
    numbers."""
    return memoised(("numbered", frame_key(frame), column), lambda: pd.factorize(values_of(frame, column))[0])


def text_of(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """A figures frame's text column (ISO dates) as a numpy string array, "" where missing, and where it is
    missing: compared with a string as the column's text would be, a missing value never matching."""

    def compute() -> tuple[np.ndarray, np.ndarray]:
        values = values_of(frame, column)
        missing = np.equal(values, None)  # type: ignore[call-overload]  # element by element
        return np.where(missing, "", values).astype(str), missing

    return memoised(("text_of", frame_key(frame), column), compute)


def days_of(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """A figures frame's text column of ISO dates as whole numbers YYYYMMDD, read from the digits of each
    (0 where missing), and where it is missing, converted once per `memo_scope`: ordered and compared as
    the text is, at the cost of whole numbers."""

    def compute() -> tuple[np.ndarray, np.ndarray]:
        text, missing = text_of(frame, column)
        if not len(text) or text.dtype.itemsize < 40:  # no date of ten characters at all: none to read
            return np.zeros(len(text), dtype=np.int64), missing
        # Each character of a numpy string is a 4-byte code point: the digits of YYYY-MM-DD, by value.
        digits = text.view(np.uint32).reshape(len(text), -1)[:, [0, 1, 2, 3, 5, 6, 8, 9]].astype(np.int64)
        number = (digits - ord("0")) @ 10 ** np.arange(7, -1, -1, dtype=np.int64)
        return np.where(missing, 0, number), missing

    return memoised(("days_of", frame_key(frame), column), compute)


def years_of(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """A figures frame's text column of ISO dates as their years (0 where missing), and where it is
    missing: a day is on or before the last day of a year, or on or after its first, exactly when its year
    is."""
    number, missing = days_of(frame, column)
    return number // 10_000, missing
