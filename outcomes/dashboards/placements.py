"""Panels of placements into the wards by other authorities: who places, what kind, and whether they gave
notice in time."""

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from ..disclosure import SUPPRESSED, Rate, numeric, publish
from ..frames import frame
from ..tables import Column, display
from .access import Filters
from .panel import (
    BarChart,
    Panel,
    frame_key,
    in_period,
    memoised,
    rows_of,
    shown,
    text_index,
    values_of,
    ward_rows,
    year_index,
)

# The tables' columns, made once: an index of text costs more to make than the rest of a year's table,
# and each table takes a view of it (its own name, the same labels).
_PLACEMENTS = text_index(["placements"])


def _one_way(counts: pd.Series, label: str) -> pd.DataFrame:
    table = counts.rename("placements").to_frame()
    table.index.name = label
    table.loc["Total"] = counts.sum()
    return table


def _by_published(published: pd.DataFrame) -> pd.DataFrame:
    """Largest published count first, then by name, hidden ones last and the Total at the end: the order
    follows the published figures, so it tells nothing of a hidden one."""
    # Labels are unique (`publish` checks): each label's published count, read once.
    counts = {
        label: shown(value)
        for label, value in zip(published.index.tolist(), published["placements"].tolist(), strict=True)
        if label != "Total"
    }

    def key(label: object) -> tuple[bool, float, str]:
        value = counts[label]
        return (value is None, -(value or 0), str(label))

    order = sorted(counts, key=key)
    return published.loc[[*order, "Total"]]


def _counts_by(facts: dict[str, Any], filters: Filters, by: str) -> pd.DataFrame:
    """Placements by `by`, largest first, with a Total row (computed once per `memo_scope`)."""
    placements = facts["placements"]

    def compute() -> pd.DataFrame:
        first, last = str(filters.first_year), str(filters.last_year)
        # The wards' placements counted once by (year, `by`); a table for any years is made from these
        # counts (a panel summed over the years is built for each single year).
        by_year, years_with_rows = memoised(
            ("placements-counts", frame_key(placements), by, filters.codes),
            lambda: _counts_by_year(placements, filters.codes, by),
        )
        totals: dict[str, int] = {}
        for year, by_label in by_year.items():
            if first <= year <= last:
                for label, n in by_label.items():
                    totals[label] = totals.get(label, 0) + n
        if not totals:
            # None in these years: the table as grouped from no rows (the same for any such years).
            if not any(first <= year <= last for year in years_with_rows):
                return memoised(
                    ("placements-by-none", frame_key(placements), by, filters.codes),
                    lambda: _grouped(placements, filters, by),
                )
            return _grouped(placements, filters, by)
        labels = sorted(totals)
        counts = np.array([totals[label] for label in labels], dtype=np.int64)
        # Largest first, in the order `pd.Series.sort_values(ascending=False)` gives (its quicksort of
        # the reversed values, reversed: ties are not in the order of the labels).
        order = np.arange(len(labels))[::-1][counts[::-1].argsort(kind="quicksort")][::-1].tolist()
        return pd.DataFrame(
            np.array([*counts[order].tolist(), int(counts.sum())], dtype=np.int64).reshape(-1, 1),
            index=text_index([*(labels[i] for i in order), "Total"], name=by),
            columns=_PLACEMENTS.view(),
        )

    key = ("placements-by", frame_key(placements), by, filters.codes, filters.first_year, filters.last_year)
    return memoised(key, compute)


def _counts_by_year(
    placements: pd.DataFrame, codes: tuple[str, ...], by: str
) -> tuple[dict[str, Counter[str]], set[str]]:
    """The wards' placements by year (as text), then by `by`, where `by` is known (as a groupby counts
    them), and the years of any of their placements."""
    rows = ward_rows(placements, codes)
    years = [str(y) for y in values_of(placements, "year")[rows].tolist()]
    labels = values_of(placements, by)[rows]
    counts: dict[str, Counter[str]] = {}
    for year, label in zip(years, labels, strict=True):
        if label is not None:
            counts.setdefault(year, Counter())[label] += 1
    return counts, set(years)


def _grouped(placements: pd.DataFrame, filters: Filters, by: str) -> pd.DataFrame:
    """`_counts_by` grouped from the rows themselves."""
    counts = in_period(placements, filters).groupby(by).size().sort_values(ascending=False)
    return _one_way(counts, by)


