"""Panels of out-of-work dependency and benefit spend in the wards, against the Kent average."""

from typing import Any

import pandas as pd

from ..disclosure import Rate, numeric, publish
from ..tables import Column
from .access import Filters
from .panel import LineChart, Panel, last_shown, memoised, rows_of, shown, year_index


def dependency_panel(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    stats = facts["stats"]
    # astype(str): with no figures at all the empty period column is not text.
    monthly = stats[stats["frequency"] == "month"].assign(year=lambda f: f["period"].astype(str).str[:4])

    def yearly(codes: list[str]) -> pd.DataFrame:
        rows = monthly[monthly["area"].isin(codes)]
        wide = rows.pivot_table(index=["year", "period"], columns="measure", values="value", aggfunc="sum")
        if wide.empty:
            return pd.DataFrame(columns=["claimants", "population", "rate"])
        # A measure with no figures (claimants published, population not yet) is a column of gaps.
        by_year = (
            wide.reindex(columns=["out_of_work_claimants", "working_age_population"]).groupby("year").mean()
        )
        return pd.DataFrame(
            {
                "claimants": by_year["out_of_work_claimants"],
                "population": by_year["working_age_population"],
            }
        ).assign(rate=lambda f: 100 * f["claimants"] / f["population"])

    def memo_yearly(codes: tuple[str, ...]) -> pd.DataFrame:
        return memoised(("dependency", id(stats), codes), lambda: yearly(list(codes)))

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
    yearly = stats[stats["frequency"] == "year"]

    def totals(codes: list[str]) -> pd.DataFrame:
        rows = yearly[yearly["area"].isin(codes)]
        wide = rows.pivot_table(index="period", columns="measure", values="value", aggfunc="sum")
        return wide.reindex(columns=["benefit_spend", "population"])

    def memo_totals(codes: tuple[str, ...]) -> pd.DataFrame:
        return memoised(("spend", id(stats), codes), lambda: totals(list(codes)))

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
