"""Statistical disclosure control: the one function every published table passes through (design section 6).

`publish` takes a table of raw figures and returns what may leave case work:

- counts of 1 to 9 become "[c]"; other counts are rounded to the nearest 5 (0 stays 0);
- secondary suppression: with totals published, no suppressed cell may be derivable from them. Each row
  (with a total column) and each column (with a total row) is a linear constraint on its cells. With
  the suppressed cells as edges between the lines they sit on, a suppressed cell is derivable exactly
  when it is a bridge of that graph (it lies on no cycle), so further cells are suppressed, smallest
  first, until no line holds exactly one suppressed cell and no suppressed cell is a bridge;
- rates, means and amounts are shown only where their group has n >= 10, and only where the cells they
  are computed from are published (a rate beside a published denominator would otherwise reveal a
  suppressed numerator).

Rounding is applied cell by cell to the raw figures, so published totals need not equal the sum of the
published cells. Pure: pandas only, no Django.

Across tables: the same table is published for each ward alone and for the wards combined (ward x total),
and the combined cell is the sum of the wards' cells. A cell hidden in just one of them would be the
difference of the others, so `complementary` hides it in a second one too; a table is published `jointly`
with the cells so forced, which then pass the within-table rules above like any other hidden cell.

Across periods: a table over several years (`by_period`) is not published from its own raw figures but as
the sum of the same table published for each single year: each count is the sum of the years' published
counts, and "[c]" where any year shows "[c]". Every multi-year figure is then a function of single-year
published figures, so differencing year ranges (2010-2012 less 2010-2011) gives back only a published
single-year figure, or nothing, and never narrows a hidden one.
"""

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .frames import dtypes_of, frame

T = TypeVar("T")

SUPPRESSED = "[c]"
THRESHOLD = 10
BASE = 5

# The graph node for cells whose other side has no published total: it constrains nothing.
_FREE = ("free",)


@dataclass(frozen=True)
class Rate:
    """A column shown only where `denominator` (its group size) is at least the threshold.

    `numerator`, when the rate is derived from a published count column, is suppressed with it.
    """

    denominator: str
    numerator: str | None = None


Cell = tuple[Hashable, str]


@dataclass
class Joint:
    """One table of a family published jointly: the cells to hide besides its own rules, by the order of its
    `publish` calls (a panel may publish several tables), and what each call hid, for `complementary`."""

    forced: Mapping[int, set[Cell]] = field(default_factory=dict)
    calls: list[tuple[dict[Cell, float], set[Cell]]] = field(default_factory=list)
    tables: list[Any] = field(default_factory=list)  # what each call published (tables, or `as_cells`)


_JOINT: ContextVar[Joint | None] = ContextVar("disclosure_joint", default=None)


@contextmanager
def jointly(forced: Mapping[int, set[Cell]] | None = None) -> Iterator[Joint]:
    """Publish the tables built inside this block as one member of a family (see `complementary`)."""
    joint = Joint(forced or {})
    token = _JOINT.set(joint)
    try:
        yield joint
    finally:
        _JOINT.reset(token)


# A published table's cells by column, then by row label: what `by_period` sums a year's table from, and
# so what the dashboards keep of a single year (a few dicts pickle in a small part of the time a table
# takes). `cells_of` gives every column of a table; `publish` under `as_cells` its count columns alone,
# all that `by_period` reads.
Cells = dict[Hashable, dict[Hashable, Any]]


def cells_of(table: pd.DataFrame) -> Cells:
    """A published table's cells, by column and row label (its labels are unique: see `publish`)."""
    return table.to_dict(orient="dict")


@dataclass
class Periods:
    """A multi-year table's single years as published (`cells_of` each), each year's tables in the order
    of its `publish` calls; `calls` counts the multi-year table's own calls so far."""

    years: Sequence[Sequence[Cells]]
    calls: int = 0

    def next(self) -> list[Cells]:
        k, self.calls = self.calls, self.calls + 1
        return [tables[k] for tables in self.years if k < len(tables)]


_PERIODS: ContextVar[Periods | None] = ContextVar("disclosure_periods", default=None)


@contextmanager
def by_period(years: Sequence[Sequence[Cells]]) -> Iterator[Periods]:
    """Publish the tables built inside this block as sums of `years`, each year's published tables (the
    same builder run for that year alone, in the same order of `publish` calls), as `cells_of` gives them."""
    periods = Periods(years)
    token = _PERIODS.set(periods)
    try:
        yield periods
    finally:
        _PERIODS.reset(token)


_CELLS: ContextVar[bool] = ContextVar("disclosure_cells", default=False)


