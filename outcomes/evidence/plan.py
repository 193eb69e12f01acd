"""The pack's first section: the locked analysis plan (outcome, method, comparator pool, windows, secondary
outcomes and their multiple-testing rule, detectable effect, hash and lock time), every recorded deviation
with its reason, the secondary outcomes with their adjusted p-values, and the model-uncertainty table: the
headline estimate beside every other area method's estimate of the same outcome."""

from typing import Any

import pandas as pd

from taskforce.org.models import Area

from ..analyses import AREA_METHOD_NAMES
from ..formatting import plural
from ..models import AnalysisPlan, AnalysisRun
from ..plans import current_plan, run_measure, run_method
from ..tables import Column
from .pack import VALUE_LABELS, Section, Table, number, p_value, percent, published_table, source_of

TITLE = "The analysis plan, and the headline against the other methods"


def _month(period: str) -> str:
    return pd.Period(period, freq="M").strftime("%B %Y")


def _measure(code: str) -> str:
    return str(VALUE_LABELS.get(code, code.replace("_", " ")))


def _latest_by_method(measure: str) -> dict[str, AnalysisRun]:
    """The latest succeeded area-impact run of `measure` by each method, the plan-held run first."""
    found: dict[str, AnalysisRun] = {}
    runs = AnalysisRun.objects.filter(kind=AnalysisRun.Kind.AREA_IMPACT).succeeded().latest_first()
    for run in runs.select_related("job")[:100]:
        method = run_method(run)
        if run_measure(run) == measure and method not in found and method in AREA_METHOD_NAMES:
            found[method] = run
    return found


def plan_facts(plan: AnalysisPlan) -> list[tuple[str, str]]:
    names = dict(Area.objects.values_list("gss_code", "name"))
    treated = "; ".join(f"{names.get(c, c)} from {_month(s)}" for c, s in plan.treated.items())
    pool = (
        f"{plural(len(plan.comparator_pool), 'ward')} named in the plan"
        if plan.comparator_pool
        else "every ward with the measure, less the treated"
    )
    neighbours = (
        ", ".join(names.get(c, c) for c in plan.neighbours)
        + f": {plan.get_neighbours_policy_display().lower()}"
        if plan.neighbours
        else f"none border the treated wards in the pool (policy if any did: {plan.get_neighbours_policy_display().lower()})"
    )
    secondary = (
        ", ".join(_measure(m) for m in plan.secondary_outcomes)
        + f"; p-values adjusted by {plan.get_multiple_testing_display()}"
        if plan.secondary_outcomes
        else "none"
    )
    basis = plan.mde_basis or {}
    mde = (
        f"{number(plan.mde)} {plan.headline_unit} at {percent(plan.power)} power and {percent(plan.alpha)} "
        "significance (two-sided)"
        + (
            f", from {plural(basis['n_treated'], 'treated ward')} against {plural(basis['n_control'], 'comparison ward')}"
            if basis.get("n_treated") is not None and basis.get("n_control") is not None
            else ""
        )
        if plan.mde is not None
        else "not stated"
    )
    return [
        ("Plan", plan.title),
        ("Headline outcome", f"{_measure(plan.headline_measure).capitalize()}, in {plan.headline_unit}"),
        ("Method", plan.get_method_display()),
        ("Treated wards", treated),
        ("Comparator pool", pool),
        ("Neighbouring wards", neighbours),
        (
            "Windows",
            f"before: {_month(plan.pre_start)} to the start; after: {_month(plan.post_start)} to "
            f"{_month(plan.post_end)}",
        ),
        ("Secondary outcomes", secondary),
        ("Minimum detectable effect", mde),
        ("Locked", f"{plan.locked_at:%-d %B %Y %H:%M} UTC" if plan.locked_at else "not locked"),
        ("SHA-256 of the plan", plan.sha256),
        (
            "Hash check",
            "the plan matches the hash it was locked with"
            if plan.intact
            else "the plan NO LONGER matches the hash it was locked with",
        ),
    ]


def deviations_table(plan: AnalysisPlan) -> Table:
    cols = (
        Column("recorded", "Recorded", "text"),
        Column("departure", "Departure from the plan", "text"),
        Column("reason", "Reason", "text"),
        Column("run", "Analysis run", "text"),
    )
    rows = tuple(
        (f"{d.recorded_at:%-d %B %Y}", d.departure, d.reason, str(d.run_id) if d.run_id else "none")
        for d in plan.deviations.order_by("recorded_at", "pk")
    )
    return Table("plan-deviations", "Recorded deviations from the plan, with their reasons", cols, rows)


