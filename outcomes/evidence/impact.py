"""The sections on the case in figures: the gap to the Kent average, the impact on the wards and on
households, and the savings."""

from collections.abc import Callable
from typing import Any

import pandas as pd

from taskforce.org.models import Area

from .. import charts
from ..analyses import AREA_METHOD_NAMES
from ..disclosure import publish
from ..models import AnalysisRun
from ..tables import Column, display
from .pack import (
    VALUE_LABELS,
    Headline,
    Section,
    Table,
    interval,
    latest,
    money,
    number,
    p_value,
    percent,
    published_table,
    run_hint,
    source_of,
    titled,
)


def gap_section() -> Section:
    run = latest(AnalysisRun.Kind.GAP)
    title = "The gap to the Kent average"
    if run is None:
        return Section("gap", title, missing=run_hint("gap", "kind: gap to Kent average, period 2009"))
    r = run.result
    codes = [*r.get("targets", []), r.get("reference", "")]
    names = dict(Area.objects.filter(gss_code__in=codes).values_list("gss_code", "name"))
    frame = pd.DataFrame(r.get("rows", []))
    frame["area"] = [
        names.get(a, "Target wards combined" if a == "targets combined" else a) for a in frame["area"]
    ]
    frame = frame.set_index("area")
    table = published_table(
        "gap",
        f"Benefit spend against the Kent average, {r.get('period')}",
        frame,
        (
            Column("area", "Area", "text"),
            Column("value", "Benefit spend", "money"),
            Column("population", "Population"),
            Column("rate_per_head", "Per head", "money"),
            Column("reference_rate_per_head", "Kent per head", "money"),
            Column("value_at_reference_rate", "At the Kent rate", "money"),
            Column("gap_total", "Gap", "money"),
        ),
        counts=["population"],
        rates={k: "population" for k in ("value", "rate_per_head", "value_at_reference_rate", "gap_total")}
        | {"reference_rate_per_head": "population"},
    )
    return Section(
        "gap",
        title,
        label=r.get("label", "descriptive gap, not an impact estimate").capitalize(),
        tables=(table,),
        notes=(_in_words(r.get("note", ""), names), *r.get("warnings", [])),
        sources=(source_of(run),),
    )


def _in_words(note: str, names: dict[str, str]) -> str:
    """A stored note with its area codes and function names put as the page names them."""
    for code, name in names.items():
        note = note.replace(code, name)
    return note.replace("see area_impact for", "see Area impact below for")


