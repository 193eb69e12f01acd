"""The array helpers the housing benefit spans are built with, against plain loops: no database."""

import numpy as np

from outcomes.datasets.housing_benefit import (
    _NO_DATE,
    _distinct,
    _expand,
    _held,
    _iso_months,
    _month_bounds,
)
from outcomes.datasets.query import iso_days


def test_held_matches_a_loop_over_the_spells_with_overlaps_empty_spells_and_open_ends() -> None:
    rng = np.random.default_rng(7)
    first, stop = 430, 550
    open_end = np.iinfo(np.int64).max // 4
    spell_property = rng.integers(1, 6, 60)
    start = rng.integers(first - 30, stop + 30, 60)
    end = np.where(rng.random(60) < 0.2, open_end, rng.integers(first - 30, stop + 30, 60))  # some end first
    start[:3] = open_end  # a condition with no start date never holds
    prop = rng.integers(0, 7, 500)
    month = rng.integers(first, stop, 500)

    held = _held(prop, month, (spell_property, start, end), first, stop)

    expected = [
        any(p == q and s <= m < e for q, s, e in zip(spell_property, start, end, strict=True))
        for p, m in zip(prop, month, strict=True)
    ]
    assert held.tolist() == expected


def test_distinct_and_expand() -> None:
    assert _distinct(np.array([5, 1, 5, 3, 1])).tolist() == [1, 3, 5]
    assert _distinct(np.array([], dtype=np.int64)).tolist() == []
    group, nth = _expand(np.array([2, 0, 3]))
    assert group.tolist() == [0, 0, 2, 2, 2]
    assert nth.tolist() == [0, 1, 0, 1, 2]


def test_iso_months_reads_the_digits_as_month_bounds_parses_the_dates() -> None:
    rng = np.random.default_rng(3)
    days = np.datetime64("1969-11-01") + rng.integers(0, 20_000, 400)
    days[:40] = days[:40].astype("datetime64[M]")  # first days of months
    text = [str(day) for day in days] + [None, None]
    floor, ceiling = _month_bounds(iso_days(tuple(text)))

    written = "".join(value or _NO_DATE for value in text).encode("ascii")
    got_floor, got_ceiling, order = _iso_months(np.frombuffer(written, dtype=np.uint8).reshape(-1, 10))

    assert got_floor.tolist() == floor.tolist()
    assert got_ceiling.tolist() == ceiling.tolist()
    assert order[:-2].tolist() == [int(value.replace("-", "")) for value in text[:-2]]
