"""The sections on the case in figures: the gap to the Kent average, the impact on the wards and on
households, and the savings."""

import pandas as pd

from taskforce.org.models import Area

from .. import charts
from ..analyses import AREA_METHOD_NAMES
from ..disclosure import publish
from ..models import AnalysisRun
from ..tables import Column
from .pack import Section, Table, interval, latest, number, published_table, run_hint, source_of, titled


def gap_section() -> Section:
    run = latest(AnalysisRun.Kind.GAP)
    title = "The gap to the Kent average"
    if run is None:
        return Section("gap", title, missing=run_hint("gap", "kind: gap to Kent average, period 2009"))
    r = run.result
    names = dict(Area.objects.filter(gss_code__in=r.get("targets", [])).values_list("gss_code", "name"))
    frame = pd.DataFrame(r.get("rows", []))
    frame["area"] = [names.get(a, a) for a in frame["area"]]
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
        notes=(r.get("note", ""), *r.get("warnings", [])),
        sources=(source_of(run),),
    )


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
    notes = [
        f"{method}: {inference}" for method, inference in zip(frame.index, frame["inference"], strict=True)
    ]
    for run in found.values():
        pretrend = run.result.get("pretrend")
        if pretrend:
            notes.append(
                f"Pre-trend test ({AREA_METHOD_NAMES[run.result.get('method', '')]}): p = {number(pretrend.get('p_value'))}; {pretrend.get('test', '')}."
            )
        notes.extend(run.result.get("warnings", []))
    sources = [source_of(r) for r in found.values()] + ([source_of(its)] if its else [])
    missing = [AREA_METHOD_NAMES[m] for m in ("sc", "sdid", "did") if m not in found]
    if missing:
        notes.append(f"Not yet run: {', '.join(missing)}.")
    return Section(
        "area-impact",
        title,
        label="Impact estimate against a counterfactual",
        tables=tuple(tables),
        charts=tuple(drawn),
        notes=tuple(notes),
        sources=tuple(sources),
    )


def household_section() -> Section:
    title = "Household impact"
    run = latest(AnalysisRun.Kind.HOUSEHOLD_IMPACT)
    matched = latest(AnalysisRun.Kind.MATCHED)
    if run is None and matched is None:
        return Section("household-impact", title, missing=run_hint("household-impact", "outcome: dependent"))
    facts: list[tuple[str, str]] = []
    notes: list[str] = []
    sources = []
    if run is not None:
        r = run.result
        sources.append(source_of(run))
        treated = r.get("n_treated_households") or 0
        counts = publish(pd.DataFrame({"n": [treated, r.get("n_units") or 0]}), counts=["n"])["n"].tolist()
        facts.append(("Households with a task-force intervention", str(counts[0])))
        facts.append(("Households in the panel", str(counts[1])))
        if treated >= 10:
            facts.append(
                (f"Change in {r.get('outcome', 'outcome')} (share of months)", interval(r, "{:.3f}"))
            )
            facts.append(("p-value (household-clustered)", number(r.get("p_value"), "{:.3f}")))
            area = r.get("area") or {}
            if area:
                facts.append(
                    ("Area-level wild bootstrap p-value", number(area.get("wild_p_value"), "{:.3f}"))
                )
                facts.append(
                    ("Randomisation inference p-value", number(area.get("randomisation_p_value"), "{:.3f}"))
                )
                notes.append(area.get("inference", ""))
        else:
            facts.append(("Estimate", "withheld: fewer than 10 households in a group"))
        notes.append(r.get("inference", ""))
        notes.extend(r.get("warnings", []))
    if matched is not None:
        sources.append(source_of(matched))
        m = matched.result
        facts.append(("Matched comparison (propensity weighting, ATT)", interval(m, "{:.3f}")))
        notes.append(m.get("inference", ""))
    return Section(
        "household-impact",
        title,
        label="Impact estimate on the household-month panel",
        facts=tuple(facts),
        notes=tuple(n for n in notes if n),
        sources=tuple(sources),
    )


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
    line_names = {
        "exchequer": "Exchequer (AME)",
        "social": "Social value",
        "cashable": "Cashable local saving",
    }
    lines.index = [line_names.get(i, i) for i in lines.index]
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
    sens = pd.DataFrame(r.get("sensitivity", []))
    if not sens.empty:
        sens_cols = tuple(
            Column(k, k.replace("_", " ").capitalize(), "text" if sens[k].dtype == object else "ratio")
            for k in sens.columns
        )
        tables.append(
            Table(
                "savings-sensitivity",
                "Sensitivity of the headline NPV",
                sens_cols,
                tuple(tuple(rec.values()) for rec in sens.to_dict(orient="records")),
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
                tuple(tuple(rec.get(c.key) for c in cost_cols) for rec in costs.to_dict(orient="records")),
            )
        )
    assumptions = r.get("assumptions", {})
    facts = [
        ("Effect used", f"{number(r.get('effect'))} (standard error {number(r.get('effect_se'))})"),
        (
            "Effect from",
            f"analysis run {r['effect_basis']['analysis_run']}"
            if r.get("effect_basis", {}).get("analysis_run")
            else "given directly",
        ),
    ]
    for key, value in assumptions.items():
        facts.append(
            (
                key.replace("_", " ").capitalize(),
                ", ".join(f"{k} {v}" for k, v in value.items()) if isinstance(value, dict) else str(value),
            )
        )
    return Section(
        "savings",
        title,
        label=r.get("label", ""),
        facts=tuple(facts),
        tables=tuple(tables),
        notes=(r.get("note", ""), r.get("inference", ""), *r.get("warnings", [])),
        sources=(source_of(run),),
    )
