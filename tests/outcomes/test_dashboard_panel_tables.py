"""The panels' tables made from counts and sums in Python are the tables pandas makes of the same rows (a
pivot table, a groupby, a filter): the same rows, values, types and labels, to the last bit. Their labels
are kept as Python strings (`panel.text_index`), where pandas would infer its Arrow-backed string type: the
same labels, compared as lists."""

import numpy as np
import pandas as pd
import pytest

from outcomes.analysis.transience import COLUMNS, transience_by_year, transience_counts
from outcomes.dashboards import benefits, casework, placements
from outcomes.dashboards.access import Filters
from outcomes.dashboards.panel import in_period, memo_scope, years_of

AREAS = ["A", "B", "C", "D", "E"]


def filters(codes: tuple[str, ...], first: int, last: int) -> Filters:
    return Filters(codes=codes, ward="combined", label="Wards", first_year=first, last_year=last)


def text(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="str")


def same_table(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The same values, column types and labels, to the last bit, whatever type holds the labels."""
    pd.testing.assert_frame_equal(
        got, expected, check_exact=True, check_index_type=False, check_column_type=False
    )
    assert got.index.tolist() == expected.index.tolist()
    assert got.columns.tolist() == expected.columns.tolist()
    assert (got.index.name, got.columns.name) == (expected.index.name, expected.columns.name)


@pytest.mark.parametrize("seed", range(40))
def test_benefit_sums_are_those_of_a_pivot_table(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 60))
    years, months = rng.integers(2006, 2010, n), rng.integers(1, 13, n)
    stats = pd.DataFrame(
        {
            "area": text(rng.choice([*AREAS, None], n).tolist()),
            "frequency": text(rng.choice(["month", "year", None], n, p=[0.6, 0.35, 0.05]).tolist()),
            "period": text(
                [
                    None if rng.random() < 0.03 else f"{y}-{m:02d}" if rng.random() < 0.6 else str(y)
                    for y, m in zip(years, months, strict=True)
                ]
            ),
            "measure": text(rng.choice([*benefits.MONTHLY, *benefits.YEARLY, "other", None], n).tolist()),
            # Values of very different sizes, some missing: the sums' rounding must be the same too.
            "value": np.where(
                rng.random(n) < 0.08, np.nan, rng.choice([1e-3, 1.0, 1e8, 3.3e15], n) * rng.random(n)
            ),
        }
    )
    for codes in [("A",), ("A", "B"), ("A", "B", "C", "D"), tuple(AREAS), ("X",)]:
        with memo_scope():
            same_table(benefits._yearly(stats, codes), benefits._yearly_frames(stats, codes))
            same_table(benefits._totals(stats, codes), benefits._totals_frames(stats, codes))


def random_rows(rng: np.random.Generator, n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area": text(rng.choice([*AREAS[:3], None], n, p=[0.4, 0.3, 0.2, 0.1]).tolist()),
            "agency": text(rng.choice(["Police", "Jobcentre", None], n, p=[0.5, 0.4, 0.1]).tolist()),
            "service": text(rng.choice(["Advice", "Work coach"], n).tolist()),
            "status": text(rng.choice([*casework.INTERVENTION_STATUSES, "other", None], n).tolist()),
            "worker": rng.integers(1, 5, n),
            "referred_on": text(
                [None if rng.random() < 0.05 else f"{y}-03-01" for y in rng.integers(2008, 2013, n)]
            ),
        }
    )


@pytest.mark.parametrize("seed", range(20))
def test_interventions_from_counts_are_the_pivot_table(seed: int) -> None:
    frame = random_rows(np.random.default_rng(seed), 80)
    for codes in [("A",), ("A", "B"), ("A", "B", "C")]:
        # 2014: no intervention at all in that year.
        for first, last in [(2008, 2008), (2010, 2010), (2009, 2011), (2008, 2012), (2014, 2014)]:
            f = filters(codes, first, last)
            with memo_scope():
                same_table(casework._interventions_table(frame, f), casework._pivoted(frame, f))


@pytest.mark.parametrize("seed", range(20))
def test_placements_and_compliance_from_counts_are_those_of_pandas(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 60
    frame = pd.DataFrame(
        {
            "area": text(rng.choice([*AREAS[:3], None], n).tolist()),
            "authority": text(rng.choice(["Kent", "London", "Essex", None], n).tolist()),
            "type": text(rng.choice(["Private rented", "Temporary", None], n).tolist()),
            "year": rng.integers(2008, 2013, n),
            "status": text(rng.choice([*placements.STATUSES, "other", None], n).tolist()),
        }
    )
    for codes in [("A",), ("A", "B"), ("A", "B", "C")]:
        for first, last in [(2008, 2008), (2010, 2010), (2009, 2011), (2008, 2012), (2014, 2014)]:
            f = filters(codes, first, last)
            with memo_scope():
                same_table(placements._compliance_table(frame, f), placements._compliance_pivoted(frame, f))
                for by in ("authority", "type"):
                    table = placements._counts_by({"placements": frame}, f, by)
                    grouped = placements._grouped(frame, f, by)
                    if len(grouped) > 1:  # any placements besides the Total row
                        same_table(table, grouped)


def test_rows_in_a_period_are_those_pandas_finds() -> None:
    frame = pd.DataFrame(
        {"area": text(["A", "B", None, "A", "C"]), "year": text(["2010", "2011", "2011", None, "2012"])}
    )
    for codes in [("A",), ("A", "B"), ("C",)]:
        for first, last in [(2010, 2010), (2010, 2012), (2013, 2014)]:
            f = filters(codes, first, last)
            years = frame["year"].astype(str)
            expected = frame[frame["area"].isin(codes) & years.between(str(first), str(last))]
            with memo_scope():
                pd.testing.assert_frame_equal(in_period(frame, f), expected)


# The frames-based computation the arrays-based one replaced, kept as the reference it must agree with.
def reference_transience(residences: pd.DataFrame, *, years: list[int]) -> pd.DataFrame:
    """Per (area, year): resident households at 1 January, arrivals, departures, the median length in
    years of the residences that ended that year, and turnover (NaN where there was no one resident)."""
    frame = residences.loc[:, list(COLUMNS)].copy()
    frame["moved_in"] = pd.to_datetime(frame["moved_in"])
    frame["moved_out"] = pd.to_datetime(frame["moved_out"])
    frame = frame.sort_values(["household", "moved_in"]).reset_index(drop=True)
    same_household = frame["household"].eq(frame["household"].shift())
    previous_area = frame["area"].shift().where(same_household)
    previous_out = frame["moved_out"].shift().where(same_household)
    continuing = previous_out.notna() & (previous_out >= frame["moved_in"] - pd.Timedelta(days=1))
    frame["arrival"] = ~(continuing & previous_area.eq(frame["area"]))
    next_same = frame["household"].eq(frame["household"].shift(-1))
    next_area = frame["area"].shift(-1).where(next_same)
    next_in = frame["moved_in"].shift(-1).where(next_same)
    carries_on = next_in.notna() & (next_in <= frame["moved_out"] + pd.Timedelta(days=1))
    frame["departure"] = frame["moved_out"].notna() & ~(carries_on & next_area.eq(frame["area"]))
    # A stay in a ward runs from its arrival to its departure, over moves within the ward.
    frame["stay"] = frame["arrival"].cumsum()
    stays = frame.groupby("stay").agg(
        area=("area", "first"), arrived=("moved_in", "first"), left=("moved_out", "last")
    )
    records = []
    for area in sorted(frame["area"].dropna().unique()):
        here = stays[stays["area"] == area]
        arrived_year = here["arrived"].dt.year.to_numpy()
        left = here["left"]
        left_year = left.dt.year.to_numpy()
        length = ((left - here["arrived"]).dt.days / 365.25).to_numpy()
        for year in years:
            start = pd.Timestamp(year=year, month=1, day=1)
            resident = int(((here["arrived"] < start) & (left.isna() | (left >= start))).sum())
            arrivals = int((arrived_year == year).sum())
            ended = left_year == year
            departures = int(ended.sum())
            records.append(
                {
                    "area": area,
                    "year": year,
                    "resident": resident,
                    "arrivals": arrivals,
                    "departures": departures,
                    "median_years": float(np.median(length[ended])) if departures else np.nan,
                    "turnover": (arrivals + departures) / resident if resident else np.nan,
                }
            )
    return pd.DataFrame(
        records,
        columns=["area", "year", "resident", "arrivals", "departures", "median_years", "turnover"],
    )


@pytest.mark.parametrize("seed", range(60))
def test_transience_is_the_frames_computation(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 40))
    start = np.datetime64("2004-01-01") + rng.integers(0, 3000, n).astype("timedelta64[D]")
    length = rng.integers(-5, 1500, n).astype("timedelta64[D]")
    residences = pd.DataFrame(
        {
            "household": rng.integers(0, 6, n).astype("int64"),
            "area": text(rng.choice(["A", "B", "C", None], n, p=[0.4, 0.3, 0.2, 0.1]).tolist()),
            "moved_in": text([str(d) if rng.random() > 0.05 else None for d in start]),
            "moved_out": text(
                [str(s + d) if rng.random() > 0.3 else None for s, d in zip(start, length, strict=True)]
            ),
        }
    )
    # Areas numbered (as the dashboards pass them) count as the areas themselves, where every one is known.
    known = residences[residences["area"].notna()]
    arrays = (
        known["household"].to_numpy(),
        pd.to_datetime(known["moved_in"]).to_numpy(),
        pd.to_datetime(known["moved_out"]).to_numpy(),
    )
    codes, names = pd.factorize(known["area"].to_numpy(dtype=object))
    by_name = transience_counts(
        arrays[0], known["area"].to_numpy(dtype=object), *arrays[1:], years=[2006, 2010]
    )
    by_code = transience_counts(arrays[0], codes, *arrays[1:], years=[2006, 2010])
    assert {names[code]: counts for code, counts in by_code.items()}.keys() == by_name.keys()
    for code, counts in by_code.items():
        assert repr(counts) == repr(by_name[names[code]])
    # A run of years, and years out of order with gaps, one before any residence.
    for years in (list(range(2005, 2013)), [2012, 2003, 2008, 2006]):
        pd.testing.assert_frame_equal(
            transience_by_year(residences, years=years),
            reference_transience(residences, years=years),
            check_exact=True,
        )


def test_a_frame_in_a_memo_key_is_held_for_the_scope_so_its_id_is_not_reused() -> None:
    import gc
    import weakref

    from outcomes.dashboards.panel import frame_key, memo_scope

    with memo_scope():
        frame = pd.DataFrame({"area": ["E05005088"]})
        held = weakref.ref(frame)
        key = frame_key(frame)
        del frame
        gc.collect()
        assert held() is not None
        assert id(held()) == key
    gc.collect()
    assert held() is None  # released with the scope


@pytest.mark.parametrize(
    "days",
    [
        ["2011-03-04", None, "1999-12-31", "2026-01-01"],
        [None, None],
        [],
        ["0999-01-01", "2010-06-30"],
    ],
)
def test_the_years_of_iso_days_are_their_first_four_digits(days: list[str | None]) -> None:
    frame = pd.DataFrame({"day": text(days)})
    with memo_scope():
        years, missing = years_of(frame, "day")
    assert missing.tolist() == [day is None for day in days]
    assert years.tolist() == [0 if day is None else int(day[:4]) for day in days]
