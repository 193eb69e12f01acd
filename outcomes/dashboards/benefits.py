"""Panels of out-of-work dependency and benefit spend in the wards, against the Kent average."""

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..disclosure import Rate, numeric, publish
from ..tables import Column
from .access import Filters
from .panel import (
    LineChart,
    Panel,
    frame_key,
    last_shown,
    memoised,
    rows_of,
    shown,
    text_index,
    values_of,
    ward_rows,
    year_index,
)

MONTHLY = ("out_of_work_claimants", "working_age_population")
YEARLY = ("benefit_spend", "population")


def _yearly(stats: pd.DataFrame, codes: tuple[str, ...]) -> pd.DataFrame:
    """The wards' monthly claimants and working-age population summed over the wards, averaged over the
    months of each year, and the rate: the figures a pivot table of them by (year, month) and measure
    averaged by year gives, added up in the same order the same way (`_sum`)."""
    months = _sums(stats, codes, "month", lambda period: (period[:4], period))
    if not months:
        return _yearly_frames(stats, codes)
    by_year: dict[str, dict[str, list[float]]] = {}
    for (year, _), sums in sorted(months.items()):
        for measure in MONTHLY:
            by_year.setdefault(year, {}).setdefault(measure, []).append(sums.get(measure, math.nan))
    years = sorted(by_year)
    table = pd.DataFrame(
        {
            name: np.array([_mean(by_year[year][measure]) for year in years], dtype=float)
            for name, measure in zip(("claimants", "population"), MONTHLY, strict=True)
        },
        index=text_index(years, name="year"),
    )
    return table.assign(rate=lambda f: 100 * f["claimants"] / f["population"])


def _totals(stats: pd.DataFrame, codes: tuple[str, ...]) -> pd.DataFrame:
    """The wards' yearly benefit spend and population summed over the wards (as a pivot table of them by
    period and measure gives them)."""
    years = _sums(stats, codes, "year", lambda period: period)
    if not years:
        return _totals_frames(stats, codes)
    periods = sorted(years)
    return pd.DataFrame(
        {
            measure: np.array([years[period].get(measure, math.nan) for period in periods], dtype=float)
            for measure in YEARLY
        },
        index=text_index(periods, name="period"),
        columns=text_index(list(YEARLY), name="measure"),
    )


def _sums(
    stats: pd.DataFrame, codes: tuple[str, ...], frequency: str, key: Callable[[str], Any]
) -> dict[Any, dict[str, float]]:
    """The wards' figures of `frequency`, by `key(period)` and measure, summed over the wards (rows with
    no period or measure left out, as a pivot table leaves them)."""
    rows = ward_rows(stats, codes) & (values_of(stats, "frequency") == frequency)
    values: dict[Any, dict[str, list[float]]] = {}
    for period, measure, value in zip(
        values_of(stats, "period")[rows],
        values_of(stats, "measure")[rows],
        stats["value"].to_numpy(dtype=float)[rows].tolist(),
        strict=True,
    ):
        if period is None or measure is None:
            continue
        values.setdefault(key(period), {}).setdefault(measure, []).append(value)
    return {k: {m: _sum(v) for m, v in by_measure.items()} for k, by_measure in values.items()}


def _sum(values: list[float]) -> float:
    """The sum of the numbers among `values` as pandas adds up a group: in order, with Kahan's compensation
    for rounding (so the figures are those of a groupby sum to the last bit)."""
    total = compensation = 0.0
    for value in values:
        if value != value:  # NaN: left out
            continue
        y = value - compensation
        t = total + y
        compensation = t - total - y
        if compensation != compensation:  # an infinite value: no compensation
            compensation = 0.0
        total = t
    return total


def _mean(values: list[float]) -> float:
    """The mean of the numbers among `values` as a groupby mean gives it (NaN where there are none)."""
    known = [v for v in values if v == v]
    return _sum(known) / len(known) if known else math.nan


def _yearly_frames(stats: pd.DataFrame, codes: tuple[str, ...]) -> pd.DataFrame:
    """`_yearly` through a pivot table, where the wards have no monthly figures."""
    # astype(str): with no figures at all the empty period column is not text.
    monthly = stats[stats["frequency"] == "month"].assign(year=lambda f: f["period"].astype(str).str[:4])
    rows = monthly[monthly["area"].isin(codes)]
    wide = rows.pivot_table(index=["year", "period"], columns="measure", values="value", aggfunc="sum")
    if wide.empty:
        return pd.DataFrame(columns=["claimants", "population", "rate"])
    # A measure with no figures (claimants published, population not yet) is a column of gaps.
    by_year = wide.reindex(columns=list(MONTHLY)).groupby("year").mean()
    return pd.DataFrame(
        {
            "claimants": by_year["out_of_work_claimants"],
            "population": by_year["working_age_population"],
        }
    ).assign(rate=lambda f: 100 * f["claimants"] / f["population"])


