"""Transience: households arriving in and leaving each ward, how long they stayed, and annual turnover.

Pure: a frame of residences in, a frame per (ward, year) out. A residence is a household at a home in a
ward from `moved_in` to `moved_out` (open while still there). An arrival is a residence beginning in a
ward the household was not living in the day before (a move within the ward is not an arrival); a
departure is a residence ending with no next home in the same ward (a case closed, a move elsewhere).
Turnover is (arrivals + departures) per household resident at the start of the year.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import AnalysisError

COLUMNS = ("household", "area", "moved_in", "moved_out")


def transience_by_year(residences: pd.DataFrame, *, years: list[int]) -> pd.DataFrame:
    """Per (area, year): resident households at 1 January, arrivals, departures, the median length in
    years of the residences that ended that year, and turnover (NaN where there was no one resident)."""
    missing = [c for c in COLUMNS if c not in residences.columns]
    if missing:
        raise AnalysisError(f"The residences frame has no column {', '.join(missing)}.")
    return transience_of_arrays(
        residences["household"].to_numpy(),
        residences["area"].to_numpy(dtype=object, na_value=None),
        pd.to_datetime(residences["moved_in"]).to_numpy(),
        pd.to_datetime(residences["moved_out"]).to_numpy(),
        years=years,
    )


def transience_of_arrays(
    household: np.ndarray, area: np.ndarray, moved_in: np.ndarray, moved_out: np.ndarray, *, years: list[int]
) -> pd.DataFrame:
    """`transience_by_year` of the residences' columns as arrays (see `transience_counts`)."""
    records = [
        {
            "area": name,
            "year": year,
            "resident": resident,
            "arrivals": arrivals,
            "departures": departures,
            "median_years": median,
            "turnover": (arrivals + departures) / resident if resident else np.nan,
        }
        for name, counts in transience_counts(household, area, moved_in, moved_out, years=years).items()
        for year, resident, arrivals, departures, median in zip(
            years, counts.resident, counts.arrivals, counts.departures, counts.median_years, strict=True
        )
    ]
    return pd.DataFrame(
        records,
        columns=["area", "year", "resident", "arrivals", "departures", "median_years", "turnover"],
    )


@dataclass(frozen=True)
class Counts:
    """One area's figures, a value for each year asked for."""

    resident: list[int]
    arrivals: list[int]
    departures: list[int]
    median_years: list[float]


def residence_order(household: np.ndarray, moved_in: np.ndarray) -> np.ndarray:
    """The order `transience_counts` takes residences in: each household's in order of moving in (a stable
    sort, an unknown day last). Any subset taken in this order is in its own such order."""
    sort_in = np.where(np.isnat(moved_in), np.iinfo(np.int64).max, moved_in.view("i8"))
    return np.lexsort((sort_in, household))


