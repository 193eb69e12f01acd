"""The sections on the case in figures: the gap to the Kent average, the impact on the wards and on
households, and the savings."""

import pandas as pd

from taskforce.org.models import Area

from .. import charts
from ..analyses import AREA_METHOD_NAMES
from ..disclosure import publish
from ..models import AnalysisRun
from ..tables import Column, display
from .pack import (
    Headline,
    Section,
    Table,
    interval,
    latest,
    number,
    p_value,
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
