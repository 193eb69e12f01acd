"""Run one kind of analysis: read the data through `datasets`, call the pure core, return a JSON result.

Parameters arrive as JSON (from the CLI, the API or the web page); each runner checks its own and raises
ParameterError naming the parameter and the rule.
"""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pandas as pd
from django.utils import timezone

from .analysis.appraisal import (
    DISPLACEMENT,
    LEAKAGE,
    OPTIMISM_BIAS,
    PERSISTENCE,
    SUBSTITUTION,
    BenefitLine,
    CostLine,
    appraise,
)
from .analysis.area import METHODS as AREA_METHODS
from .analysis.area import area_impact
from .analysis.gap import gap_to_average
from .analysis.household import household_did
from .analysis.household_imputation import household_staggered_event_study
from .analysis.housing import housing_evidence
from .analysis.its import comparative_its
from .analysis.matched import ipw_att_in_month
from .analysis.placements import placements_evidence
from .analysis.savings import Additionality, UnitCost, savings_npv
from .datasets.areas import area_panel, area_statistics, reference_code, target_codes
from .datasets.costs import programme_costs
from .datasets.housing_benefit import housing_benefit_homes
from .datasets.panels import household_panel, household_profiles
from .datasets.records import placements_frame
from .fanout import chunk_map
from .models import AnalysisPlan
from .models import UnitCost as UnitCostRow
from .planned import PlanError, plan_design, resolve_plan, secondary_outcomes, spillover
from .plans import (
    RunRefused,
    current_plan,
    headline_run,
    other_method_estimates,
    plan_report,
    run_estimate,
    run_measure,
    run_method,
)
from .prices import PriceYearError, deflator_source, gdp_deflator, rebase
from .services import plan_deviation_record

DEFAULT_START = "2010-09"
# What the pages call each method `area_impact` takes (AREA_METHODS), in the order the evidence pack lists
# them: the synthetic family first.
AREA_METHOD_NAMES = {
    "sc": "Synthetic control",
    "sdid": "Synthetic difference-in-differences",
    "did": "Difference-in-differences",
    "event-study": "Event study",
    "cs": "Callaway-Sant'Anna",
}


class ParameterError(ValueError):
    """A parameter of an analysis request is missing or out of range."""


def _get(
    params: Mapping[str, Any], name: str, default: Any, kind: type, *, choices: tuple | None = None
) -> Any:
    value = params.get(name, default)
    if value is None:
        return None
    try:
        value = kind(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name}: expected {kind.__name__}, got {value!r}") from exc
    if choices is not None and value not in choices:
        raise ParameterError(f"{name}: expected one of {', '.join(map(str, choices))}, got {value!r}")
    return value


def parse_treated(text: str | Mapping[str, str] | None, *, start: str) -> dict[str, str]:
    """'E05005088:2010-09,E05005093' -> {code: start}; codes without a start take `start`."""
    if text is None or text == "":
        return dict.fromkeys(target_codes(), start)
    if isinstance(text, Mapping):
        return {str(k): str(v) for k, v in text.items()}
    treated: dict[str, str] = {}
    for part in str(text).split(","):
        code, _, own = part.strip().partition(":")
        if not code:
            continue
        treated[code.upper()] = own or start
    if not treated:
        raise ParameterError("treated: give at least one area code")
    return treated


def run_gap(params: Mapping[str, Any]) -> dict[str, Any]:
    period = _get(params, "period", "2009", str)
    measures = params.get("measures") or ["benefit_spend"]
    frame = area_statistics(frequency="year")
    targets = params.get("targets") or target_codes()
    result = gap_to_average(
        frame,
        target=targets,
        reference=params.get("reference") or reference_code(),
        measures=measures,
        period=period,
    )
    return result.as_dict()


