"""Transience: households arriving in and leaving each ward, how long they stayed, and annual turnover.

Pure: a frame of residences in, a frame per (ward, year) out. A residence is a household at a home in a
ward from `moved_in` to `moved_out` (open while still there). An arrival is a residence beginning in a
ward the household was not living in the day before (a move within the ward is not an arrival); a
departure is a residence ending with no next home in the same ward (a case closed, a move elsewhere).
Turnover is (arrivals + departures) per household resident at the start of the year.
"""

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