def area_section() -> Section:
    title = "Area impact"
    runs = {m: latest(AnalysisRun.Kind.AREA_IMPACT, method=m) for m in AREA_METHOD_NAMES}
    its = latest(AnalysisRun.Kind.ITS)
    found = {m: r for m, r in runs.items() if r is not None}
    if not found:
        return Section(
            "area-impact",
            title,
            missing=run_hint("area-impact", "methods sc, sdid and did, measure out_of_work_rate"),
        )
    rows = []
    for method, run in found.items():
        r = run.result
        rows.append(
            {
                "method": AREA_METHOD_NAMES[method],
                "estimate": r.get("estimate"),
                "ci_low": r.get("ci_low"),
                "ci_high": r.get("ci_high"),
                "p_value": r.get("p_value"),
                "pre_rmspe": r.get("pre_rmspe"),
                "donors": r.get("n_donors"),
                "inference": r.get("inference", ""),
            }
        )
    if its is not None:
        r = its.result
        rows.append(
            {
                "method": "Comparative interrupted time series (against Kent)",
                "estimate": r.get("estimate"),
                "ci_low": r.get("ci_low"),
                "ci_high": r.get("ci_high"),
                "p_value": r.get("p_value"),
                "pre_rmspe": None,
                "donors": None,
                "inference": r.get("inference", ""),
            }
        )
    frame = pd.DataFrame(rows).set_index("method")
    estimates = Table(
        "area-impact",
        "Estimated change in the out-of-work rate (percentage points), method by method",
        cols := (
            Column("method", "Method", "text"),
            Column("estimate", "Estimate", "ratio"),
            Column("ci_low", "95% interval from", "ratio"),
            Column("ci_high", "to", "ratio"),
            Column("p_value", "p-value", "p"),
            Column("pre_rmspe", "Pre-period fit (RMSPE)", "ratio"),
        ),
        tuple(
            tuple(label if c.key == "method" else rec.get(c.key) for c in cols)
            for label, rec in zip(frame.index, frame.to_dict(orient="records"), strict=True)
        ),
    )
    tables = [estimates]
    drawn = []
    names = dict(Area.objects.filter(type=Area.Type.WARD).values_list("gss_code", "name"))
    for method in ("sdid", "sc"):
        if method not in found:
            continue
        run = found[method]
        r = run.result
        treated, counterfactual = r.get("treated_path") or {}, r.get("counterfactual_path") or {}
        if treated and counterfactual:
            periods = sorted(set(treated) & set(counterfactual))
            starts = sorted((r.get("sample", {}).get("treated") or {}).values())
            start = starts[0] if starts else None
            drawn.append(
                titled(
                    charts.path_chart,
                    slug=f"path-{method}",
                    title=f"Target wards against their counterfactual ({AREA_METHOD_NAMES[method].lower()})",
                    description=f"Monthly out-of-work rate of the target wards and of the weighted comparison wards; estimate {interval(r)}.",
                    periods=periods,
                    treated=[treated[p] for p in periods],
                    counterfactual=[counterfactual[p] for p in periods],
                    start=start,
                    ylabel="Out-of-work rate (%)",
                )
            )
        weights = r.get("weights") or {}
        if weights:
            top = sorted(weights.items(), key=lambda kv: -kv[1])[:10]
            tables.append(
                Table(
                    f"weights-{method}",
                    f"Donor weights, top 10 ({AREA_METHOD_NAMES[method].lower()})",
                    (Column("donor", "Comparison ward", "text"), Column("weight", "Weight", "ratio")),
                    tuple((f"{names.get(code, code)} ({code})", w) for code, w in top),
                )
            )
    event_run = found.get("event-study") or next(
        (r for r in found.values() if r.result.get("event_study")), None
    )
    if event_run is not None and event_run.result.get("event_study"):
        coefs = event_run.result["event_study"]
        drawn.append(
            titled(
                charts.interval_chart,
                slug="event-study",
                title="Event study: change against the comparison wards by month from the start",
                description="Coefficients relative to the month before the task force started, with 95% intervals.",
                x=[c["event_time"] for c in coefs],
                estimate=[c.get("estimate") for c in coefs],
                low=[c.get("ci_low") for c in coefs],
                high=[c.get("ci_high") for c in coefs],
                xlabel="Months from the start",
                ylabel="Percentage points",
            )
        )
    headlines = [_area_headline(AREA_METHOD_NAMES[method], run.result) for method, run in found.items()]
    if its is not None:
        headlines.append(_area_headline("Comparative interrupted time series (against Kent)", its.result))
    notes = []
    sources = [source_of(r) for r in found.values()] + ([source_of(its)] if its else [])
    missing = [AREA_METHOD_NAMES[m] for m in ("sc", "sdid", "did") if m not in found]
    if missing:
        notes.append(f"Not yet run: {', '.join(missing)}.")
    return Section(
        "area-impact",
        title,
        label="Impact estimate against a counterfactual",
        headlines=tuple(headlines),
        tables=tuple(tables),
        charts=tuple(drawn),
        notes=tuple(notes),
        sources=tuple(sources),
    )


def _area_headline(label: str, r: dict) -> Headline:
    """An area estimate in percentage points, with its fit, pre-trend test and warnings beside it."""
    value = f"{interval(r, unit=' percentage points')}, p = {p_value(r.get('p_value'))}"
    diagnostics = []
    if r.get("pre_rmspe") is not None:
        diagnostics.append(
            f"Pre-period fit: root mean squared prediction error {number(r.get('pre_rmspe'))} percentage points."
        )
    if r.get("n_donors"):
        diagnostics.append(f"Comparison wards: {r['n_donors']}.")
    pretrend = r.get("pretrend")
    if pretrend:
        diagnostics.append(
            f"Pre-trend test: p = {p_value(pretrend.get('p_value'))}"
            + (f" ({pretrend['test']})." if pretrend.get("test") else ".")
        )
    return Headline(
        label,
        value,
        inference=r.get("inference", ""),
        diagnostics=tuple(diagnostics),
        warnings=tuple(r.get("warnings", [])),
    )