def run_area_impact(params: Mapping[str, Any]) -> dict[str, Any]:
    try:
        plan = resolve_plan(params.get("plan"))
    except PlanError as exc:
        raise ParameterError(str(exc)) from exc
    measure = _get(params, "measure", plan.headline_measure if plan else "out_of_work_rate", str)
    method = _get(params, "method", plan.method if plan else "sdid", str, choices=AREA_METHODS)
    start = _get(params, "start", DEFAULT_START, str)
    donors = params.get("donors")
    if isinstance(donors, str):
        donors = [d.strip().upper() for d in donors.split(",") if d.strip()]
    placebos = _get(params, "placebos", None, int)
    seed = _get(params, "seed", 0, int)
    panel = area_panel(measure, frequency=_get(params, "frequency", "month", str))
    if panel.empty:
        raise ParameterError(f"measure: no monthly statistics for {measure!r}")

    def estimate(frame: pd.DataFrame, treated: dict[str, str], pool: list[str] | None) -> dict[str, Any]:
        return area_impact(
            frame, treated, method, donors=pool, placebos=placebos, seed=seed, map_chunks=chunk_map()
        ).as_dict()

    if plan is not None:
        return _planned_area_impact(params, plan, panel, measure, method, estimate)
    treated = parse_treated(params.get("treated"), start=start)
    unknown = sorted(set(treated) - set(panel["unit"]))
    if unknown:
        raise ParameterError(f"treated: no {measure} figures for {', '.join(unknown)}")
    return estimate(panel, treated, donors)


def _planned_area_impact(
    params: Mapping[str, Any],
    plan: AnalysisPlan,
    panel: pd.DataFrame,
    measure: str,
    method: str,
    estimate: Callable[[pd.DataFrame, dict[str, str], list[str] | None], dict[str, Any]],
) -> dict[str, Any]:
    """The run held to the plan: its wards, comparator pool, windows, spillover ring and, for the headline
    outcome by the plan's method, its secondary outcomes with their multiple-testing adjustment."""
    try:
        design = plan_design(plan, panel)
    except PlanError as exc:
        raise ParameterError(str(exc)) from exc
    departures = [
        f"{name} given in the request overrides the plan's"
        for name in ("treated", "donors", "start")
        if params.get(name) not in (None, "")
    ]
    if departures:
        raise ParameterError(
            "plan: " + "; ".join(departures) + " (drop plan to run off the plan, or record a deviation)"
        )
    result = estimate(design.window(panel), design.treated, design.donors)
    result["plan_applied"] = design.report(panel)
    if measure != plan.headline_measure:
        result["plan_applied"]["role"] = (
            "secondary outcome" if measure in plan.secondary_outcomes else "outcome not in the plan"
        )
    if method != plan.method:
        result.setdefault("warnings", []).append(
            f"method {method} is not the plan's ({plan.method}): a comparison, not the plan's headline"
        )
    ring = spillover(design, panel, estimate)
    if ring is not None:
        result["spillover"] = ring
    wants_secondary = _get(
        params, "secondary", method == plan.method and measure == plan.headline_measure, bool
    )
    if wants_secondary:
        result["secondary"] = secondary_outcomes(design, estimate)
    return result


def run_its(params: Mapping[str, Any]) -> dict[str, Any]:
    measure = _get(params, "measure", "out_of_work_rate", str)
    start = _get(params, "start", DEFAULT_START, str)
    targets = params.get("targets") or target_codes()
    reference = params.get("reference") or reference_code()
    stats = area_statistics(measures=[measure], frequency="month", areas=[*targets, reference])
    if measure.endswith("_rate"):
        # A combined rate for several wards weights each by its working-age population.
        wap = area_statistics(measures=["working_age_population"], frequency="month", areas=targets)
        merged = stats[stats["area"].isin(targets)].merge(
            wap[["area", "period", "value"]].rename(columns={"value": "weight"}),
            on=["area", "period"],
            how="left",
        )
        merged["weight"] = merged["weight"].fillna(1.0)
        target = merged.groupby("period").apply(
            lambda g: (g["value"] * g["weight"]).sum() / g["weight"].sum(), include_groups=False
        )
    else:
        target = stats[stats["area"].isin(targets)].groupby("period")["value"].sum()
    comparison = stats[stats["area"] == reference].set_index("period")["value"]
    frame = pd.DataFrame({"target": target, "comparison": comparison}).dropna().reset_index(names="period")
    result = comparative_its(frame, period="period", target="target", comparison="comparison", start=start)
    return result.as_dict()


