"""Reads of the analysis plan: the plan in force, its report with deviations, and its detectable effect."""

from typing import Any

import pandas as pd

from .analysis.appraisal import Estimate
from .analysis.power import mde_did
from .datasets.areas import area_panel
from .models import AnalysisPlan, AnalysisRun


def current_plan() -> AnalysisPlan | None:
    """The most recently locked analysis plan, or None while no plan is locked."""
    return AnalysisPlan.objects.latest_locked_first().first()


def plan_report(plan: AnalysisPlan) -> dict[str, Any]:
    """The plan as reported beside any result that rests on it: its content, lock, hash check and deviations."""
    return {
        "id": plan.pk,
        **plan.content(),
        "locked_at": plan.locked_at.isoformat() if plan.locked_at else None,
        "sha256": plan.sha256,
        "intact": plan.intact,
        "deviations": [d.as_dict() for d in plan.deviations.order_by("recorded_at", "pk")],
    }


def plan_mde(
    *,
    measure: str,
    treated: list[str],
    excluded: list[str],
    pre_start: str,
    post_start: str,
    post_end: str,
    alpha: float = 0.05,
    power: float = 0.8,
) -> dict[str, Any]:
    """The minimum detectable effect of the planned design, from the measure's pre-period spread.

    The outcome SD and the within-unit correlation (share of pre-period variance between unit means) are
    read from the pre-period panel; the donors are every other area with the measure, less `excluded`.
    """
    panel = area_panel(measure)
    if panel.empty:
        raise ValueError(f"No monthly figures for {measure!r} to size the design from.")
    months = pd.Series(sorted(panel["period"].unique()))
    pre = panel[(panel["period"] >= pre_start) & (panel["period"] < post_start)]
    units = set(panel["unit"])
    donors = units - set(treated) - set(excluded)
    total_var = float(pre["value"].var())
    between = float(pre.groupby("unit")["value"].mean().var())
    result = mde_did(
        n_treated=len(set(treated) & units),
        n_control=len(donors),
        pre_periods=int(((months >= pre_start) & (months < post_start)).sum()),
        post_periods=int(((months >= post_start) & (months <= post_end)).sum()),
        sd=total_var**0.5,
        icc=min(0.99, between / total_var) if total_var > 0 else 0.0,
        alpha=alpha,
        power=power,
    )
    return result.as_dict()


class RunRefused(ValueError):
    """An analysis run does not carry the plan's headline claim."""


def run_measure(run: AnalysisRun) -> str:
    return str(run.parameters.get("measure") or "out_of_work_rate")


def run_method(run: AnalysisRun) -> str:
    return str(run.result.get("method") or run.parameters.get("method") or "sdid")


def failed_diagnostics(result: dict[str, Any], *, alpha: float) -> list[str]:
    """The diagnostics of an area-impact result that reject the design at `alpha`."""
    failed = []
    if result.get("diagnostics_failed"):
        failed.append("the run flags its own diagnostics as failed")
    for name, label in (("pretrend", "pre-trend test"), ("in_time_placebo", "in-time placebo")):
        p = (result.get(name) or {}).get("p_value")
        if p is not None and p < alpha:
            failed.append(f"{label} rejects at {alpha:g} (p = {p:.3g})")
    return failed


def headline_run(
    plan: AnalysisPlan, *, run_id: int | None = None, override_reason: str | None = None
) -> tuple[AnalysisRun, list[str]]:
    """The area-impact run the plan's headline rests on: `run_id`, or the latest succeeded run of the plan's
    measure by the plan's method. Returns the run and the departures an override reason must cover; a run
    on another measure, or one not in rate points, is refused outright."""
    if plan.headline_unit != "percentage points":
        raise RunRefused(
            f"The plan's headline is in {plan.headline_unit}; the appraisal costs a change in a rate in "
            "percentage points."
        )
    runs = AnalysisRun.objects.filter(kind=AnalysisRun.Kind.AREA_IMPACT).succeeded()
    if run_id is not None:
        found = AnalysisRun.objects.filter(pk=run_id).select_related("job").first()
        if found is None:
            raise RunRefused(f"run: there is no analysis run #{run_id}")
        if found.kind != AnalysisRun.Kind.AREA_IMPACT or not found.succeeded:
            raise RunRefused(f"run: #{run_id} is not a succeeded area-impact run")
        run = found
    else:
        candidates = [
            r
            for r in runs.latest_first().select_related("job")
            if run_measure(r) == plan.headline_measure and run_method(r) == plan.method
        ]
        if not candidates:
            raise RunRefused(
                f"No succeeded area-impact run of {plan.headline_measure} by {plan.method}, the headline of "
                f"the locked plan #{plan.pk}: run `manage.py analyse area-impact --measure "
                f"{plan.headline_measure} --method {plan.method}` first."
            )
        run = candidates[0]
    if run_measure(run) != plan.headline_measure:
        raise RunRefused(
            f"Run #{run.pk} estimates {run_measure(run)}, not the plan's headline {plan.headline_measure} in "
            "percentage points: its effect cannot be costed as a change in the out-of-work rate."
        )
    departures = []
    if run_method(run) != plan.method:
        departures.append(f"run #{run.pk} uses method {run_method(run)}; the plan chose {plan.method}")
    departures += [f"run #{run.pk}: {d}" for d in failed_diagnostics(run.result, alpha=plan.alpha)]
    if departures and not (override_reason or "").strip():
        raise RunRefused(
            "; ".join(departures) + ". Appraise a run that fits the plan, or give override_reason to record "
            "a deviation from the plan."
        )
    return run, departures


def other_method_estimates(run: AnalysisRun) -> list[tuple[int, Estimate]]:
    """The latest succeeded estimate of `run`'s measure by each other area method, with the interval it
    reported: (run id, estimate), so an appraisal can carry the methods' disagreement."""
    found: dict[str, tuple[int, Estimate]] = {}
    runs = AnalysisRun.objects.filter(kind=AnalysisRun.Kind.AREA_IMPACT).succeeded().latest_first()
    for other in runs.exclude(pk=run.pk).select_related("job"):
        method = run_method(other)
        r = other.result
        if (
            run_measure(other) == run_measure(run)
            and method != run_method(run)
            and method not in found
            and r.get("estimate") is not None
            and (r.get("se") is not None or r.get("ci_low") is not None)
        ):
            found[method] = (other.pk, run_estimate(other))
    return list(found.values())


def run_estimate(run: AnalysisRun) -> Estimate:
    """A run's headline estimate with the interval and SE it reported."""
    r = run.result

    def num(key: str) -> float | None:
        value = r.get(key)
        return None if value is None else float(value)

    return Estimate(run_method(run), float(r["estimate"]), num("se"), num("ci_low"), num("ci_high"))