# How a household outcome's effect reads: a change in the share of months dependent is in percentage points,
# a change in benefit paid in pounds a month.
HOUSEHOLD_OUTCOMES = {
    "dependent": (
        "Change in the share of months dependent on out-of-work benefit",
        100.0,
        "{:,.1f}",
        " percentage points",
    ),
    "benefit": ("Change in benefit paid a month", 1.0, "£{:,.0f}", ""),
    "out_of_work_benefit": ("Change in out-of-work benefit paid a month", 1.0, "£{:,.0f}", ""),
}


def household_section() -> Section:
    title = "Household impact"
    run = latest(AnalysisRun.Kind.HOUSEHOLD_IMPACT)
    matched = latest(AnalysisRun.Kind.MATCHED)
    if run is None and matched is None:
        return Section("household-impact", title, missing=run_hint("household-impact", "outcome: dependent"))
    facts: list[tuple[str, str]] = []
    headlines: list[Headline] = []
    sources = []
    if run is not None:
        r = run.result
        sources.append(source_of(run))
        treated = r.get("n_treated_households") or 0
        counts = publish(pd.DataFrame({"n": [treated, r.get("n_units") or 0]}), counts=["n"])["n"].tolist()
        facts.append(("Households with a task-force intervention", display(counts[0], "count")))
        facts.append(("Households in the panel", display(counts[1], "count")))
        label, scale, fmt, unit = HOUSEHOLD_OUTCOMES.get(
            r.get("outcome", "dependent"), HOUSEHOLD_OUTCOMES["dependent"]
        )
        if treated >= 10:
            diagnostics = [f"p-value, household-clustered: {p_value(r.get('p_value'))}."]
            area = r.get("area") or {}
            if area:
                diagnostics.append(
                    f"p-value, area-level wild bootstrap: {p_value(area.get('wild_p_value'))}."
                )
                diagnostics.append(
                    f"p-value, randomisation inference: {p_value(area.get('randomisation_p_value'))}."
                )
                if area.get("inference"):
                    diagnostics.append(area["inference"])
            headlines.append(
                Headline(
                    label,
                    interval(r, fmt, scale=scale, unit=unit),
                    inference=r.get("inference", ""),
                    diagnostics=tuple(diagnostics),
                    warnings=tuple(r.get("warnings", [])),
                )
            )
        else:
            headlines.append(
                Headline(
                    label,
                    "Withheld: fewer than 10 households in a group",
                    warnings=tuple(r.get("warnings", [])),
                )
            )
    if matched is not None:
        sources.append(source_of(matched))
        m = matched.result
        headlines.append(
            Headline(
                "Matched comparison: change in the share of households dependent at follow-up, for those "
                "treated (propensity weighting)",
                interval(m, "{:,.1f}", scale=100.0, unit=" percentage points"),
                inference=m.get("inference", ""),
                warnings=tuple(m.get("warnings", [])),
            )
        )
    return Section(
        "household-impact",
        title,
        label="Impact estimate on the household-month panel",
        headlines=tuple(headlines),
        facts=tuple(facts),
        sources=tuple(sources),
    )


LINE_NAMES = {
    "exchequer": "Exchequer (AME)",
    "social": "Social value",
    "cashable": "Cashable local saving",
}


