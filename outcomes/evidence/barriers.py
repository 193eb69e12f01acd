"""The sections on two barriers the task force named: placements into the wards by other authorities (the
case for a Margate Agreement) and housing benefit paid into poor homes."""

import pandas as pd

from .. import charts
from ..disclosure import SUPPRESSED, Rate, publish
from ..models import AnalysisRun
from ..tables import Column, display
from .pack import Section, latest, number, published_table, run_hint, source_of, titled


def placements_section() -> Section:
    title = "Placements into the wards: the case for a Margate Agreement"
    run = latest(AnalysisRun.Kind.PLACEMENTS)
    if run is None:
        return Section("placements", title, missing=run_hint("placements", "kind: placements evidence"))
    r = run.result
    tables = []
    for key, label, slug in (
        ("inflow_by_authority", "authority", "Placing authority"),
        ("inflow_by_type", "type", "Type"),
    ):
        frame = pd.DataFrame(r.get(key, []))
        if frame.empty:
            continue
        frame = frame.set_index(label)[["placements", "households"]]
        frame.loc["Total"] = frame.sum()
        tables.append(
            published_table(
                f"placements-{label}",
                f"Placements by {slug.lower()}",
                frame,
                (
                    Column(label, slug, "text"),
                    Column("placements", "Placements"),
                    Column("households", "Households"),
                ),
                counts=["placements", "households"],
                total_row="Total",
            )
        )
    by_year = pd.DataFrame(r.get("inflow_by_year", []))
    if not by_year.empty:
        by_year["year"] = by_year["year"].astype(str)
        by_year = by_year.set_index("year")[["placements", "households"]]
        tables.append(
            published_table(
                "placements-year",
                "Placements by year",
                by_year,
                (
                    Column("year", "Year", "text"),
                    Column("placements", "Placements"),
                    Column("households", "Households"),
                ),
                counts=["placements", "households"],
            )
        )
    compliance = pd.DataFrame(r.get("compliance", []))
    if not compliance.empty:
        compliance.index = [
            f"{a}: {t}" for a, t in zip(compliance["authority"], compliance["type"], strict=True)
        ]
        compliance["judged"] = compliance["on_time"] + compliance["late"] + compliance["missing"]
        compliance["on_time_rate"] = 100 * compliance["on_time_rate"].astype(float)
        tables.append(
            published_table(
                "placements-compliance",
                "Notification compliance by authority and type",
                compliance,
                (
                    Column("group", "Authority: type", "text"),
                    Column("placements", "Placements"),
                    Column("on_time", "On time"),
                    Column("late", "Late"),
                    Column("missing", "Missing"),
                    Column("pending", "Not yet due"),
                    Column("on_time_rate", "On time (of those due)", "rate"),
                ),
                counts=["placements", "on_time", "late", "missing", "pending"],
                rates={"on_time_rate": Rate("judged", "on_time")},
            )
        )
    dep = r.get("dependency", {})
    gap = r.get("gap_share", {})
    n = publish(
        pd.DataFrame({"n": [dep.get("placed_households", 0), dep.get("other_households", 0)]}), counts=["n"]
    )["n"].tolist()
    facts = [("Placed households", display(n[0], "count")), ("Other households", display(n[1], "count"))]
    if min(dep.get("placed_households", 0), dep.get("other_households", 0)) >= 10:
        facts += [
            (
                "Dependency rate, placed households",
                number(100 * dep.get("placed_dependency_rate", float("nan")), "{:.1f}%"),
            ),
            (
                "Dependency rate, other households",
                number(100 * dep.get("other_dependency_rate", float("nan")), "{:.1f}%"),
            ),
        ]
    if gap.get("share_of_gap") is not None:
        facts.append(
            (
                "Share of the gap to Kent explained by placed households",
                number(100 * gap["share_of_gap"], "{:.0f}%"),
            )
        )
    return Section(
        "placements",
        title,
        label="Descriptive",
        facts=tuple(facts),
        tables=tuple(tables),
        notes=(r.get("inference", ""), *r.get("warnings", [])),
        sources=(source_of(run),),
    )


def housing_section() -> Section:
    title = "Housing benefit and property condition"
    run = latest(AnalysisRun.Kind.HOUSING)
    if run is None:
        return Section("housing", title, missing=run_hint("housing", "kind: housing evidence"))
    r = run.result
    frame = pd.DataFrame(r.get("by_year", []))
    frame["share"] = 100 * frame["share_into_category_1_homes"]
    frame = frame.set_index("year")
    table = published_table(
        "housing",
        "Housing benefit by the condition of the home it paid for",
        frame,
        (
            Column("year", "Year", "text"),
            Column("housing_benefit", "Housing benefit", "money"),
            Column("homes_paid_for", "Homes"),
            Column("into_category_1_homes", "Into homes with an open Category 1 hazard", "money"),
            Column("category_1_homes_paid_for", "Those homes"),
            Column("share", "Share", "rate"),
            Column("into_unlicensed_hmos", "Into unlicensed HMOs", "money"),
            Column("unlicensed_hmos_paid_for", "Those HMOs"),
        ),
        counts=["homes_paid_for", "category_1_homes_paid_for", "unlicensed_hmos_paid_for"],
        rates={
            "housing_benefit": "homes_paid_for",
            "into_category_1_homes": Rate("category_1_homes_paid_for", "category_1_homes_paid_for"),
            "share": Rate("category_1_homes_paid_for", "category_1_homes_paid_for"),
            "into_unlicensed_hmos": Rate("unlicensed_hmos_paid_for", "unlicensed_hmos_paid_for"),
        },
    )
    shown = [row for row in table.rows if row[3] != SUPPRESSED]
    chart = titled(
        charts.bar_chart,
        slug="housing-evidence",
        title="Housing benefit paid into poor homes, by year",
        description=f"Total into homes with open Category 1 hazards: £{r.get('into_category_1_homes', 0):,.0f}.",
        categories=[str(row[0]) for row in table.rows],
        series={
            "Open Category 1 hazard": [None if row[3] == SUPPRESSED else row[3] for row in table.rows],
            "Unlicensed HMO": [None if row[6] == SUPPRESSED else row[6] for row in table.rows],
        },
        ylabel="£ a year",
        stacked=False,
    )
    facts = (
        ("Housing benefit in these records", f"£{r.get('total_housing_benefit', 0):,.0f}"),
        (
            "Paid into homes with an open Category 1 hazard",
            f"£{sum(float(row[3]) for row in shown):,.0f} (years with at least 10 such homes)",
        ),
    )
    return Section(
        "housing",
        title,
        label="Descriptive",
        facts=facts,
        tables=(table,),
        charts=(chart,),
        notes=(r.get("inference", ""), *r.get("warnings", [])),
        sources=(source_of(run),),
    )