@contextmanager
def as_cells() -> Iterator[None]:
    """Within this block `publish` gives, and records for `jointly`, each table's published count cells
    (`Cells` of its count columns: all that `by_period` reads of a single year) instead of the table, which
    it does not make. For builders that return `publish`'s table as it is (a dashboard's single years)."""
    token = _CELLS.set(True)
    try:
        yield
    finally:
        _CELLS.reset(token)


_SAME: ContextVar[dict[Hashable, tuple[dict[Cell, float], set[Cell], Any]] | None] = ContextVar(
    "disclosure_same", default=None
)


@contextmanager
def remembered() -> Iterator[None]:
    """Within this block a table of zeros (`_content`) that `publish` has already published, under the same
    rules and with the same cells forced, is published once: its table is given again (callers must not
    change a published table). A dashboard over a score of years publishes the same tables of zeros for
    every year with no records, for each ward of its family."""
    if _SAME.get() is not None:
        yield
        return
    token = _SAME.set({})
    try:
        yield
    finally:
        _SAME.reset(token)


def _content(table: pd.DataFrame, array: np.ndarray, dtypes: list[Any]) -> Hashable | None:
    """What `publish` reads of a table of zeros (and missing values: a rate over no one), as a key: its
    labels, their kinds, its columns' kinds (`dtypes`) and where its values (`array`, of plain numbers) are
    missing. None (not remembered) for any other table: tables of figures seldom repeat, and a key of their
    values would cost a third of publishing them."""
    if not array.any():  # zeros alone (a missing value would count as not zero)
        missing = np.zeros(array.shape, dtype=bool)
    elif array.dtype.kind != "f":
        return None
    else:
        missing = np.isnan(array)
        if not missing.any() or np.any(array[~missing]):
            return None
    return (
        tuple(table.columns.tolist()),
        str(table.columns.dtype),
        tuple(table.index.tolist()),
        str(table.index.dtype),
        table.index.name,
        tuple(map(str, dtypes)),
        missing.tobytes(),
    )


def complementary(
    members: Mapping[str, list[tuple[dict[Cell, float], set[Cell]]]],
) -> dict[str, dict[int, set[Cell]]]:
    """Cells to hide further so that no cell is hidden in exactly one member of a ward x total family.

    `members` maps each member (each ward alone, and the wards combined) to its `Joint.calls`. Where a cell
    is hidden in one member and published in all the others, it equals their difference: it is hidden in
    the member that publishes it with the smallest non-zero value as well (a ward before the total). A
    member whose table has no such row shows no figure to hide there. Empty when the family is protected.
    """
    extra: dict[str, dict[int, set[Cell]]] = {name: {} for name in members}
    calls = min((len(c) for c in members.values()), default=0)
    for k in range(calls):
        cells = set().union(*(members[name][k][0] for name in members))
        for cell in sorted(cells, key=repr):
            hidden = [name for name in members if cell in members[name][k][1]]
            if len(hidden) != 1:
                continue
            shown = [name for name in members if name not in hidden and cell in members[name][k][0]]
            if not shown:
                continue

            def cost(name: str, cell: Cell = cell, k: int = k) -> tuple[int, float]:
                value = members[name][k][0][cell]
                return (int(name == COMBINED_MEMBER), value if value > 0 else float("inf"))

            extra[min(shown, key=cost)].setdefault(k, set()).add(cell)
    return {name: forced for name, forced in extra.items() if forced}


# The member of a family that holds the wards combined (a ward is named by its GSS code).
COMBINED_MEMBER = "combined"
# Each round hides at least one more cell; a family settles in two or three.
MAX_ROUNDS = 20


def publish_family(
    build: Callable[[str], T],
    members: Sequence[str],
    tables: dict[str, list[pd.DataFrame]] | None = None,
) -> dict[str, T]:
    """`build(member)` for every member of a ward x total family (each ward, and COMBINED_MEMBER), each
    published `jointly` with the cells `complementary` forces, round after round until none is left.
    `tables`, if given, receives each member's published tables (for `by_period`)."""
    forced: dict[str, dict[int, set[Cell]]] = {name: {} for name in members}
    built: dict[str, T] = {}
    calls: dict[str, list[tuple[dict[Cell, float], set[Cell]]]] = {}
    # A member is built again only when its forced cells have grown: built from the same forced cells, it
    # would publish the same tables.
    stale = set(members)
    for _ in range(MAX_ROUNDS):
        for name in members:
            if name not in stale:
                continue
            with jointly(forced[name]) as joint:
                built[name] = build(name)
            calls[name] = joint.calls
            if tables is not None:
                tables[name] = joint.tables
        extra = complementary(calls)
        stale = set()
        for name, by_call in extra.items():
            for k, cells in by_call.items():
                before = len(forced[name].get(k, ()))
                forced[name].setdefault(k, set()).update(cells)
                if len(forced[name][k]) > before:
                    stale.add(name)
        if not stale:
            break
    return built