def savings_section() -> Section:
    title = "Savings"
    run = latest(AnalysisRun.Kind.SAVINGS)
    if run is None:
        return Section(
            "savings",
            title,
            missing=run_hint("savings", "after an area-impact run, or with an effect and its standard error"),
        )
    r = run.result
    lines = pd.DataFrame(r.get("lines", [])).set_index("line")
    lines.index = [LINE_NAMES.get(i, i) for i in lines.index]
    tables = [
        Table(
            "savings-lines",
            "Savings by line (never added together: benefit payments are transfers)",
            cols := (
                Column("line", "Line", "text"),
                Column("annual_gross", "Annual, gross", "money"),
                Column("annual_net", "Annual, net of additionality", "money"),
                Column("npv", "Net present value", "money"),
                Column("npv_ci_low", "NPV 95% interval from", "money"),
                Column("npv_ci_high", "to", "money"),
            ),
            tuple(
                tuple(label if c.key == "line" else rec.get(c.key) for c in cols)
                for label, rec in zip(lines.index, lines.to_dict(orient="records"), strict=True)
            ),
        )
    ]
    sensitivity = r.get("sensitivity", [])
    if sensitivity:
        tables.append(
            Table(
                "savings-sensitivity",
                f"Sensitivity of the headline net present value ({money(sensitivity[0].get('base_npv'))} at the "
                "central values), one parameter at a time",
                (
                    Column("parameter", "Parameter", "text"),
                    Column("values", "Low / high value", "text"),
                    Column("npv_at_low", "NPV at the low value", "money"),
                    Column("npv_at_high", "NPV at the high value", "money"),
                    Column("swing", "Swing", "money"),
                ),
                tuple(
                    (
                        SENSITIVITY_LABELS.get(row["parameter"], (row["parameter"], number))[0],
                        _low_high(row),
                        row.get("npv_at_low"),
                        row.get("npv_at_high"),
                        row.get("swing"),
                    )
                    for row in sensitivity
                ),
            )
        )
    costs = pd.DataFrame(r.get("unit_costs", []))
    if not costs.empty:
        cost_cols = (
            Column("name", "Unit cost", "text"),
            Column("line", "Line", "text"),
            Column("amount", "Value", "money"),
            Column("price_year", "Price year", "text"),
            Column("source", "Source", "text"),
        )
        tables.append(
            Table(
                "savings-unit-costs",
                "Unit costs and their sources",
                cost_cols,
                tuple(
                    tuple(
                        LINE_NAMES.get(v, v) if c.key == "line" else v
                        for c, v in ((c, rec.get(c.key)) for c in cost_cols)
                    )
                    for rec in costs.to_dict(orient="records")
                ),
            )
        )
    assumptions = r.get("assumptions", {})
    facts = [
        (
            "Effect priced",
            f"{number(r.get('effect'))} percentage points (standard error {number(r.get('effect_se'))})"
            if r.get("effect_se") is not None
            else f"{number(r.get('effect'))} percentage points (no standard error given)",
        ),
        (
            "Effect from",
            f"analysis run {basis['analysis_run']} ({VALUE_LABELS.get(basis.get('method', ''), 'area impact')})"
            if (basis := r.get("effect_basis", {})).get("analysis_run")
            else "given directly",
        ),
    ]
    facts.extend((label, text) for key, (label, text) in _assumptions(assumptions).items() if key)
    headline = next((line for line in r.get("lines", []) if line.get("line") == "exchequer"), None)
    headlines = []
    if headline is not None:
        headlines.append(
            Headline(
                "Net present value to the Exchequer (AME)",
                f"{money(headline.get('npv'))} (95% interval {money(headline.get('npv_ci_low'))} to "
                f"{money(headline.get('npv_ci_high'))})",
                inference=r.get("inference", ""),
                diagnostics=(r.get("note", ""),) if r.get("note") else (),
                warnings=tuple(r.get("warnings", [])),
            )
        )
    appraisal = r.get("appraisal")
    if appraisal:
        headlines.insert(0, _appraisal_headline(appraisal))
        tables.extend(_appraisal_tables(appraisal))
    return Section(
        "savings",
        title,
        label=r.get("label", ""),
        headlines=tuple(headlines),
        facts=tuple(facts),
        tables=tuple(tables),
        sources=(source_of(run),),
    )


def _appraisal_headline(a: dict[str, Any]) -> Headline:
    """The social cost-benefit appraisal as one headline: NPSV and BCR with their intervals, the switching
    value and the payback year."""
    npsv_ci, bcr_ci = a.get("npsv_interval"), a.get("bcr_interval")
    parts = [
        f"{money(a.get('npsv'))}"
        + (f" (95% interval {money(npsv_ci[0])} to {money(npsv_ci[1])})" if npsv_ci else ""),
        f"benefit-cost ratio {_factor(a.get('bcr'))}"
        + (f" ({_factor(bcr_ci[0])} to {_factor(bcr_ci[1])})" if bcr_ci else ""),
    ]
    diagnostics = [
        f"Switching value: the net present social value is zero at an effect of "
        f"{number(a.get('switching_effect'))} percentage points"
        if a.get("switching_effect") is not None
        else "Switching value: none (no effect pays back the costs)",
        f"Payback: year {a['payback_year']}"
        if a.get("payback_year") is not None
        else "Payback: not within the horizon",
        f"Costs, with the optimism-bias uplift, present value {money(a.get('pv_costs'))}; social benefits "
        f"{money(a.get('pv_social_benefits'))}",
    ]
    if a.get("probability_npsv_positive") is not None:
        diagnostics.append(
            f"Chance the net present social value is positive: {percent(a['probability_npsv_positive'])}"
        )
    if a.get("note"):
        diagnostics.append(a["note"])
    return Headline(
        "Net present social value",
        "; ".join(parts),
        inference=a.get("inference", ""),
        diagnostics=tuple(diagnostics),
        warnings=tuple(a.get("warnings", [])),
    )


