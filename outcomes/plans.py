"""Reads of the analysis plan: the plan in force, its report with deviations, and its detectable effect."""

from typing import Any

import pandas as pd

from .analysis.power import mde_did
from .datasets.areas import area_panel
from .models import AnalysisPlan


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
