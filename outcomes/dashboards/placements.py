"""Panels of placements into the wards by other authorities: who places, what kind, and whether they gave
notice in time."""

from typing import Any

import pandas as pd

from ..disclosure import SUPPRESSED, Rate, numeric, publish
from ..tables import Column, display
from .access import Filters
from .panel import BarChart, Panel, in_period, rows_of, shown, year_index


def _one_way(counts: pd.Series, label: str) -> pd.DataFrame:
    table = counts.rename("placements").to_frame()
    table.index.name = label
    table.loc["Total"] = counts.sum()
    return table


def _by_published(published: pd.DataFrame) -> pd.DataFrame:
    """Largest published count first, then by name, hidden ones last and the Total at the end: the order
    follows the published figures, so it tells nothing of a hidden one."""
    body = published.drop(index="Total")

    def key(label: object) -> tuple[bool, float, str]:
        value = shown(body.loc[label, "placements"])
        return (value is None, -(value or 0), str(label))

    order = sorted(body.index, key=key)
    return published.loc[[*order, "Total"]]


def _placements_by(facts: dict[str, Any], filters: Filters, by: str, slug: str, title: str) -> Panel:
    rows = in_period(facts["placements"], filters)
    counts = rows.groupby(by).size().sort_values(ascending=False)
    table = _one_way(counts, by)
    published = _by_published(publish(table, counts=["placements"], total_row="Total"))
    columns = (
        Column(by, "Placing authority" if by == "authority" else "Type of placement", "text"),
        Column("placements", "Placements"),
    )
    total = published.loc["Total", "placements"]
    summary = (
        f"{display(total, 'count')} placements into {filters.label} from {filters.first_year} to "
        f"{filters.last_year}"
        + (f"; most from {published.index[0]}." if len(counts) and shown(published.iloc[0, 0]) else ".")
    )
    body = published.drop(index="Total")
    chart = BarChart(
        title=f"{title}, {filters.label}, {filters.first_year}-{filters.last_year}",
        categories=[str(i) for i in body.index],
        series={"Placements": numeric(body["placements"])},
        ylabel="Placements",
        horizontal=True,
    )
    return Panel(
        slug,
        title,
        summary,
        columns,
        rows_of(published, columns, index_key=by),
        chart,
        ("Placements by other authorities into homes in these wards, by the date placed.",),
    )


def placements_by_authority_panel(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    return _placements_by(
        facts, filters, "authority", "placements-authority", "Placements by placing authority"
    )


def placements_by_type_panel(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    return _placements_by(facts, filters, "type", "placements-type", "Placements by type")


STATUSES = ("on time", "late", "missing", "pending", "no statutory rule")


def compliance_panel(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    rows = in_period(facts["placements"], filters)
    table = (
        rows.assign(year=rows["year"].astype(str))
        .pivot_table(index="year", columns="status", values="authority", aggfunc="size", fill_value=0)
        .reindex(index=year_index(filters), columns=list(STATUSES), fill_value=0)
        .fillna(0)
    )
    table.columns = [c.replace(" ", "_") for c in table.columns]
    table["total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    table["judged"] = table["on_time"] + table["late"] + table["missing"]
    table["on_time_rate"] = 100 * table["on_time"] / table["judged"].where(table["judged"] > 0)
    counts = ["on_time", "late", "missing", "pending", "no_statutory_rule", "total"]
    published = publish(
        table,
        counts=counts,
        rates={"on_time_rate": Rate("judged", "on_time")},
        total_row="Total",
        total_column="total",
    )
    columns = (
        Column("year", "Year placed", "text"),
        Column("on_time", "Notified on time"),
        Column("late", "Notified late"),
        Column("missing", "No notification"),
        Column("pending", "Not yet due"),
        Column("no_statutory_rule", "No statutory duty"),
        Column("total", "All placements"),
        Column("on_time_rate", "On time (of those due)", "rate"),
    )
    rate = published.loc["Total", "on_time_rate"]
    summary = (
        f"Placing authorities notified on time for {rate:.0f}% of placements into {filters.label} that needed notice."
        if rate != SUPPRESSED and not pd.isna(rate)
        else f"Too few placements into {filters.label} in this period to publish a compliance rate."
    )
    body = published.drop(index="Total")
    chart = BarChart(
        title=f"Notification of placements, {filters.label}",
        categories=[str(i) for i in body.index],
        series={c.label: numeric(body[c.key]) for c in columns[1:6]},
        ylabel="Placements",
    )
    return Panel(
        "compliance",
        "Notification compliance by placing authorities",
        summary,
        columns,
        rows_of(published, columns, index_key="year"),
        chart,
        (
            "Housing Act 1996 s208: notice within 14 days; looked-after children: before placement or "
            "within 5 working days in an emergency.",
        ),
    )
