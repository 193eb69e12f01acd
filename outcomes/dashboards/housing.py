"""Panels of housing conditions: HMOs, licences and Category 1 hazards, and the housing benefit paid into
homes with an open hazard or without a licence."""

from typing import Any

import numpy as np
import pandas as pd

from ..disclosure import SUPPRESSED, Rate, numeric, publish
from ..tables import Column, display
from .access import Filters
from .panel import (
    BarChart,
    LineChart,
    Panel,
    in_period,
    rows_of,
    text_index,
    text_of,
    ward_rows,
    year_end,
    year_index,
)


def _dates(housing: dict[str, pd.DataFrame], filters: Filters) -> tuple[np.ndarray, ...]:
    """The wards' hazards' days found and remedied ("" where not), whether not remedied, the years of
    both, and their licences' first and last days: ISO dates as text, compared as text."""
    hazards, licences = housing["hazards"], housing["licences"]
    rows, licensed = ward_rows(hazards, filters.codes), ward_rows(licences, filters.codes)
    found, found_missing = (column[rows] for column in text_of(hazards, "found_on"))
    remedied, not_remedied = (column[rows] for column in text_of(hazards, "remedied_on"))
    starts, starts_missing = (column[licensed] for column in text_of(licences, "starts_on"))
    expires, expires_missing = (column[licensed] for column in text_of(licences, "expires_on"))
    if found_missing.any() or starts_missing.any() or expires_missing.any():
        return _dates_frames(housing, filters)  # compared as pandas' own text columns would be
    return found, remedied, not_remedied, found.astype("U4"), remedied.astype("U4"), starts, expires


def _dates_frames(housing: dict[str, pd.DataFrame], filters: Filters) -> tuple[np.ndarray, ...]:
    hazards = housing["hazards"][housing["hazards"]["area"].isin(filters.codes)]
    licences = housing["licences"][housing["licences"]["area"].isin(filters.codes)]
    # ISO dates compare as text; each column is converted once, not once a year.
    found, remedied = hazards["found_on"].astype(str), hazards["remedied_on"].astype(str).fillna("")
    not_remedied = hazards["remedied_on"].isna().to_numpy()
    found_year, remedied_year = found.str[:4].to_numpy(), remedied.str[:4].to_numpy()
    starts = licences["starts_on"].astype(str).to_numpy()
    expires = licences["expires_on"].astype(str).to_numpy()
    return found.to_numpy(), remedied.to_numpy(), not_remedied, found_year, remedied_year, starts, expires


def housing_panel(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    housing = facts["housing"]
    found, remedied, not_remedied, found_year, remedied_year, starts, expires = _dates(housing, filters)
    homes = housing["homes"]
    is_hmo = homes["is_hmo"].to_numpy()[ward_rows(homes, filters.codes)]
    records = []
    for year in filters.years:
        end, y = year_end(year), str(year)
        open_at_end = (found <= end) & (not_remedied | (remedied > end))
        in_force = (starts <= end) & (expires > end)
        records.append(
            {
                "year": y,
                "found": int((found_year == y).sum()),
                "remedied": int((remedied_year == y).sum()),
                "open": int(open_at_end.sum()),
                "licences": int(in_force.sum()),
            }
        )
    table = pd.DataFrame(
        {name: [record[name] for record in records] for name in ("found", "remedied", "open", "licences")},
        index=text_index([record["year"] for record in records], name="year"),
    )
    published = publish(table, counts=["found", "remedied", "open", "licences"])
    hmos = publish(pd.DataFrame({"n": [int(is_hmo.astype(bool).sum())]}), counts=["n"]).loc[0, "n"]
    columns = (
        Column("year", "Year", "text"),
        Column("found", "Category 1 hazards found"),
        Column("remedied", "Category 1 hazards remedied"),
        Column("open", "Open at year end"),
        Column("licences", "HMO licences in force at year end"),
    )
    last = published.iloc[-1]
    summary = (
        f"{display(hmos, 'count')} homes in {filters.label} are recorded as HMOs; at the end of "
        f"{published.index[-1]}, {display(last['open'], 'count')} Category 1 hazards were open and "
        f"{display(last['licences'], 'count')} HMO licences were in force."
    )
    chart = LineChart(
        title=f"Category 1 hazards and HMO licences, {filters.label}",
        x=[int(y) for y in published.index],
        series={c.label: numeric(published[c.key]) for c in columns[1:]},
        ylabel="Hazards or licences",
        mark_start=False,
    )
    return Panel(
        "housing",
        "Housing conditions: HMOs, licences and Category 1 hazards",
        summary,
        columns,
        rows_of(published, columns, index_key="year"),
        chart,
        ("Hazards are HHSRS Category 1 (score 1,000 or more) found at inspection.",),
    )


def housing_benefit_panel(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    rows = in_period(facts["housing_benefit"], filters)
    sums = rows.groupby("year")[
        [
            "housing_benefit",
            "into_category_1_homes",
            "into_unlicensed_hmos",
            "homes",
            "category_1_homes",
            "unlicensed_hmos",
        ]
    ].sum()
    table = sums.reindex(year_index(filters)).dropna(how="all")
    table["share"] = 100 * table["into_category_1_homes"] / table["housing_benefit"]
    published = publish(
        table,
        counts=["homes", "category_1_homes", "unlicensed_hmos"],
        rates={
            "housing_benefit": "homes",
            "into_category_1_homes": Rate("category_1_homes", "category_1_homes"),
            "into_unlicensed_hmos": Rate("unlicensed_hmos", "unlicensed_hmos"),
            "share": Rate("category_1_homes", "category_1_homes"),
        },
    )
    columns = (
        Column("year", "Year", "text"),
        Column("housing_benefit", "Housing benefit paid", "money"),
        Column("homes", "Homes paid for"),
        Column("into_category_1_homes", "Into homes with an open Category 1 hazard", "money"),
        Column("category_1_homes", "Those homes"),
        Column("share", "Share of housing benefit", "rate"),
        Column("into_unlicensed_hmos", "Into HMOs without a licence", "money"),
        Column("unlicensed_hmos", "Those HMOs"),
    )
    shown = [
        (y, v)
        for y, v in zip(published.index, published["into_category_1_homes"], strict=True)
        if v != SUPPRESSED
    ]
    if shown:
        total = sum(float(v) for _, v in shown)
        summary = (
            f"£{total:,.0f} of housing benefit was paid into homes in {filters.label} with an open Category 1 hazard "
            f"in the years shown."
        )
    else:
        summary = f"Too few homes with open Category 1 hazards in {filters.label} to publish the amounts."
    chart = BarChart(
        title=f"Housing benefit paid into poor homes, {filters.label}",
        categories=[str(i) for i in published.index],
        series={
            "Open Category 1 hazard": numeric(published["into_category_1_homes"]),
            "HMO without a licence": numeric(published["into_unlicensed_hmos"]),
        },
        ylabel="£ a year",
        stacked=False,
    )
    return Panel(
        "housing-benefit",
        "Housing benefit paid into homes with open Category 1 hazards or no licence",
        summary,
        columns,
        rows_of(published, columns, index_key="year"),
        chart,
        (
            "Homes never inspected count as having no known hazard: the amounts are a lower bound. "
            "Amounts are shown only where at least 10 homes are paid for.",
        ),
    )