def run_household_impact(params: Mapping[str, Any]) -> dict[str, Any]:
    outcome = _get(
        params, "outcome", "dependent", str, choices=("dependent", "benefit", "out_of_work_benefit")
    )
    design = _get(params, "design", "did", str, choices=("did", "event-study"))
    panel = household_panel()
    if design == "event-study":
        return household_staggered_event_study(panel, outcome=outcome).as_dict()
    draws = _get(params, "bootstrap_draws", 999, int)
    return household_did(
        panel,
        outcome=outcome,
        bootstrap_draws=draws,
        seed=_get(params, "seed", 0, int),
        map_chunks=chunk_map(),
    ).as_dict()


def run_matched(params: Mapping[str, Any]) -> dict[str, Any]:
    on = date.fromisoformat(_get(params, "baseline", "2010-08-01", str))
    follow_up = _get(params, "follow_up", "2012-09", str)
    profiles = household_profiles(on=on)
    panel = household_panel()
    later = panel[panel["period"] == follow_up].set_index("household")["dependent"]
    starts = panel.drop_duplicates("household").set_index("household")["start"]
    frame = profiles.assign(
        outcome=profiles["household"].map(later), start=profiles["household"].map(starts)
    ).dropna(subset=["outcome"])
    covariates = ["head_age", "members", "children", "prior_dependency", "placed", "private_rent"]
    return ipw_att_in_month(
        frame, start="start", month=follow_up, outcome="outcome", covariates=covariates
    ).as_dict()