def _totals_frames(stats: pd.DataFrame, codes: tuple[str, ...]) -> pd.DataFrame:
    """`_totals` through a pivot table, where the wards have no yearly figures."""
    yearly = stats[stats["frequency"] == "year"]
    rows = yearly[yearly["area"].isin(codes)]
    wide = rows.pivot_table(index="period", columns="measure", values="value", aggfunc="sum")
    return wide.reindex(columns=list(YEARLY))


def dependency_panel(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    stats = facts["stats"]

    def memo_yearly(codes: tuple[str, ...]) -> pd.DataFrame:
        return memoised(("dependency", frame_key(stats), codes), lambda: _yearly(stats, codes))

    ward = memo_yearly(filters.codes).reindex(year_index(filters))
    kent = memo_yearly((facts["reference"],)).reindex(year_index(filters))
    table = pd.DataFrame(
        {
            "claimants": ward["claimants"].round(),
            "population": ward["population"].round(),
            "rate": ward["rate"],
            "kent_rate": kent["rate"],
            "kent_population": kent["population"],
            "gap": ward["rate"] - kent["rate"],
        }
    ).dropna(subset=["claimants"])
    published = publish(
        table,
        counts=["claimants", "population"],
        rates={"rate": Rate("population", "claimants"), "kent_rate": "kent_population", "gap": "population"},
    )
    columns = (
        Column("year", "Year", "text"),
        Column("claimants", "Out-of-work claimants (monthly average)"),
        Column("population", "Working-age population"),
        Column("rate", "Out-of-work rate", "rate"),
        Column("kent_rate", "Kent rate", "rate"),
        Column("gap", "Gap (percentage points)", "points"),
    )
    last = last_shown(published, "rate")
    if last:
        year = last[0]
        kent_rate = shown(published.loc[year, "kent_rate"])
        summary = (
            f"In {year} {published.loc[year, 'rate']:.1f}% of working-age residents of {filters.label} claimed an "
            "out-of-work benefit"
            + (
                f", against {kent_rate:.1f}% across Kent."
                if kent_rate is not None
                else f"; no Kent figure for {year} is published."
            )
        )
    else:
        summary = "No published out-of-work figures for these wards and years."
    x = [int(y) for y in published.index]
    chart = LineChart(
        title=f"Out-of-work dependency rate, {filters.label} and Kent, {filters.first_year}-{filters.last_year}",
        x=x,
        series={filters.label: numeric(published["rate"]), "Kent average": numeric(published["kent_rate"])},
        ylabel="% of working-age population",
    )
    return Panel(
        "dependency",
        "Out-of-work dependency rate against the Kent average",
        summary,
        columns,
        rows_of(published, columns, index_key="year"),
        chart,
        ("Annual averages of monthly figures. Rates from working-age population estimates.",),
    )


def spend_panel(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    stats = facts["stats"]

    def memo_totals(codes: tuple[str, ...]) -> pd.DataFrame:
        return memoised(("spend", frame_key(stats), codes), lambda: _totals(stats, codes))

    ward = memo_totals(filters.codes).reindex(year_index(filters))
    kent = memo_totals((facts["reference"],)).reindex(year_index(filters))
    table = pd.DataFrame(
        {
            "spend": ward["benefit_spend"],
            "population": ward["population"].round(),
            "per_head": ward["benefit_spend"] / ward["population"],
            "kent_per_head": kent["benefit_spend"] / kent["population"],
            "kent_population": kent["population"],
        }
    ).dropna(subset=["spend"])
    table["ratio"] = table["per_head"] / table["kent_per_head"]
    published = publish(
        table,
        counts=["population"],
        rates={
            "spend": "population",
            "per_head": "population",
            "kent_per_head": "kent_population",
            "ratio": "population",
        },
    )
    columns = (
        Column("year", "Year", "text"),
        Column("spend", "Benefit spend", "money"),
        Column("population", "Population"),
        Column("per_head", "Spend per head", "money"),
        Column("kent_per_head", "Kent spend per head", "money"),
        Column("ratio", "Times the Kent average", "ratio"),
    )
    last = last_shown(published, "per_head")
    if last:
        year = last[0]
        ratio, kent_per_head = (shown(published.loc[year, c]) for c in ("ratio", "kent_per_head"))
        summary = (
            f"In {year} benefit spend in {filters.label} was £{published.loc[year, 'per_head']:,.0f} a head"
            + (
                f", {ratio:.1f} times the Kent average of £{kent_per_head:,.0f}."
                if ratio is not None and kent_per_head is not None
                else f"; no Kent figure for {year} is published."
            )
        )
    else:
        summary = "No published benefit spend for these wards and years."
    chart = LineChart(
        title=f"Benefit spend per head, {filters.label} and Kent",
        x=[int(y) for y in published.index],
        series={
            filters.label: numeric(published["per_head"]),
            "Kent average": numeric(published["kent_per_head"]),
        },
        ylabel="£ per head a year",
    )
    return Panel(
        "spend",
        "Benefit spend against the Kent average",
        summary,
        columns,
        rows_of(published, columns, index_key="year"),
        chart,
        ("Spend in cash terms. The gap to the Kent average is descriptive, not an estimate of impact.",),
    )