def uncertainty_table(plan: AnalysisPlan, runs: dict[str, AnalysisRun]) -> Table:
    """The plan's headline estimate beside every other method's estimate of the same outcome."""
    headline = runs.get(plan.method)
    base = headline.result.get("estimate") if headline else None
    rows: list[dict[str, Any]] = []
    order = [plan.method, *(m for m in AREA_METHOD_NAMES if m != plan.method)]
    for method in order:
        run = runs.get(method)
        if run is None:
            continue
        r = run.result
        estimate = r.get("estimate")
        rows.append(
            {
                "method": AREA_METHOD_NAMES[method]
                + (" (the plan's headline)" if method == plan.method else ""),
                "estimate": estimate,
                "ci_low": r.get("ci_low"),
                "ci_high": r.get("ci_high"),
                "p_value": r.get("p_value"),
                "difference": None if base is None or estimate is None else estimate - base,
                "held": "yes" if (r.get("plan_applied") or {}).get("plan") == plan.pk else "no",
                "run": str(run.pk),
            }
        )
    frame = pd.DataFrame(rows).set_index("method")
    return published_table(
        "model-uncertainty",
        f"Model uncertainty: the headline beside every other method's estimate of the "
        f"{_measure(plan.headline_measure)} ({plan.headline_unit})",
        frame,
        (
            Column("method", "Method", "text"),
            Column("estimate", "Estimate", "ratio"),
            Column("ci_low", "95% interval from", "ratio"),
            Column("ci_high", "to", "ratio"),
            Column("p_value", "p-value", "p"),
            Column("difference", "Difference from the headline", "ratio"),
            Column("held", "Held to the plan", "text"),
            Column("run", "Analysis run", "text"),
        ),
    )


def secondary_table(plan: AnalysisPlan, secondary: dict[str, Any]) -> Table:
    rows = []
    for row in secondary.get("rows", []):
        rows.append(
            {
                "measure": _measure(row["measure"]).capitalize(),
                "estimate": row.get("estimate"),
                "ci_low": row.get("ci_low"),
                "ci_high": row.get("ci_high"),
                "p_value": row.get("p_value"),
                "p_adjusted": row.get("p_adjusted"),
                "verdict": (
                    "could not be estimated: " + str(row["error"])
                    if row.get("error")
                    else "significant after adjustment"
                    if row.get("reject")
                    else "not significant after adjustment"
                ),
            }
        )
    frame = pd.DataFrame(rows).set_index("measure")
    return published_table(
        "plan-secondary",
        f"Secondary outcomes by {plan.get_method_display().lower()}, p-values adjusted by "
        f"{plan.get_multiple_testing_display()} at {percent(plan.alpha)}",
        frame,
        (
            Column("measure", "Outcome", "text"),
            Column("estimate", "Estimate", "ratio"),
            Column("ci_low", "95% interval from", "ratio"),
            Column("ci_high", "to", "ratio"),
            Column("p_value", "p-value", "p"),
            Column("p_adjusted", "Adjusted p-value", "p"),
            Column("verdict", "Verdict", "text"),
        ),
    )


def plan_section() -> Section:
    plan = current_plan()
    if plan is None:
        return Section(
            "plan",
            TITLE,
            missing="No analysis plan is locked. Record and lock one before results are read: the headline "
            "outcome, method, comparator pool, windows and secondary outcomes.",
        )
    runs = _latest_by_method(plan.headline_measure)
    deviations = deviations_table(plan)
    tables = [deviations] if deviations.rows else []
    notes = [] if deviations.rows else ["No deviation from the plan has been recorded."]
    headline = runs.get(plan.method)
    facts = plan_facts(plan)
    if headline is not None:
        ring = headline.result.get("spillover")
        if ring and ring.get("estimate") is not None:
            facts.append(
                (
                    "Spillover ring",
                    f"{number(ring['estimate'])} {plan.headline_unit} (95% interval {number(ring.get('ci_low'))} "
                    f"to {number(ring.get('ci_high'))}), p = {p_value(ring.get('p_value'))}",
                )
            )
        if headline.result.get("secondary"):
            tables.append(secondary_table(plan, headline.result["secondary"]))
            notes.append(
                "The headline outcome is primary and tested alone; the adjustment runs over the secondary "
                "outcomes that could be estimated."
            )
    if runs:
        tables.append(uncertainty_table(plan, runs))
        notes.append(
            "Model uncertainty: each method rests on its own assumptions (see Area impact). Where the methods "
            "disagree by more than their intervals, the choice of method matters as much as sampling error; "
            "the appraisal's interval draws from each method in turn."
        )
    else:
        notes.append(
            f"No area-impact run of the {_measure(plan.headline_measure)} yet: build the evidence pack to run "
            "the plan's analyses."
        )
    if headline is None and runs:
        notes.append(f"The plan's own method ({plan.get_method_display().lower()}) has not been run yet.")
    return Section(
        "plan",
        TITLE,
        label="Locked before results were read",
        facts=tuple(facts),
        tables=tuple(tables),
        notes=tuple(notes),
        sources=tuple(source_of(r) for r in runs.values()),
    )