def run_savings(params: Mapping[str, Any]) -> dict[str, Any]:
    """Green Book layer over the locked plan's headline area-impact run (or an effect given directly).

    ``run`` names the area-impact run to appraise; by default the latest succeeded run of the plan's headline
    measure by the plan's method. A run by another method or with failed diagnostics is refused unless
    ``override_reason`` is given, which records a deviation from the plan.
    """
    effect = params.get("effect")
    effect_se = params.get("effect_se")
    plan = current_plan()
    warnings: list[str] = []
    if effect is None:
        if plan is None:
            raise ParameterError(
                "plan: no locked analysis plan names the headline outcome and method to appraise; record and "
                "lock one, or give effect and effect_se directly"
            )
        override = _get(params, "override_reason", None, str)
        try:
            base, departures = headline_run(
                plan, run_id=_get(params, "run", None, int), override_reason=override
            )
        except RunRefused as exc:
            raise ParameterError(str(exc)) from exc
        for departure in departures:
            plan_deviation_record(plan=plan, departure=departure, reason=str(override), run=base)
        effect, effect_se = base.result.get("estimate"), base.result.get("se")
        headline = run_estimate(base)
        effect_interval = (
            (headline.ci_low, headline.ci_high)
            if headline.ci_low is not None and headline.ci_high is not None
            else None
        )
        basis: dict[str, Any] = {
            "analysis_run": base.pk,
            "measure": run_measure(base),
            "unit": plan.headline_unit,
            "method": run_method(base),
            "p_value": base.result.get("p_value"),
            "inference": base.result.get("inference"),
        }
        warnings += [f"area-impact run #{base.pk}: {w}" for w in base.result.get("warnings", [])]
        if (base.result.get("plan_applied") or {}).get("plan") != plan.pk:
            warnings.append(
                f"area-impact run #{base.pk} was not held to plan #{plan.pk}: its wards, comparator pool and "
                "windows are the request's; build the evidence pack, or run area-impact with plan, to hold it"
            )
        others = []
        for run_id, estimate in other_method_estimates(base):
            if estimate.basis != "its reported 95% interval":
                # An empty or unbounded interval (no constant effect passes the test) is not a sampling
                # distribution: drawing from the placebo SE instead would understate the uncertainty.
                warnings.append(
                    f"area-impact run #{run_id} ({estimate.method}) reported no bounded 95% interval: left out "
                    "of the Monte Carlo's spread across methods"
                )
                continue
            others.append((run_id, estimate))
    else:
        basis = {"given": True, "unit": "percentage points"}
        others = []
        effect_interval = None
        warnings.append("the effect was given by hand, not read from a run of the locked analysis plan")
    wap = area_statistics(measures=["working_age_population"], frequency="month", areas=target_codes())
    population = float(wap.groupby("period")["value"].sum().iloc[-1]) if not wap.empty else 0.0
    population = float(params.get("population", population))
    shares = {k: float(v) for k, v in (params.get("additionality") or {}).items()}
    if shares.get("deadweight"):
        raise ParameterError(
            "additionality: deadweight is already netted out of an effect measured against a counterfactual; "
            "applying it again counts it twice"
        )
    shares = {
        "displacement": DISPLACEMENT[0],
        "leakage": LEAKAGE[0],
        "substitution": SUBSTITUTION[0],
        **shares,
    }
    horizon = int(params.get("horizon_years", 10))
    persistence_years = int(params.get("persistence_years", PERSISTENCE[0]))
    decay = float(params.get("decay", PERSISTENCE[1]))
    rows = list(UnitCostRow.objects.all())
    # The Exchequer cost of one claimant-year, measured from the records: out-of-work benefit plus the
    # housing benefit and council tax support that come with it.
    exchequer = _exchequer_unit_cost()
    start = date.fromisoformat(f"{plan.post_start if plan else DEFAULT_START}-01")
    # One price base: every cost in the prices of the appraisal's year 0, by the GDP deflator.
    base_year = _get(params, "price_base_year", start.year, int)
    deflators = gdp_deflator()
    if base_year not in deflators:
        raise ParameterError(f"price_base_year: no GDP deflator for {base_year}")
    costs = [exchequer] + [
        UnitCost(name=u.name, line=u.line, amount=float(u.value), price_year=u.price_year, source=u.source)
        for u in rows
    ]
    unknown = sorted({c.price_year for c in costs} - set(deflators))
    if unknown:
        raise ParameterError(f"price_year: no GDP deflator for {', '.join(map(str, unknown))}")
    try:
        add = Additionality(**shares)
    except TypeError as exc:
        raise ParameterError("additionality: use displacement, leakage and substitution") from exc
    # Optimism bias is an uplift on costs, applied in the appraisal; the lines are benefits only.
    result = savings_npv(
        effect=float(effect),
        effect_se=None if effect_se is None else float(effect_se),
        effect_interval=effect_interval,
        population=population,
        unit_costs=costs,
        additionality=add,
        horizon_years=horizon,
        persistence_years=persistence_years,
        decay=decay,
        fixed=("deadweight", "optimism_bias"),
        deflators=deflators,
        price_base_year=base_year,
    ).as_dict()
    result["assumptions"]["price_base_year"] = base_year
    result["assumptions"]["deflator_source"] = deflator_source()
    benefits = [
        BenefitLine(exchequer.name, exchequer.amount, "DWP", "central", False, exchequer.source),
        *(
            BenefitLine(u.name, float(u.value), u.payer, u.level, u.line != "exchequer", u.source)
            for u in rows
        ),
    ]
    frame = programme_costs(start=start)
    frame = frame[frame["year"] < horizon]
    if frame.empty:
        result["appraisal"] = None
        warnings.append("no programme costs recorded: no NPSV, BCR or switching value")
    else:
        result["appraisal"] = appraise(
            effect=float(effect),
            effect_se=None if effect_se is None else float(effect_se),
            effect_interval=effect_interval,
            other_estimates=[estimate for _, estimate in others],
            population=population,
            benefits=benefits,
            costs=[
                CostLine(
                    f"{r.name} ({r.payer}, {r.level})",
                    _rebased(float(r.amount), int(r.price_year), base_year),
                    int(r.year),
                    f"{r.source}; {r.price_year} prices rebased to {base_year}",
                )
                for r in frame.itertuples()
            ],
            price_base_year=base_year,
            optimism_bias=float(params.get("optimism_bias", OPTIMISM_BIAS[0])),
            horizon_years=horizon,
            persistence_years=persistence_years,
            decay=decay,
            draws=_get(params, "draws", 2000, int),
            seed=_get(params, "seed", 0, int),
            **shares,
        ).as_dict()
        result["appraisal"]["other_runs"] = [run for run, *_ in others]
    if result.get("appraisal"):
        # The appraisal names each zero additionality share with its reason; the lines need not repeat it.
        result["warnings"] = [w for w in result.get("warnings", []) if " is zero: " not in w]
    result["effect_interval"] = list(effect_interval) if effect_interval is not None else None
    result["effect_basis"] = basis
    result["plan"] = plan_report(plan) if plan is not None else None
    result["warnings"] = [*warnings, *result.get("warnings", [])]
    return result


