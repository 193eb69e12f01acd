"""An area-impact run held to the locked analysis plan: the plan's treated wards and starts, its comparator
pool less the neighbouring wards (excluded, or held apart as a spillover ring and estimated on their own),
its pre/post windows, and its secondary outcomes with the plan's multiple-testing adjustment.

`run_area_impact` calls `plan_design` when a request names the plan (``plan``: its id, or ``true`` for the
plan in force); the evidence pack's build always does.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .analysis.errors import AnalysisError
from .analysis.multiple import RULE_NAMES, adjust
from .datasets.areas import area_panel
from .models import AnalysisPlan
from .plans import current_plan


class PlanError(ValueError):
    """The plan cannot be applied to the data (no figures for a measure, an empty pool)."""


@dataclass(frozen=True)
class PlanDesign:
    plan: AnalysisPlan
    treated: dict[str, str]
    donors: list[str]
    ring: list[str]  # neighbouring wards held apart as a spillover ring (empty when excluded)

    def window(self, panel: pd.DataFrame) -> pd.DataFrame:
        """The panel cut to the plan's windows: pre_start to post_end, inclusive."""
        p = self.plan
        return panel[(panel["period"] >= p.pre_start) & (panel["period"] <= p.post_end)]

    def report(self, panel: pd.DataFrame) -> dict[str, Any]:
        p = self.plan
        return {
            "plan": p.pk,
            "sha256": p.sha256,
            "treated": self.treated,
            "n_donors": len(self.donors),
            "comparator_pool": "as listed in the plan"
            if p.comparator_pool
            else "every ward with the measure",
            "neighbours": list(p.neighbours),
            "neighbours_policy": p.neighbours_policy,
            "spillover_ring": self.ring,
            "window": {"pre_start": p.pre_start, "post_start": p.post_start, "post_end": p.post_end},
            "periods_used": int(self.window(panel)["period"].nunique()),
        }


def resolve_plan(value: Any) -> AnalysisPlan | None:
    """The plan a request names: an id, or true for the plan in force; None when it names none."""
    if value in (None, False, "", "false", 0):
        return None
    if value is True or value == "true" or value == "current":
        plan = current_plan()
        if plan is None:
            raise PlanError("plan: no analysis plan is locked")
        return plan
    try:
        plan_id = int(value)
    except (TypeError, ValueError) as exc:
        raise PlanError(f"plan: expected a plan id or true, got {value!r}") from exc
    plan = AnalysisPlan.objects.filter(pk=plan_id).first()
    if plan is None or not plan.is_locked:
        raise PlanError(f"plan: there is no locked analysis plan #{plan_id}")
    return plan


def plan_design(plan: AnalysisPlan, panel: pd.DataFrame) -> PlanDesign:
    """Treated wards, donors and spillover ring of the plan, as far as `panel` has figures for them."""
    units = set(panel["unit"])
    treated = {str(k): str(v) for k, v in plan.treated.items()}
    missing = sorted(set(treated) - units)
    if missing:
        raise PlanError(f"treated: the plan's ward(s) {', '.join(missing)} have no figures for this measure")
    neighbours = {str(n) for n in plan.neighbours}
    pool = {str(c) for c in plan.comparator_pool} & units if plan.comparator_pool else units
    donors = sorted(pool - set(treated) - neighbours)
    if len(donors) < 2:
        raise PlanError("donors: the plan's comparator pool leaves fewer than two comparison wards")
    ring = (
        sorted(neighbours & units) if plan.neighbours_policy == AnalysisPlan.Neighbours.SPILLOVER_RING else []
    )
    return PlanDesign(plan=plan, treated=treated, donors=donors, ring=ring)


Estimator = Callable[[pd.DataFrame, dict[str, str], list[str]], dict[str, Any]]


def spillover(design: PlanDesign, panel: pd.DataFrame, estimate: Estimator) -> dict[str, Any] | None:
    """The same method on the spillover ring as if it were treated, against the same donors: a change there
    is either spillover (the effect leaking next door) or a sign the comparison is not clean."""
    if not design.ring:
        return None
    start = min(design.treated.values())
    try:
        found = estimate(design.window(panel), dict.fromkeys(design.ring, start), design.donors)
    except AnalysisError as exc:
        return {"wards": design.ring, "error": str(exc)}
    return {"wards": design.ring, **_headline(found)}


def secondary_outcomes(design: PlanDesign, estimate: Estimator) -> dict[str, Any] | None:
    """Each secondary outcome of the plan by the same method, design and windows, with p-values adjusted
    across them by the plan's rule. The headline is the primary outcome and is not in the family."""
    plan = design.plan
    if not plan.secondary_outcomes:
        return None
    rows: list[dict[str, Any]] = []
    for measure in plan.secondary_outcomes:
        panel = area_panel(str(measure))
        row: dict[str, Any] = {"measure": str(measure)}
        if panel.empty:
            rows.append({**row, "error": f"no monthly figures for {measure}"})
            continue
        try:
            sub = plan_design(plan, panel)
            row.update(_headline(estimate(sub.window(panel), sub.treated, sub.donors)))
        except (AnalysisError, PlanError) as exc:
            row["error"] = str(exc)
        rows.append(row)
    adjusted = adjust([r.get("p_value") for r in rows], plan.multiple_testing, alpha=plan.alpha)
    for row, found in zip(rows, adjusted, strict=True):
        row["p_adjusted"], row["reject"] = found if found is not None else (None, None)
    return {
        "rule": plan.multiple_testing,
        "rule_name": RULE_NAMES[plan.multiple_testing],
        "alpha": plan.alpha,
        "family": len([r for r in rows if r.get("p_value") is not None]),
        "rows": rows,
        "note": "the headline outcome is primary and is tested alone; the adjustment runs over the secondary "
        "outcomes that could be estimated",
    }


def _headline(result: dict[str, Any]) -> dict[str, Any]:
    keys = ("method", "estimate", "ci_low", "ci_high", "p_value", "se", "n_donors", "inference", "warnings")
    return {k: result.get(k) for k in keys}