def round_count(value: float) -> int | str:
    """One count as published: '[c]' for 1-9, otherwise rounded to the nearest 5 (halves up)."""
    n = round(float(value))
    if 0 < n < THRESHOLD:
        return SUPPRESSED
    return BASE * ((n + BASE // 2) // BASE)


def publish(
    table: pd.DataFrame,
    *,
    counts: Sequence[str] = (),
    rates: Mapping[str, str | Rate] | None = None,
    total_row: Hashable | None = None,
    total_column: str | None = None,
) -> pd.DataFrame:
    """The publishable version of `table`: see the module docstring for the rules.

    `counts` name the count columns (the total column among them, if any); `total_row` is the index label
    of the row holding column totals; `rates` maps each rate, mean or amount column to its group-size
    column (or a `Rate`). Other columns (labels, years) pass through unchanged.
    """
    rate_of = {name: spec if isinstance(spec, Rate) else Rate(spec) for name, spec in (rates or {}).items()}
    names, rows = _Labels(table.columns), _Labels(table.index)
    missing = [c for c in [*counts, *rate_of, *(r.denominator for r in rate_of.values())] if c not in names]
    if total_column is not None and total_column not in counts:
        missing.append(f"{total_column} (the total column must be one of the counts)")
    if missing:
        raise ValueError(f"publish: no column {', '.join(map(str, missing))} in the table")
    if total_row is not None and total_row not in rows:
        raise ValueError(f"publish: no total row {total_row!r} in the table")
    if not rows.unique:
        raise ValueError("publish: the table's index labels must be unique")

    periods = _PERIODS.get()
    if periods is not None:
        return _summed(table, periods.next(), counts=counts, rates=rate_of)

    joint = _JOINT.get()
    forced = frozenset(joint.forced.get(len(joint.calls), ())) if joint is not None else frozenset()
    # Where every column holds plain numbers (NumPy's), the table's values as one array of their common
    # type, read once.
    dtypes = dtypes_of(table)
    plain = all(isinstance(dtype, np.dtype) and dtype.kind in "iubf" for dtype in dtypes)
    array = table.to_numpy() if plain else None
    same, key = _SAME.get(), None
    if same is not None and array is not None:
        content = _content(table, array, dtypes)
        if content is not None:
            rules = (tuple(counts), tuple(rate_of.items()), total_row, total_column)
            key = (content, rules, forced, _CELLS.get())
            if key in same:
                values, suppressed, out = same[key]
                if joint is not None:
                    joint.calls.append((values, suppressed))
                    joint.tables.append(out)
                return out
    # Column by column (not through DataFrame.apply, which costs more than the rest of a small table).
    numbers = _numbers(table, [*counts, *(r.denominator for r in rate_of.values())], array)
    values = {
        (row, col): float(v)
        for col in counts
        for row, v in zip(
            rows.labels, _counts_of(table[col] if numbers is None else numbers[col]), strict=True
        )
    }
    suppressed = {cell for cell, v in values.items() if 0 < round(v) < THRESHOLD}
    suppressed |= {cell for cell in forced if cell in values}
    if suppressed and (total_row is not None or total_column is not None):  # none hidden: none to protect
        suppressed = _secondary(values, suppressed, total_row=total_row, total_column=total_column)
    if joint is not None:
        joint.calls.append((values, suppressed))

    published: dict[Hashable, list[Any]] = {
        col: [
            SUPPRESSED if (row, col) in suppressed else round_count(values[row, col]) for row in rows.labels
        ]
        for col in counts
    }
    if _CELLS.get():
        cells: Any = {col: dict(zip(rows.labels, published[col], strict=True)) for col in counts}
        if joint is not None:
            joint.tables.append(cells)
        if key is not None and same is not None:
            same[key] = (values, suppressed, cells)
        return cells  # the cells, not the table (`as_cells`)
    for col, rate in rate_of.items():
        sources = [c for c in (rate.denominator, rate.numerator) if c is not None and c in counts]
        groups = (
            pd.to_numeric(table[rate.denominator], errors="coerce").tolist()
            if numbers is None
            else numbers[rate.denominator].tolist()
        )
        shown = []
        for row, n, value in zip(rows.labels, groups, table[col].tolist(), strict=True):
            hidden = pd.isna(n) or n < THRESHOLD or any((row, c) in suppressed for c in sources)
            shown.append(SUPPRESSED if hidden else value)
        published[col] = shown
    out = _replaced(table, published)
    if joint is not None:
        joint.tables.append(out)
    if key is not None and same is not None:
        same[key] = (values, suppressed, out)
    return out


class _Labels:
    """An index's labels as a list, and lookups in it. Where every label is text (the usual case) a label
    is looked up in a Python set, as the index would find it; the index's own lookup builds a hash table
    for each new table, which costs more than the rest of publishing a small one."""

    def __init__(self, index: pd.Index) -> None:
        self.index = index
        self.labels: list[Any] = index.tolist()
        self.text = set(self.labels) if all(type(label) is str for label in self.labels) else None

    def __contains__(self, label: object) -> bool:
        return label in self.index if self.text is None else label in self.text

    @property
    def unique(self) -> bool:
        return self.index.is_unique if self.text is None else len(self.text) == len(self.labels)


def _replaced(table: pd.DataFrame, columns: Mapping[Hashable, list[Any]]) -> pd.DataFrame:
    """A copy of `table` with `columns` in place of its own of the same names, each column typed from its
    values as setting it would (`frames.frame`: made at once, not as a copy with one column set at a time,
    which costs more than the rest of publishing a small table)."""
    names = table.columns.tolist()
    # By position, so that a label two columns share passes through for each.
    data: dict[Hashable, Any] = {
        i: columns[name] if name in columns else table.iloc[:, i] for i, name in enumerate(names)
    }
    return frame(data, table.index, labels=table.columns)


def _numbers(
    table: pd.DataFrame, names: Sequence[Hashable], array: np.ndarray | None
) -> dict[Hashable, np.ndarray] | None:
    """The columns `names` as read from the table's `array`, where every column of the table holds plain
    numbers (NumPy's: the array is then of their common type, which changes no count's value as a float,
    nor any group size's as compared with the threshold); None where one does not (no array), or the
    labels are not unique, or only one column is wanted (it is read faster alone)."""
    if array is None or len(set(names)) < 2 or not table.columns.is_unique:
        return None
    position = {name: i for i, name in enumerate(table.columns.tolist())}
    return {name: array[:, position[name]] for name in names}


def _counts_of(column: pd.Series | np.ndarray) -> list[Any]:
    """A count column's values as numbers, missing ones 0 (`pd.to_numeric(column).fillna(0)`, read straight
    from the array where the column is already numeric: this runs for every column of every table)."""
    values = column if isinstance(column, np.ndarray) else column.to_numpy()
    if values.dtype.kind in "iub":
        return values.tolist()
    if values.dtype.kind == "f":
        return np.where(np.isnan(values), 0.0, values).tolist()
    return pd.to_numeric(column).fillna(0).tolist()


def _summed(
    table: pd.DataFrame, by_year: Sequence[Cells], *, counts: Sequence[str], rates: Mapping[str, Rate]
) -> pd.DataFrame:
    """`table` over several years as the sum of its single years as published (`by_year`, each year's
    `cells_of`; see the module docstring): a row a year's table lacks counted 0 there, "[c]" where any year
    shows it. A rate is shown only where its group has n >= 10 and no count of its row is hidden."""
    published: dict[Hashable, list[Any]] = {}
    hidden: set[Hashable] = set()
    for col in counts:
        shown: list[int | str] = []
        for row in table.index:
            parts = [year[col][row] for year in by_year if col in year and row in year[col]]
            if any(part == SUPPRESSED for part in parts):
                hidden.add(row)
                shown.append(SUPPRESSED)
            else:
                shown.append(int(sum(float(part) for part in parts if not pd.isna(part))))
        published[col] = shown
    for col, rate in rates.items():
        groups = pd.to_numeric(table[rate.denominator], errors="coerce").tolist()
        published[col] = [
            SUPPRESSED if pd.isna(n) or n < THRESHOLD or row in hidden else value
            for row, n, value in zip(table.index, groups, table[col].tolist(), strict=True)
        ]
    return _replaced(table, published)


def _lines(
    cells: Iterable[tuple[Hashable, str]], *, total_row: Hashable | None, total_column: str | None
) -> dict[tuple[Hashable, str], tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """For each cell, the two lines (constraints) it sits on, or the free node where there is none."""
    return {
        (r, c): (
            ("row", r) if total_column is not None else _FREE,
            ("col", c) if total_row is not None else _FREE,
        )
        for r, c in cells
    }


def _secondary(
    values: Mapping[tuple[Hashable, str], float],
    suppressed: set[tuple[Hashable, str]],
    *,
    total_row: Hashable | None,
    total_column: str | None,
) -> set[tuple[Hashable, str]]:
    suppressed = set(suppressed)
    ends = _lines(values, total_row=total_row, total_column=total_column)
    # The cells on each line, in the order of `ends` (so the first of equal cost is the same).
    on_line: dict[tuple[Any, ...], list[tuple[Hashable, str]]] = {}
    for cell, (a, b) in ends.items():
        on_line.setdefault(a, []).append(cell)
        if b != a:
            on_line.setdefault(b, []).append(cell)

    def cost(cell: tuple[Hashable, str]) -> tuple[int, float]:
        # Prefer a small non-zero body cell: suppressing a zero protects little, a total costs most.
        value = values[cell]
        is_total = cell[0] == total_row or cell[1] == total_column
        return (int(is_total), value if value > 0 else float("inf"))

    while True:
        by_line: dict[tuple[Any, ...], list[tuple[Hashable, str]]] = {}
        for cell in suppressed:
            for node in ends[cell]:
                if node != _FREE:
                    by_line.setdefault(node, []).append(cell)
        lone = [node for node, cells in by_line.items() if len(cells) == 1]
        if len(lone) > 1:
            lone.sort(key=repr)
        extra = None
        for node in lone:
            candidates = [c for c in on_line[node] if c not in suppressed]
            if candidates:
                extra = min(candidates, key=cost)
                break
        for bridge in [] if extra is not None else _bridges(suppressed, ends):
            near, far = _sides(suppressed - {bridge}, ends, ends[bridge])
            candidates = [
                c
                for c, (a, b) in ends.items()
                if c not in suppressed and ((a in near and b in far) or (a in far and b in near))
            ]
            if candidates:
                extra = min(candidates, key=cost)
                break
        if extra is None:  # protected, or only lines of a single cell remain, which no total constrains
            return suppressed
        suppressed.add(extra)


def _component(
    start: tuple[Any, ...], cells: set[tuple[Hashable, str]], ends: Mapping[Any, tuple[Any, Any]]
) -> set[tuple[Any, ...]]:
    adjacency: dict[tuple[Any, ...], set[tuple[Any, ...]]] = {}
    for cell in cells:
        a, b = ends[cell]
        adjacency.setdefault(a, set()).add(b)
        adjacency.setdefault(b, set()).add(a)
    seen, stack = {start}, [start]
    while stack:
        for nxt in adjacency.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _bridges(
    suppressed: set[tuple[Hashable, str]], ends: Mapping[Any, tuple[Any, Any]]
) -> list[tuple[Hashable, str]]:
    """Suppressed cells on no cycle of the line graph: their values follow from the published ones.

    One depth-first search (Tarjan's): a cell the search crosses to a line is a bridge when nothing
    reached from that line leads back above it but the cell itself. A cell is told from another joining
    the same two lines by identity, so two such cells are a cycle; a cell with both ends on one line is
    never crossed, and is no bridge."""
    adjacency: dict[Any, list[tuple[Any, tuple[Hashable, str]]]] = {}
    for cell in suppressed:
        a, b = ends[cell]
        adjacency.setdefault(a, []).append((b, cell))
        adjacency.setdefault(b, []).append((a, cell))
    order: dict[Any, int] = {}
    low: dict[Any, int] = {}
    found = []
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[Any, tuple[Hashable, str] | None, Iterator[tuple[Any, tuple[Hashable, str]]]]] = [
            (root, None, iter(adjacency[root]))
        ]
        while stack:
            node, via, edges = stack[-1]
            for nxt, cell in edges:
                if cell is via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = len(order)
                    stack.append((nxt, cell, iter(adjacency[nxt])))
                    break
            else:
                stack.pop()
                if via is not None:  # not the root: the search came to `node` by the cell `via`
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.append(via)
    return sorted(found, key=repr)


def _sides(
    cells: set[tuple[Hashable, str]], ends: Mapping[Any, tuple[Any, Any]], bridge_ends: tuple[Any, Any]
) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    a, b = bridge_ends
    return _component(a, cells, ends), _component(b, cells, ends)


def suppressed_cells(table: pd.DataFrame, columns: Iterable[str]) -> set[tuple[Hashable, str]]:
    """Where a published table shows '[c]' among `columns`."""
    return {
        (row, col)
        for col in columns
        for row, v in zip(table.index, table[col].tolist(), strict=True)
        if v == SUPPRESSED
    }


def numeric(values: Iterable[Any]) -> list[float | None]:
    """Published values as numbers for charts: suppressed cells become None (a gap)."""
    return [None if v == SUPPRESSED or v is None or pd.isna(v) else float(v) for v in values]