def _rebased(amount: float, from_year: int, to_year: int) -> float:
    try:
        return rebase(amount, from_year=from_year, to_year=to_year)
    except PriceYearError as exc:
        raise ParameterError(str(exc)) from exc


def _exchequer_unit_cost() -> UnitCost:
    panel = household_panel(first_month=date(2009, 1, 1), last_month=date(2009, 12, 1))
    dependent = panel[panel["dependent"] == 1]
    others = panel[panel["dependent"] == 0]
    if dependent.empty:
        raise ParameterError("No out-of-work benefit records in 2009 to cost a claimant-year from.")
    extra = dependent["benefit"].mean() - (others["benefit"].mean() if not others.empty else 0.0)
    return UnitCost(
        name="Out-of-work benefit and linked support per claimant household-year",
        line="exchequer",
        amount=round(float(extra) * 12, 2),
        price_year=2009,
        source="Benefit records in this system, 2009: mean monthly benefit of dependent minus other households x 12",
    )


def run_placements(params: Mapping[str, Any]) -> dict[str, Any]:
    placements = placements_frame()
    panel = household_panel()
    rates = area_statistics(measures=["out_of_work_rate"], frequency="month")
    year = _get(params, "year", "2009", str)
    in_year = rates[rates["period"].str.startswith(year)]
    targets = target_codes()
    target_rate = in_year[in_year["area"].isin(targets)]["value"].mean() if not in_year.empty else None
    reference_rate = (
        in_year[in_year["area"] == reference_code()]["value"].mean() if not in_year.empty else None
    )
    result = placements_evidence(
        placements,
        panel,
        today=timezone.localdate(),
        target_rate=None if target_rate is None or pd.isna(target_rate) else float(target_rate),
        reference_rate=None if reference_rate is None or pd.isna(reference_rate) else float(reference_rate),
    )
    return result.as_dict()


def run_housing(params: Mapping[str, Any]) -> dict[str, Any]:
    return housing_evidence(housing_benefit_homes()).as_dict()


RUNNERS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "gap": run_gap,
    "area-impact": run_area_impact,
    "its": run_its,
    "household-impact": run_household_impact,
    "matched": run_matched,
    "savings": run_savings,
    "placements": run_placements,
    "housing": run_housing,
}


def run_analysis(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Run one analysis. ParameterError and AnalysisError say what is wrong with the request or the data."""
    if kind not in RUNNERS:
        raise ParameterError(f"kind: expected one of {', '.join(RUNNERS)}, got {kind!r}")
    return RUNNERS[kind](params)
