"""The savings section: the Green Book social cost-benefit appraisal of the plan's headline effect, who pays
and who gains, the programme costs, and the Exchequer, social and cashable lines with their sensitivity."""

from collections.abc import Callable
from typing import Any

import pandas as pd

from ..formatting import money, years
from ..models import AnalysisRun
from ..tables import Column
from .pack import VALUE_LABELS, Headline, Section, Table, latest, number, percent, run_hint, source_of

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
        ("Effect priced", _effect_text(r)),
        (
            "Effect from",
            f"analysis run {basis['analysis_run']} ({VALUE_LABELS.get(basis.get('method', ''), 'area impact')})"
            if (basis := r.get("effect_basis", {})).get("analysis_run")
            else "given directly",
        ),
    ]
    facts.extend(_assumptions(assumptions, appraised=bool(r.get("appraisal"))).values())
    if assumptions.get("deflator_source"):
        facts.append(("GDP deflator", str(assumptions["deflator_source"])))
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


def _effect_text(r: dict[str, Any]) -> str:
    """The effect with the uncertainty the appraisal drew it from: its run's interval, else its SE."""
    ends = r.get("effect_interval")
    if ends:
        return (
            f"{number(r.get('effect'))} percentage points (95% interval {number(ends[0])} to {number(ends[1])}, "
            "as its run reported)"
        )
    if r.get("effect_se") is not None:
        return f"{number(r.get('effect'))} percentage points (standard error {number(r.get('effect_se'))})"
    return f"{number(r.get('effect'))} percentage points (no standard error given)"


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
    base = (a.get("assumptions") or {}).get("price_base_year")
    if base:
        diagnostics.append(f"Prices: every cost and benefit in {base} prices, rebased with the GDP deflator")
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


def _assumptions(assumptions: dict[str, Any], *, appraised: bool = False) -> dict[str, tuple[str, str]]:
    """The appraisal's assumptions as label and text, in the order a reader checks them. A zero share is
    said with its reason (deadweight on a counterfactual estimate, optimism bias applied to costs in the
    appraisal) or flagged, never shown as a bare "0%"."""
    shown: dict[str, tuple[str, str]] = {}
    if "population" in assumptions:
        shown["population"] = (
            "Working-age population of the target wards",
            _whole(assumptions["population"]),
        )
    if "effect_scale" in assumptions:
        shown["effect_scale"] = (
            "Cases a year per person for each percentage point of effect",
            _factor(assumptions["effect_scale"]),
        )
    additionality = assumptions.get("additionality") or {}
    if additionality:
        parts = []
        for name, value in additionality.items():
            if name == "deadweight" and not value:
                parts.append("no deadweight (the counterfactual estimate already nets it out)")
            elif not value:
                parts.append(f"{name} none assumed (no source for a zero: check it)")
            else:
                parts.append(f"{name} {percent(value)}")
        shown["additionality"] = (
            "Additionality",
            ", ".join(parts)
            + (
                f" (net factor {percent(assumptions['additionality_factor'])})"
                if "additionality_factor" in assumptions
                else ""
            ),
        )
    if "optimism_bias" in assumptions:
        value = assumptions["optimism_bias"]
        if value:
            shown["optimism_bias"] = ("Optimism bias (cut to benefits)", percent(value))
        elif appraised:
            shown["optimism_bias"] = (
                "Optimism bias",
                "applied as an uplift on programme costs in the appraisal above, not as a cut to benefits",
            )
        else:
            shown["optimism_bias"] = ("Optimism bias", "none applied (no programme costs to uplift)")
    if "horizon_years" in assumptions:
        shown["horizon_years"] = ("Appraisal period", years(assumptions["horizon_years"]))
    if "persistence_years" in assumptions:
        n = assumptions["persistence_years"]
        shown["persistence_years"] = (
            "Effect persists in full",
            "for the whole appraisal period" if n is None else f"for {years(n)}",
        )
    if "decay" in assumptions and assumptions.get("persistence_years") is not None:
        shown["decay"] = ("Decay after that (share lost a year)", percent(assumptions["decay"]))
    if "discounting" in assumptions:
        shown["discounting"] = ("Discounting", str(assumptions["discounting"]))
    if "price_base_year" in assumptions:
        shown["price_base_year"] = (
            "Prices",
            f"{assumptions['price_base_year']} prices (rebased with the GDP deflator)",
        )
    for key, value in assumptions.items():
        if key not in shown and key not in ("additionality_factor", "decay", "deflator_source"):
            label = key.replace("_", " ").capitalize()
            shown[key] = (label, value if isinstance(value, str) else number(value, "{:,.4g}"))
    return shown
