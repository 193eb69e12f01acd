"""The place panel: transience as arrivals into the wards, departures, how long households stayed and
annual turnover, against the comparator wards' published turnover where area statistics hold it."""

from typing import Any

import numpy as np
import pandas as pd

from ..analysis.errors import AnalysisError
from ..analysis.transience import COLUMNS, residence_order, transience_counts, transience_of_arrays
from ..disclosure import Rate, numeric, publish
from ..tables import Column
from .access import Filters
from .panel import LineChart, Panel, frame_key, last_shown, memoised, numbered, rows_of, text_index, ward_rows


def comparator_turnover(stats: pd.DataFrame, years: list[int]) -> pd.Series:
    """The mean published turnover of the comparator wards per year (NaN where none is published)."""
    if stats.empty:
        return pd.Series(float("nan"), index=[str(y) for y in years])
    comparators = stats[~stats["is_target"]]
    by_year = comparators.assign(year=comparators["period"].str[:4]).groupby("year")["value"].mean()
    return by_year.reindex([str(y) for y in years]).astype(float)


def _residence_arrays(residences: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """The residences' households and days moved in and out as arrays for `transience_counts`, and their
    `residence_order`, worked out once per `memo_scope` (each ward's rows are then taken in that order)."""

    def compute() -> tuple[np.ndarray, ...]:
        household = residences["household"].to_numpy()
        moved_in = pd.to_datetime(residences["moved_in"]).to_numpy()
        moved_out = pd.to_datetime(residences["moved_out"]).to_numpy()
        return household, moved_in, moved_out, residence_order(household, moved_in)

    return memoised(("residence-arrays", frame_key(residences)), compute)


def _transience(residences: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Residents, arrivals, departures and the median stay of those leaving, per year, over the wards."""
    missing = [c for c in COLUMNS if c not in residences.columns]
    if missing:
        raise AnalysisError(f"The residences frame has no column {', '.join(missing)}.")
    household, moved_in, moved_out, order = _residence_arrays(residences)
    # The wards' rows in `residence_order`, their areas numbered (none missing there): compared as numbers.
    rows = order[ward_rows(residences, filters.codes)[order]]
    area = numbered(residences, "area")[rows]
    household, moved_in, moved_out = household[rows], moved_in[rows], moved_out[rows]
    per_ward = transience_counts(household, area, moved_in, moved_out, years=filters.years, ordered=True)
    if not per_ward:
        return _transience_frames(household, area, moved_in, moved_out, filters)
    # The wards' counts summed, year by year (the figures are published per year).
    table = pd.DataFrame(
        {
            name: np.sum([getattr(counts, name) for counts in per_ward.values()], axis=0, dtype=np.int64)
            for name in ("resident", "arrivals", "departures")
        },
        index=pd.Index(filters.years, name="year"),
    )
    # The median over the wards together needs the stays themselves, not the wards' medians; for one ward
    # they are that ward's.
    together = (
        per_ward
        if len(filters.codes) == 1
        else transience_counts(
            household,
            np.zeros(len(area), dtype=np.int64),
            moved_in,
            moved_out,
            years=filters.years,
            ordered=True,
        )
    )
    (medians,) = [counts.median_years for counts in together.values()]
    table["median_years"] = np.array(medians, dtype=float)
    return table


def _transience_frames(
    household: np.ndarray, area: np.ndarray, moved_in: np.ndarray, moved_out: np.ndarray, filters: Filters
) -> pd.DataFrame:
    """`_transience` through frames, where the wards have no residences at all (a table of zeros)."""
    per_ward = transience_of_arrays(household, area, moved_in, moved_out, years=filters.years)
    table = (
        per_ward.groupby("year")[["resident", "arrivals", "departures"]]
        .sum()
        .reindex(filters.years, fill_value=0)
    )
    table["median_years"] = per_ward.set_index("year")["median_years"].reindex(filters.years)
    return table


def turnover_panel(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    frame, stats = facts["residences"], facts["turnover_stats"]
    key = ("turnover", frame_key(frame), filters.codes, filters.first_year, filters.last_year)
    counts = memoised(key, lambda: _transience(frame, filters))
    # The same for every ward of a family: computed once.
    comparator = memoised(
        ("comparator-turnover", frame_key(stats), filters.first_year, filters.last_year),
        lambda: comparator_turnover(stats, filters.years),
    )
    resident = counts["resident"]
    turnover = (counts["arrivals"] + counts["departures"]) / resident.where(resident > 0)
    # Made at once, not a copy with columns set one at a time (which costs more than the rest of the
    # panel); the comparator, by year as the table's rows are, passes through `publish` unchanged.
    table = pd.DataFrame(
        {
            **{name: counts[name].array for name in counts.columns},
            "turnover": turnover.array,
            "comparator_turnover": comparator.array,
        },
        index=text_index([str(y) for y in counts.index], name="year"),
    )
    published = publish(
        table,
        counts=["resident", "arrivals", "departures"],
        rates={"turnover": Rate("resident"), "median_years": Rate("departures", "departures")},
    )
    columns = (
        Column("year", "Year", "text"),
        Column("resident", "Households resident on 1 January"),
        Column("arrivals", "Arrivals into the wards"),
        Column("departures", "Departures"),
        Column("median_years", "Median length of stay of those leaving (years)", "ratio"),
        Column("turnover", "Turnover (arrivals and departures per resident household)", "ratio"),
        Column("comparator_turnover", "Comparator wards' turnover (area statistics)", "ratio"),
    )
    last = last_shown(published, "turnover")
    summary = (
        f"In {last[0]} arrivals and departures in {filters.label} came to {float(last[1]):.2f} for every "
        "household resident at the start of the year."
        if last
        else f"Too few households in {filters.label} in this period to publish turnover."
    )
    chart = LineChart(
        title=f"Annual turnover of households, {filters.label}",
        x=list(filters.years),
        series={
            f"{filters.label}": numeric(published["turnover"]),
            "Comparator wards": [None if pd.isna(v) else float(v) for v in published["comparator_turnover"]],
        },
        ylabel="Arrivals and departures per household",
    )
    return Panel(
        "turnover",
        "Transience: arrivals, departures and turnover",
        summary,
        columns,
        rows_of(published, columns, index_key="year"),
        chart,
        (
            "An arrival is a household coming to live in a home in the ward from outside it; a departure, "
            "leaving it (a move within the ward is neither). From the residence records of households with a "
            "case, so it counts the households the task force knows of, not the whole population.",
            "Comparator wards' turnover is the area statistic 'household_turnover' where it has been "
            "imported; blank where no comparator figure exists.",
        ),
    )