def placements_by_table(facts: dict[str, Any], filters: Filters, by: str) -> pd.DataFrame:
    """The table `_placements_by` publishes, alone (the panel's single years, `disclosure.by_period`)."""
    return publish(_counts_by(facts, filters, by), counts=["placements"], total_row="Total")


def _placements_by(facts: dict[str, Any], filters: Filters, by: str, slug: str, title: str) -> Panel:
    labels = len(_counts_by(facts, filters, by)) - 1  # less the Total row
    published = _by_published(placements_by_table(facts, filters, by))
    columns = (
        Column(by, "Placing authority" if by == "authority" else "Type of placement", "text"),
        Column("placements", "Placements"),
    )
    total = published.loc["Total", "placements"]
    summary = (
        f"{display(total, 'count')} placements into {filters.label} from {filters.first_year} to "
        f"{filters.last_year}"
        + (f"; most from {published.index[0]}." if labels and shown(published.iloc[0, 0]) else ".")
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


def placements_by_authority_table(facts: dict[str, Any], filters: Filters, audience: str) -> pd.DataFrame:
    return placements_by_table(facts, filters, "authority")


def placements_by_type_table(facts: dict[str, Any], filters: Filters, audience: str) -> pd.DataFrame:
    return placements_by_table(facts, filters, "type")


STATUSES = ("on time", "late", "missing", "pending", "no statutory rule")
# The compliance table's columns, made once (as `_PLACEMENTS`).
_COMPLIANCE_COLUMNS = text_index(
    [*(c.replace(" ", "_") for c in STATUSES), "total", "judged", "on_time_rate"]
)


def _rows_of_codes(frame: pd.DataFrame, codes: tuple[str, ...]) -> pd.DataFrame:
    return frame[frame["area"].isin(codes)]


def _compliance_table(placements: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    # One count per year and status for the wards, every year at once (the same for any years asked for,
    # whose rows are then taken from it): a panel summed over the years is built for each single year.
    by_year, years_with_rows = memoised(
        ("placements-counts", frame_key(placements), "status", filters.codes),
        lambda: _counts_by_year(placements, filters.codes, "status"),
    )
    if not years_with_rows:
        return _compliance_pivoted(placements, filters)
    years = [str(y) for y in filters.years]
    none: Counter[str] = Counter()
    body = np.array(
        [[by_year.get(year, none)[status] for status in STATUSES] for year in years], dtype=np.int64
    ).reshape(len(years), len(STATUSES))
    body = np.column_stack([body, body.sum(axis=1)])
    body = np.vstack([body, body.sum(axis=0)])
    columns: dict[str, np.ndarray] = {
        name: body[:, i] for i, name in enumerate([*(c.replace(" ", "_") for c in STATUSES), "total"])
    }
    judged = columns["on_time"] + columns["late"] + columns["missing"]
    columns["judged"] = judged
    columns["on_time_rate"] = 100 * columns["on_time"] / np.where(judged > 0, judged, np.nan)
    return frame(columns, text_index([*years, "Total"], name="year"), labels=_COMPLIANCE_COLUMNS.view())


def _compliance_pivoted(placements: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """`_compliance_table` through a pivot table, where the wards have no placements at all."""
    rows = _rows_of_codes(placements, filters.codes)
    table = (
        rows.assign(year=rows["year"].astype(str))
        .pivot_table(index="year", columns="status", values="authority", aggfunc="size", fill_value=0)
        .reindex(index=year_index(filters), columns=list(STATUSES), fill_value=0)
        .fillna(0)
    )
    table.columns = [c.replace(" ", "_") for c in table.columns]
    table["total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    return _with_rate(table)


def _with_rate(table: pd.DataFrame) -> pd.DataFrame:
    table["judged"] = table["on_time"] + table["late"] + table["missing"]
    table["on_time_rate"] = 100 * table["on_time"] / table["judged"].where(table["judged"] > 0)
    return table


def compliance_table(facts: dict[str, Any], filters: Filters, audience: str = "") -> pd.DataFrame:
    """The table `compliance_panel` publishes, alone (the panel's single years, `disclosure.by_period`)."""
    placements = facts["placements"]
    key = ("compliance", frame_key(placements), filters.codes, filters.first_year, filters.last_year)
    table = memoised(key, lambda: _compliance_table(placements, filters))
    return publish(
        table,
        counts=["on_time", "late", "missing", "pending", "no_statutory_rule", "total"],
        rates={"on_time_rate": Rate("judged", "on_time")},
        total_row="Total",
        total_column="total",
    )


def compliance_panel(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    published = compliance_table(facts, filters)
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
