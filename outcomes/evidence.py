"""The policy lead's evidence pack, assembled from the latest successful analysis run of each kind.

Every table in it passes through `disclosure.publish`, and the page, the CSV bundle and the PDF are all
rendered from the one `EvidencePack` built here, so the three carry the same published figures. Each
section says which run (number, parameters, date) it came from, or which analysis to run when none has.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import pandas as pd
from django.core.cache import cache
from django.db.models import Count, Max

from taskforce.org.csvsafe import write_csv
from taskforce.org.models import Area

from . import charts
from .dashboards import Column
from .disclosure import SUPPRESSED, Rate, publish
from .models import AnalysisRun

AREA_METHODS = {
    "sc": "Synthetic control",
    "sdid": "Synthetic difference-in-differences",
    "did": "Difference-in-differences",
    "event-study": "Event study",
    "cs": "Callaway-Sant'Anna",
}


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]

    def display_rows(self) -> list[list[str]]:
        from .dashboards import _format

        return [[_format(v, c.kind) for v, c in zip(row, self.columns, strict=True)] for row in self.rows]


@dataclass(frozen=True)
class Source:
    run_id: int
    kind: str
    parameters: dict[str, Any]
    finished_at: datetime | None


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    label: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[tuple[str, str], ...] = ()  # (title, inline SVG)
    notes: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    missing: str = ""  # which analysis to run, when none has finished


@dataclass(frozen=True)
class EvidencePack:
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def for_print(self) -> "EvidencePack":
        """The same pack with its charts as images, which WeasyPrint draws."""
        return EvidencePack(
            tuple(
                replace(s, charts=tuple((title, charts.as_image_uri(svg)) for title, svg in s.charts))
                for s in self.sections
            )
        )

    def tables(self) -> list[tuple[Section, Table]]:
        return [(s, t) for s in self.sections for t in s.tables]


def _latest(kind: str, **parameters: Any) -> AnalysisRun | None:
    runs = AnalysisRun.objects.filter(kind=kind).succeeded().latest_first().select_related("job")
    for run in runs.only("pk", "kind", "parameters", "result", "job__finished_at")[:50]:
        result = run.result or {}
        if all(result.get(k, run.parameters.get(k)) == v for k, v in parameters.items()):
            return run
    return None


def _source(run: AnalysisRun) -> Source:
    return Source(run.pk, run.kind, dict(run.parameters), run.finished_at)


def _table(slug: str, title: str, frame: pd.DataFrame, columns: tuple[Column, ...], **rules: Any) -> Table:
    """Publish `frame` (index = the first column) and keep the displayed columns in order."""
    published = publish(frame, **rules)
    rows = []
    for label, record in zip(published.index, published.to_dict(orient="records"), strict=True):
        rows.append(tuple(label if c.key == columns[0].key else record.get(c.key) for c in columns))
    return Table(slug, title, columns, tuple(rows))


def _num(value: Any, fmt: str = "{:.2f}") -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "not available"
    return fmt.format(value)


def _interval(result: dict[str, Any], fmt: str = "{:.2f}") -> str:
    return f"{_num(result.get('estimate'), fmt)} (95% interval {_num(result.get('ci_low'), fmt)} to {_num(result.get('ci_high'), fmt)})"


def _titled(draw: Any, **kwargs: Any) -> tuple[str, str]:
    return kwargs["title"], draw(**kwargs)


def _run_hint(kind: str, example: str) -> str:
    return f"No {AnalysisRun.Kind(kind).label.lower()} has been run yet. Request one ({example})."


def gap_section() -> Section:
    run = _latest(AnalysisRun.Kind.GAP)
    title = "The gap to the Kent average"
    if run is None:
        return Section("gap", title, missing=_run_hint("gap", "kind: gap to Kent average, period 2009"))
    r = run.result
    names = dict(Area.objects.filter(gss_code__in=r.get("targets", [])).values_list("gss_code", "name"))
    frame = pd.DataFrame(r.get("rows", []))
    frame["area"] = [names.get(a, a) for a in frame["area"]]
    frame = frame.set_index("area")
    table = _table(
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
        sources=(_source(run),),
    )


def area_section() -> Section:
    title = "Area impact"
    runs = {m: _latest(AnalysisRun.Kind.AREA_IMPACT, method=m) for m in AREA_METHODS}
    its = _latest(AnalysisRun.Kind.ITS)
    found = {m: r for m, r in runs.items() if r is not None}
    if not found:
        return Section(
            "area-impact",
            title,
            missing=_run_hint("area-impact", "methods sc, sdid and did, measure out_of_work_rate"),
        )
    rows = []
    for method, run in found.items():
        r = run.result
        rows.append(
            {
                "method": AREA_METHODS[method],
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
                _titled(
                    charts.path_chart,
                    slug=f"path-{method}",
                    title=f"Target wards against their counterfactual ({AREA_METHODS[method].lower()})",
                    description=f"Monthly out-of-work rate of the target wards and of the weighted comparison wards; estimate {_interval(r)}.",
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
                    f"Donor weights, top 10 ({AREA_METHODS[method].lower()})",
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
            _titled(
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
                f"Pre-trend test ({AREA_METHODS[run.result.get('method', '')]}): p = {_num(pretrend.get('p_value'))}; {pretrend.get('test', '')}."
            )
        notes.extend(run.result.get("warnings", []))
    sources = [_source(r) for r in found.values()] + ([_source(its)] if its else [])
    missing = [AREA_METHODS[m] for m in ("sc", "sdid", "did") if m not in found]
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
    run = _latest(AnalysisRun.Kind.HOUSEHOLD_IMPACT)
    matched = _latest(AnalysisRun.Kind.MATCHED)
    if run is None and matched is None:
        return Section("household-impact", title, missing=_run_hint("household-impact", "outcome: dependent"))
    facts: list[tuple[str, str]] = []
    notes: list[str] = []
    sources = []
    if run is not None:
        r = run.result
        sources.append(_source(run))
        treated = r.get("n_treated_households") or 0
        counts = publish(pd.DataFrame({"n": [treated, r.get("n_units") or 0]}), counts=["n"])["n"].tolist()
        facts.append(("Households with a task-force intervention", str(counts[0])))
        facts.append(("Households in the panel", str(counts[1])))
        if treated >= 10:
            facts.append(
                (f"Change in {r.get('outcome', 'outcome')} (share of months)", _interval(r, "{:.3f}"))
            )
            facts.append(("p-value (household-clustered)", _num(r.get("p_value"), "{:.3f}")))
            area = r.get("area") or {}
            if area:
                facts.append(("Area-level wild bootstrap p-value", _num(area.get("wild_p_value"), "{:.3f}")))
                facts.append(
                    ("Randomisation inference p-value", _num(area.get("randomisation_p_value"), "{:.3f}"))
                )
                notes.append(area.get("inference", ""))
        else:
            facts.append(("Estimate", "withheld: fewer than 10 households in a group"))
        notes.append(r.get("inference", ""))
        notes.extend(r.get("warnings", []))
    if matched is not None:
        sources.append(_source(matched))
        m = matched.result
        facts.append(("Matched comparison (propensity weighting, ATT)", _interval(m, "{:.3f}")))
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
    run = _latest(AnalysisRun.Kind.SAVINGS)
    if run is None:
        return Section(
            "savings",
            title,
            missing=_run_hint(
                "savings", "after an area-impact run, or with an effect and its standard error"
            ),
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
        ("Effect used", f"{_num(r.get('effect'))} (standard error {_num(r.get('effect_se'))})"),
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
        sources=(_source(run),),
    )


def placements_section() -> Section:
    title = "Placements into the wards: the case for a Margate Agreement"
    run = _latest(AnalysisRun.Kind.PLACEMENTS)
    if run is None:
        return Section("placements", title, missing=_run_hint("placements", "kind: placements evidence"))
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
            _table(
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
            _table(
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
            _table(
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
    facts = [("Placed households", str(n[0])), ("Other households", str(n[1]))]
    if min(dep.get("placed_households", 0), dep.get("other_households", 0)) >= 10:
        facts += [
            (
                "Dependency rate, placed households",
                _num(100 * dep.get("placed_dependency_rate", float("nan")), "{:.1f}%"),
            ),
            (
                "Dependency rate, other households",
                _num(100 * dep.get("other_dependency_rate", float("nan")), "{:.1f}%"),
            ),
        ]
    if gap.get("share_of_gap") is not None:
        facts.append(
            (
                "Share of the gap to Kent explained by placed households",
                _num(100 * gap["share_of_gap"], "{:.0f}%"),
            )
        )
    return Section(
        "placements",
        title,
        label="Descriptive",
        facts=tuple(facts),
        tables=tuple(tables),
        notes=(r.get("inference", ""), *r.get("warnings", [])),
        sources=(_source(run),),
    )


def housing_section() -> Section:
    title = "Housing benefit and property condition"
    run = _latest(AnalysisRun.Kind.HOUSING)
    if run is None:
        return Section("housing", title, missing=_run_hint("housing", "kind: housing evidence"))
    r = run.result
    frame = pd.DataFrame(r.get("by_year", []))
    frame["share"] = 100 * frame["share_into_category_1_homes"]
    frame = frame.set_index("year")
    table = _table(
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
    chart = _titled(
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
        sources=(_source(run),),
    )


METHODS_NOTES = (
    "The gap to the Kent average is descriptive: it counts what the wards would cost at Kent rates, not what any "
    "intervention caused.",
    "Only two wards were treated, so area-level uncertainty comes from placebo fits over comparison wards "
    "(permutation p-values, placebo variance) and not from household-clustered errors. Each estimate states its inference.",
    "Savings keep Exchequer (AME), social value and cashable local savings apart: benefit payments are transfers.",
    "Publishing rules: counts of 1 to 9 are shown as [c], other counts are rounded to the nearest 5, further cells are "
    "suppressed so that none can be derived from totals, and rates, means and amounts are shown only for groups of 10 or "
    "more. Totals may not equal the sum of rounded cells.",
    "Figures in the demo are synthetic and illustrate the method only.",
)


def methods_section() -> Section:
    return Section("methods", "Methods and limitations", notes=METHODS_NOTES)


def evidence_pack() -> EvidencePack:
    """The pack, cached until another run finishes (it reads nothing but stored results)."""
    latest = AnalysisRun.objects.succeeded().aggregate(
        last=Max("job__finished_at"), n=Count("pk"), top=Max("pk")
    )
    key = "outcomes:evidence:" + hashlib.sha256(repr(sorted(latest.items())).encode()).hexdigest()[:16]
    pack = cache.get(key)
    if pack is None:
        pack = EvidencePack(
            (
                gap_section(),
                area_section(),
                household_section(),
                savings_section(),
                placements_section(),
                housing_section(),
                methods_section(),
            )
        )
        cache.set(key, pack, 24 * 60 * 60)
    return pack


def csv_bundle(pack: EvidencePack) -> bytes:
    """A zip of every table as CSV (published values only) and a list of the runs each section came from."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for section, table in pack.tables():
            text = io.StringIO()
            write_csv(text, [c.label for c in table.columns], [list(r) for r in table.rows])
            bundle.writestr(f"{section.slug}/{table.slug}.csv", text.getvalue())
        text = io.StringIO()
        write_csv(
            text,
            ["section", "analysis run", "kind", "parameters", "finished"],
            [
                [
                    s.title,
                    src.run_id,
                    src.kind,
                    repr(src.parameters),
                    src.finished_at.isoformat() if src.finished_at else "",
                ]
                for s in pack.sections
                for src in s.sources
            ]
            + [[s.title, "", "", s.missing, ""] for s in pack.sections if s.missing],
        )
        bundle.writestr("sources.csv", text.getvalue())
    return buffer.getvalue()