def _appraisal_tables(a: dict[str, Any]) -> list[Table]:
    """Who pays and who gains (central and local apart), and the programme's costs with their sources."""
    tables = []
    payers = a.get("by_payer", [])
    if payers:
        payer_cols = (
            Column("payer", "Who gains", "text"),
            Column("level", "Government level", "text"),
            Column("social_value", "Social value, present value", "money"),
            Column("transfers", "Benefit transfers, present value (not social value)", "money"),
        )
        tables.append(
            Table(
                "savings-by-payer",
                "Who pays and who gains",
                payer_cols,
                tuple(
                    tuple(
                        str(row.get("level", "")).capitalize() if c.key == "level" else row.get(c.key)
                        for c in payer_cols
                    )
                    for row in payers
                ),
            )
        )
    costs = a.get("costs", [])
    if costs:
        cost_cols = (
            Column("name", "Programme cost", "text"),
            Column("year", "Year", "text"),
            Column("amount", "Cost", "money"),
            Column("uplifted", "With optimism bias", "money"),
            Column("source", "Source", "text"),
        )
        tables.append(
            Table(
                "savings-costs",
                "Programme costs",
                cost_cols,
                tuple(
                    tuple(str(row.get(c.key)) if c.key == "year" else row.get(c.key) for c in cost_cols)
                    for row in costs
                ),
            )
        )
    return tables


def _whole(value: Any) -> str:
    return number(value, "{:,.0f}")


def _factor(value: Any) -> str:
    return number(value, "{:,.2f}")


# A sensitivity parameter's label and how its low and high values read.
SENSITIVITY_LABELS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "effect": ("Effect (percentage points)", number),
    "deadweight": ("Deadweight", percent),
    "displacement": ("Displacement", percent),
    "leakage": ("Leakage", percent),
    "substitution": ("Substitution", percent),
    "optimism_bias": ("Optimism bias", percent),
    "persistence_years": ("Persistence (years)", _whole),
    "decay": ("Decay after persistence (share lost a year)", percent),
    "unit_costs": ("Unit costs (share of the stated values)", percent),
}


def _low_high(row: dict[str, Any]) -> str:
    show = SENSITIVITY_LABELS.get(row["parameter"], ("", number))[1]
    return f"{show(row.get('low'))} / {show(row.get('high'))}"


def _assumptions(assumptions: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """The appraisal's assumptions as label and text, in the order a reader checks them."""
    shown: dict[str, tuple[str, str]] = {}
    if "population" in assumptions:
        shown["population"] = (
            "Working-age population of the target wards",
            _whole(assumptions["population"]),
        )
    if "effect_scale" in assumptions:
        shown["effect_scale"] = (
            "Cases a year per person for each unit of effect",
            _factor(assumptions["effect_scale"]),
        )
    additionality = assumptions.get("additionality") or {}
    if additionality:
        shown["additionality"] = (
            "Additionality",
            ", ".join(f"{name} {percent(value)}" for name, value in additionality.items())
            + (
                f" (net factor {percent(assumptions['additionality_factor'])})"
                if "additionality_factor" in assumptions
                else ""
            ),
        )
    if "optimism_bias" in assumptions:
        shown["optimism_bias"] = ("Optimism bias", percent(assumptions["optimism_bias"]))
    if "horizon_years" in assumptions:
        shown["horizon_years"] = ("Appraisal period", f"{_whole(assumptions['horizon_years'])} years")
    if "persistence_years" in assumptions:
        years = assumptions["persistence_years"]
        shown["persistence_years"] = (
            "Effect persists",
            "for the whole appraisal period" if years is None else f"{_whole(years)} years",
        )
    if "decay" in assumptions and assumptions.get("persistence_years") is not None:
        shown["decay"] = ("Decay after that (share lost a year)", percent(assumptions["decay"]))
    if "discounting" in assumptions:
        shown["discounting"] = ("Discounting", str(assumptions["discounting"]))
    for key, value in assumptions.items():
        if key not in shown and key not in ("additionality_factor", "decay"):
            shown[key] = (key.replace("_", " ").capitalize(), str(value))
    return shown