def transience_counts(
    household: np.ndarray,
    area: np.ndarray,
    moved_in: np.ndarray,
    moved_out: np.ndarray,
    *,
    years: list[int],
    ordered: bool = False,
) -> dict[Any, Counts]:
    """Each area's counts (in order of area) from the residences' columns as arrays: households, areas
    (objects, None where there is none, or a numpy array of strings or of numbers standing for them) and
    the days moved in and out (datetime64, NaT where unknown or still there); `ordered`: already in
    `residence_order`. Numpy throughout: the dashboards compute this for each ward of a family and for the
    wards together."""
    n = len(household)
    if not ordered:
        order = residence_order(household, moved_in)
        household, area = household[order], area[order]
        moved_in, moved_out = moved_in[order], moved_out[order]
    in_known, out_known = ~np.isnat(moved_in), ~np.isnat(moved_out)
    # A numpy array of strings or of whole numbers (areas numbered) holds no None: every area is known.
    strings = area.dtype.kind in "Uiu"
    known = np.ones(n, dtype=bool) if strings else np.not_equal(area, None)  # type: ignore[call-overload]
    # An arrival is a residence not continuing the same household's previous one in the same area (one
    # that ended no earlier than the day before this one began).
    day = np.timedelta64(1, "D")
    continues = np.zeros(n, dtype=bool)
    if n > 1:
        continues[1:] = (
            (household[1:] == household[:-1])
            & known[1:]
            & known[:-1]
            & (area[1:] == area[:-1])
            & out_known[:-1]
            & in_known[1:]
            & (moved_out[:-1] >= moved_in[1:] - day)
        )
    arrival = ~continues
    # A stay in a ward runs from its arrival to its departure, over moves within the ward: its area is
    # its first residence's, its day of arrival the first known one, its day of leaving the last known one.
    starts = np.flatnonzero(arrival)
    index = np.arange(n)
    if n:
        first_in = np.minimum.reduceat(np.where(in_known, index, n), starts)
        last_out = np.maximum.reduceat(np.where(out_known, index, -1), starts)
    else:
        first_in = last_out = np.zeros(0, dtype=np.int64)
    stay_area = area[starts]
    nat_in, nat_out = (
        np.datetime64("NaT").astype(moved_in.dtype),
        np.datetime64("NaT").astype(moved_out.dtype),
    )
    arrived = np.where(first_in < n, moved_in[np.minimum(first_in, max(n - 1, 0))], nat_in) if n else moved_in
    left = np.where(last_out >= 0, moved_out[np.maximum(last_out, 0)], nat_out) if n else moved_out
    arrived_year, left_year = _years(arrived), _years(left)
    unknown_length = np.isnat(arrived) | np.isnat(left)
    span = np.where(unknown_length, np.timedelta64(0, "D"), left - arrived)
    days = (span // day).astype(float)
    length = np.where(unknown_length, np.nan, days / 365.25)
    counts = {}
    # Every area known is some stay's (a residence continues a stay only in the stay's own area): its
    # names from the stays, fewer than the residences, by hash (sorting strings in numpy costs more).
    names = sorted(set((stay_area if strings else stay_area[known[starts]]).tolist()))
    for name in names:
        here = stay_area == name
        counts[name] = _counts(
            arrived[here], left[here], arrived_year[here], left_year[here], length[here], years
        )
    return counts


def _counts(
    arrived: np.ndarray,
    left: np.ndarray,
    arrived_year: np.ndarray,
    left_year: np.ndarray,
    length: np.ndarray,
    years: list[int],
) -> Counts:
    """One area's counts for each year, from its stays: every year at once, from the stays counted by year
    (a dashboard asks for a score of years, for each ward of its family)."""
    wanted = np.array(years, dtype=np.int64)
    first, last = (int(wanted.min()), int(wanted.max())) if len(wanted) else (0, 0)

    def by_year(values: np.ndarray) -> np.ndarray:
        # How many of `values` are each year from the first wanted to the last, after as many before the
        # first (at 0) and before as many after the last (at the end).
        return np.bincount(np.clip(values - (first - 1), 0, last - first + 2), minlength=last - first + 3)

    # Resident at the start of a year: arrived in an earlier year (an unknown day never), and not gone in
    # an earlier year (still there where the day of leaving is unknown), where gone means arrived and left.
    came = ~np.isnat(arrived)
    went = came & ~np.isnat(left)
    arrived_before = np.cumsum(by_year(arrived_year[came]))
    gone_before = np.cumsum(by_year(np.maximum(arrived_year[went], left_year[went])))
    before = wanted - first  # in a running count from the first year less one: up to the year before
    arrivals, departures = by_year(arrived_year), by_year(left_year)
    # The stays in order of the year they ended: each year's lengths a slice of them.
    order = np.argsort(left_year, kind="stable")
    low = np.searchsorted(left_year[order], wanted, "left")
    medians = [
        float(np.median(length[order[a : a + n]])) if n else np.nan
        for a, n in zip(low.tolist(), departures[before + 1].tolist(), strict=True)
    ]
    return Counts(
        (arrived_before[before] - gone_before[before]).tolist(),
        arrivals[before + 1].tolist(),
        departures[before + 1].tolist(),
        medians,
    )


def _years(days: np.ndarray) -> np.ndarray:
    """The calendar year of each datetime64, and a year no one asks for (0) where it is NaT."""
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    return np.where(np.isnat(days), 0, years)
