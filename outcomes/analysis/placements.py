"""Placements evidence: who places households into the wards, whether they say so on time, and how much
of the wards' dependency gap to the county average placed households account for. Descriptive."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import AnalysisError
from .results import ResultMixin


@dataclass(frozen=True)
class PlacementsEvidence(ResultMixin):
    inflow_by_authority: list[dict[str, Any]]
    inflow_by_type: list[dict[str, Any]]
    inflow_by_year: list[dict[str, Any]]
    compliance: list[dict[str, Any]]
    dependency: dict[str, Any]
    gap_share: dict[str, Any]
    inference: str
    warnings: tuple[str, ...]


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(f"The {what} frame has no column {', '.join(repr(c) for c in missing)}.")


def notification_status(notified_on: Any, due_on: Any, *, today: Any) -> str:
    """on time, late, missing (due date passed with no notice), pending (not yet due), or no rule."""
    if due_on is None or (isinstance(due_on, float) and np.isnan(due_on)):
        return "no statutory rule"
    if notified_on is not None and not (isinstance(notified_on, float) and np.isnan(notified_on)):
        return "on time" if notified_on <= due_on else "late"
    return "missing" if today > due_on else "pending"


def placements_evidence(
    placements: pd.DataFrame,
    panel: pd.DataFrame,
    *,
    today: Any,
    target_rate: float | None = None,
    reference_rate: float | None = None,
) -> PlacementsEvidence:
    """Inflow by placing authority, type and year; notification compliance; dependency of placed households
    against others (from the household-month `panel` with `placed` and `dependent`); and, given the wards'
    and the county's out-of-work rates, the share of the gap that placed households account for."""
    _require(placements, ["household", "authority", "type", "year", "notified_on", "due_on"], "placements")
    _require(panel, ["household", "dependent", "placed"], "household panel")
    warnings: list[str] = []
    if placements.empty:
        raise AnalysisError("There are no placements to describe.")

    def counts(column: str) -> list[dict[str, Any]]:
        table = placements.groupby(column).agg(
            placements=("household", "size"), households=("household", "nunique")
        )
        return [{column: k, **{c: int(v) for c, v in row.items()}} for k, row in table.iterrows()]

    status = [
        notification_status(n, d, today=today)
        for n, d in zip(placements["notified_on"], placements["due_on"], strict=True)
    ]
    compliance_frame = placements.assign(status=status)
    ruled = compliance_frame[compliance_frame["status"] != "no statutory rule"]
    compliance = []
    for (authority, kind), group in ruled.groupby(["authority", "type"]):
        judged = group[group["status"].isin(["on time", "late", "missing"])]
        row = {
            "authority": authority,
            "type": kind,
            "placements": len(group),
            "on_time": int((group["status"] == "on time").sum()),
            "late": int((group["status"] == "late").sum()),
            "missing": int((group["status"] == "missing").sum()),
            "pending": int((group["status"] == "pending").sum()),
            "on_time_rate": float((judged["status"] == "on time").mean()) if len(judged) >= 10 else None,
        }
        compliance.append(row)
    if any(r["on_time_rate"] is None for r in compliance):
        warnings.append("Rates are withheld for authority-type groups with fewer than 10 judged placements.")

    by_household = panel.groupby("household").agg(dependent=("dependent", "mean"), placed=("placed", "max"))
    placed = by_household[by_household["placed"].astype(bool)]
    others = by_household[~by_household["placed"].astype(bool)]
    if len(placed) < 10 or len(others) < 10:
        raise AnalysisError("Comparing placed with other households needs at least 10 of each.")
    months = panel.groupby("placed")["dependent"].agg(["mean", "size"])
    rate_placed, rate_other = float(months.loc[True, "mean"]), float(months.loc[False, "mean"])
    share_placed_months = float(months.loc[True, "size"] / months["size"].sum())
    dependency = {
        "placed_households": len(placed),
        "other_households": len(others),
        "placed_dependency_rate": rate_placed,
        "other_dependency_rate": rate_other,
        "difference": rate_placed - rate_other,
        "placed_share_of_household_months": share_placed_months,
    }

    # Had placed households been as dependent as the others, the wards' rate would fall by this much.
    reduction = share_placed_months * (rate_placed - rate_other)
    overall = float(panel["dependent"].mean())
    gap_share: dict[str, Any] = {
        "rate_without_excess_of_placed": overall - reduction,
        "overall_rate": overall,
    }
    if target_rate is not None and reference_rate is not None:
        gap = target_rate - reference_rate
        if gap <= 0:
            warnings.append("The wards' rate is not above the reference rate: there is no gap to explain.")
            gap_share["share_of_gap"] = None
        else:
            gap_share["share_of_gap"] = (
                float(reduction / (overall * gap / target_rate)) if overall > 0 else None
            )
        gap_share.update({"target_rate": target_rate, "reference_rate": reference_rate})
    return PlacementsEvidence(
        inflow_by_authority=counts("authority"),
        inflow_by_type=counts("type"),
        inflow_by_year=counts("year"),
        compliance=compliance,
        dependency=dependency,
        gap_share=gap_share,
        inference=(
            "Descriptive: counts and rates of recorded placements, with no counterfactual. The share of the gap is "
            "an accounting identity (placed households' excess dependency times their share of household-months, "
            "over the wards' excess over the reference rate), not a causal estimate."
        ),
        warnings=tuple(warnings),
    )
