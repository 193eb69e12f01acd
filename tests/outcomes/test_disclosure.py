"""Publishing rules (design section 6): what `publish` lets out of any table, checked over generated tables."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.disclosure import (
    SUPPRESSED,
    Rate,
    as_cells,
    cells_of,
    jointly,
    publish,
    remembered,
    round_count,
)

TOTAL = "Total"


@st.composite
def tables(draw: st.DrawFn) -> tuple[pd.DataFrame, list[str], bool, bool]:
    """A body of counts (many of them small) with a total row, a total column, both or neither."""
    n_rows = draw(st.integers(1, 6))
    n_cols = draw(st.integers(1, 5))
    cell = st.one_of(st.integers(0, 12), st.integers(0, 400))
    body = np.array(draw(st.lists(cell, min_size=n_rows * n_cols, max_size=n_rows * n_cols))).reshape(
        n_rows, n_cols
    )
    columns = [f"c{j}" for j in range(n_cols)]
    frame = pd.DataFrame(body, columns=columns, index=[f"r{i}" for i in range(n_rows)])
    with_total_column, with_total_row = draw(st.booleans()), draw(st.booleans())
    counts = list(columns)
    if with_total_column:
        frame["total"] = frame[columns].sum(axis=1)
        counts.append("total")
    if with_total_row:
        frame.loc[TOTAL] = frame.sum(axis=0)
    return frame, counts, with_total_row, with_total_column


def _publish(frame: pd.DataFrame, counts: list[str], total_row: bool, total_column: bool) -> pd.DataFrame:
    return publish(
        frame,
        counts=counts,
        total_row=TOTAL if total_row else None,
        total_column="total" if total_column else None,
    )


def _derivable(
    frame: pd.DataFrame, published: pd.DataFrame, counts: list[str], total_row: bool, total_column: bool
):  # type: ignore[no-untyped-def]
    """Suppressed cells whose value follows from the published cells and the table's additive structure.

    Each row (given a total column) and each column (given a total row) is one linear equation; with the
    published cells known, a suppressed cell is derivable when its unit vector lies in the row space of
    the equations restricted to the suppressed cells.
    """
    unknown = [(r, c) for c in counts for r in frame.index if published.loc[r, c] == SUPPRESSED]
    index = {cell: k for k, cell in enumerate(unknown)}
    body_rows = [r for r in frame.index if r != TOTAL]
    body_cols = [c for c in counts if c != "total"]
    equations = []
    if total_column:
        for r in frame.index:
            equations.append({(r, c): 1.0 for c in body_cols} | {(r, "total"): -1.0})
    if total_row:
        for c in counts:
            equations.append({(r, c): 1.0 for r in body_rows} | {(TOTAL, c): -1.0})
    if not equations or not unknown:
        return []
    a = np.zeros((len(equations), len(unknown)))
    for i, eq in enumerate(equations):
        for cell, coef in eq.items():
            if cell in index:
                a[i, index[cell]] = coef
    rank = np.linalg.matrix_rank(a)
    derivable = []
    for cell, k in index.items():
        probe = np.zeros((1, len(unknown)))
        probe[0, k] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, probe])) == rank:
            derivable.append(cell)
    return derivable


@settings(max_examples=150, deadline=None)
@given(tables())
def test_no_published_count_is_between_one_and_nine(case) -> None:  # type: ignore[no-untyped-def]
    frame, counts, total_row, total_column = case
    published = _publish(frame, counts, total_row, total_column)
    for column in counts:
        for value in published[column]:
            assert value == SUPPRESSED or not 1 <= value <= 9


@settings(max_examples=150, deadline=None)
@given(tables())
def test_every_published_count_is_a_multiple_of_five_within_rounding(case) -> None:  # type: ignore[no-untyped-def]
    frame, counts, total_row, total_column = case
    published = _publish(frame, counts, total_row, total_column)
    for column in counts:
        for raw, value in zip(frame[column], published[column], strict=True):
            if value != SUPPRESSED:
                assert value % 5 == 0
                assert abs(value - raw) <= 2


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_suppressed_cell_can_be_recovered_from_totals(case) -> None:  # type: ignore[no-untyped-def]
    frame, counts, total_row, total_column = case
    published = _publish(frame, counts, total_row, total_column)
    # A line of a single cell (one body column and its total) is the same figure twice: no total hides it.
    body_cols = [c for c in counts if c != "total"]
    body_rows = [r for r in frame.index if r != TOTAL]
    if (total_column and len(body_cols) == 1) or (total_row and len(body_rows) == 1):
        return
    assert _derivable(frame, published, counts, total_row, total_column) == []


@settings(max_examples=100, deadline=None)
@given(tables())
def test_small_counts_are_always_suppressed(case) -> None:  # type: ignore[no-untyped-def]
    frame, counts, total_row, total_column = case
    published = _publish(frame, counts, total_row, total_column)
    for column in counts:
        for raw, value in zip(frame[column], published[column], strict=True):
            if 1 <= raw <= 9:
                assert value == SUPPRESSED


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=8),
)
def test_rates_are_shown_only_where_the_group_has_at_least_ten(rows) -> None:  # type: ignore[no-untyped-def]
    frame = pd.DataFrame(
        {"households": [max(n, k) for n, k in rows], "moves": [min(n, k) for n, k in rows]},
        index=[f"r{i}" for i in range(len(rows))],
    )
    frame["rate"] = frame["moves"] / frame["households"].replace(0, np.nan)
    published = publish(frame, counts=["households", "moves"], rates={"rate": Rate("households", "moves")})
    for (_, raw), value, moves in zip(frame.iterrows(), published["rate"], published["moves"], strict=True):
        if value != SUPPRESSED:
            assert raw["households"] >= 10
            assert moves != SUPPRESSED


def test_rounding_goes_to_the_nearest_five() -> None:
    assert [round_count(n) for n in (0, 1, 9, 10, 12, 13, 17, 18, 101)] == [
        0,
        "[c]",
        "[c]",
        10,
        10,
        15,
        15,
        20,
        100,
    ]


def test_one_small_cell_in_a_row_with_a_total_takes_a_second_cell_with_it() -> None:
    frame = pd.DataFrame(
        {"a": [3, 40], "b": [30, 50], "c": [60, 20], "total": [93, 110]},
        index=["Margate Central", "Cliftonville West"],
    )
    published = publish(frame, counts=["a", "b", "c", "total"], total_column="total")
    assert published.loc["Margate Central"].tolist() == ["[c]", "[c]", 60, 95]
    assert published.loc["Cliftonville West"].tolist() == [40, 50, 20, 110]


def test_columns_not_declared_pass_through_and_unknown_columns_are_refused() -> None:
    frame = pd.DataFrame({"year": ["2009", "2010"], "placements": [4, 31]})
    published = publish(frame, counts=["placements"])
    assert published["year"].tolist() == ["2009", "2010"]
    assert published["placements"].tolist() == ["[c]", 30]
    with pytest.raises(ValueError, match="no column"):
        publish(frame, counts=["households"])


@pytest.mark.parametrize(
    "labels",
    [["Kent", "Kent", "Total"], [2009, 2009, 99], [np.nan, np.nan, "Total"]],
    ids=["text", "number", "nan"],
)
def test_a_table_whose_row_labels_repeat_is_refused(labels: list[object]) -> None:
    frame = pd.DataFrame({"placements": [12, 15, 27]}, index=labels)
    with pytest.raises(ValueError, match="must be unique"):
        publish(frame, counts=["placements"])


@pytest.mark.parametrize("index", [["Kent", "Essex"], [2009, 2010]], ids=["text", "number"])
def test_a_total_row_not_in_the_table_is_refused(index: list[object]) -> None:
    frame = pd.DataFrame({"placements": [12, 15]}, index=index)
    with pytest.raises(ValueError, match="no total row"):
        publish(frame, counts=["placements"], total_row="Total")


def test_a_table_of_zeros_published_again_within_remembered_is_the_same_table_and_joint_sees_both() -> None:
    def zeros(dtype: str = "int64") -> pd.DataFrame:
        return pd.DataFrame(
            {"a": [0, 0, 0], "total": [0, 0, 0]},
            index=pd.Index(["x", "y", "Total"], dtype=object),
            dtype=dtype,
        )

    rules = {"counts": ["a", "total"], "total_row": "Total", "total_column": "total"}
    alone = publish(zeros(), **rules)
    with remembered(), jointly() as joint:
        first = publish(zeros(), **rules)
        again = publish(zeros(), **rules)
        # Not the same table: the kinds of its columns differ, so does what passes through.
        floats = publish(zeros("float64"), **rules)
        other_rules = publish(zeros(), counts=["a", "total"])
    assert again is first
    assert floats is not first
    assert other_rules is not first
    pd.testing.assert_frame_equal(first, alone)
    assert len(joint.calls) == len(joint.tables) == 4
    assert joint.tables[1] is first
    assert joint.calls[1] == joint.calls[0]
    # Cells forced for that call are hidden afresh, not taken from the table remembered.
    with remembered():
        publish(zeros(), **rules)
        with jointly({0: {("x", "a")}}) as forced:
            hidden = publish(zeros(), **rules)
    assert hidden.loc["x", "a"] == SUPPRESSED
    assert ("x", "a") in forced.calls[0][1]
    # Figures other than zeros are published afresh, and nothing is remembered outside the block.
    figures = pd.DataFrame({"a": [12, 3], "total": [15, 15]}, index=pd.Index(["x", "Total"], dtype=object))
    with remembered():
        assert publish(figures, **rules) is not publish(figures, **rules)
    assert publish(zeros(), **rules) is not publish(zeros(), **rules)
    # A rate over no one is missing: a table of zeros and missing rates is remembered by where they are.

    def with_rate(rate: list[float]) -> pd.DataFrame:
        return pd.DataFrame({"n": [0, 0], "rate": rate}, index=pd.Index(["x", "Total"], dtype=object))

    with remembered():
        nothing = publish(with_rate([np.nan, np.nan]), counts=["n"], rates={"rate": "n"})
        assert publish(with_rate([np.nan, np.nan]), counts=["n"], rates={"rate": "n"}) is nothing
        assert publish(with_rate([0.0, np.nan]), counts=["n"], rates={"rate": "n"}) is not nothing
        assert publish(with_rate([0.5, np.nan]), counts=["n"], rates={"rate": "n"}) is not nothing


def test_as_cells_gives_the_count_cells_of_the_table_publish_would_make() -> None:
    table = pd.DataFrame(
        {"a": [12, 3, 15], "b": [0, 20, 20], "total": [12, 23, 35], "rate": [0.5, 0.25, 0.4]},
        index=pd.Index(["x", "y", "Total"], dtype=object),
    )
    rules = {
        "counts": ["a", "b", "total"],
        "rates": {"rate": Rate("total", "a")},
        "total_row": "Total",
        "total_column": "total",
    }
    made = publish(table, **rules)
    with remembered(), jointly() as joint:
        with as_cells():
            cells = publish(table, **rules)
        again = publish(table.copy(), **rules)
    whole = cells_of(made)
    assert cells == {col: whole[col] for col in ("a", "b", "total")}
    assert cells["a"]["y"] == SUPPRESSED  # hidden as in the table, its row's other cell with it
    assert joint.tables[0] is cells
    assert joint.calls[0] == joint.calls[1]
    pd.testing.assert_frame_equal(again, made)  # outside the block, a table again
    # A table of zeros remembered as cells is not given for the table, nor the other way round.
    zeros = pd.DataFrame({"n": [0, 0]}, index=pd.Index(["x", "Total"], dtype=object))
    with remembered():
        with as_cells():
            zero_cells = publish(zeros, counts=["n"], total_row="Total")
        zero_table = publish(zeros, counts=["n"], total_row="Total")
    assert zero_cells == {"n": {"x": 0, "Total": 0}}
    assert isinstance(zero_table, pd.DataFrame)
