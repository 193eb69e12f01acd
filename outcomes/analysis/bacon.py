"""Goodman-Bacon (2021) decomposition of a two-way fixed-effects DiD with staggered adoption.

The TWFE coefficient on a binary, absorbing treatment in a balanced panel is a weighted average of every
2x2 DiD between timing groups: treated vs never treated, earlier-treated vs later-treated (before the
later group starts) and later-treated vs earlier-treated (after the earlier group started; the
"forbidden" comparison that biases TWFE when effects grow over time). Weights follow Goodman-Bacon's
Theorem 1: group sizes and the variance of treatment within each pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import AnalysisError
from .fe import feols
from .results import ResultMixin

TREATED_VS_NEVER = "treated vs never treated"
EARLIER_VS_LATER = "earlier vs later treated"
LATER_VS_EARLIER = "later vs earlier treated"


@dataclass(frozen=True)
class Comparison(ResultMixin):
    """One 2x2 DiD: ``treated`` group against ``control`` group (timing groups are first-treated periods)."""

    kind: str
    treated: str
    control: str
    estimate: float
    weight: float


@dataclass(frozen=True)
class KindSummary(ResultMixin):
    kind: str
    estimate: float
    weight: float
    n_comparisons: int


@dataclass(frozen=True)
class BaconDecomposition(ResultMixin):
    """``twfe`` equals the weight-weighted sum of ``comparisons`` (and of ``by_kind``)."""

    twfe: float
    weighted_sum: float
    comparisons: tuple[Comparison, ...]
    by_kind: tuple[KindSummary, ...]
    n_obs: int
    n_units: int
    n_periods: int
    n_treated_units: int
    n_never_treated_units: int
    inference: str
    warnings: tuple[str, ...] = ()

    def kind(self, kind: str) -> KindSummary:
        for k in self.by_kind:
            if k.kind == kind:
                return k
        raise KeyError(kind)


def bacon_decomposition(
    frame: pd.DataFrame, *, y: str, treatment: str, unit: str, period: str
) -> BaconDecomposition:
    """Decompose the TWFE estimate of ``y ~ treatment | unit + period`` into its 2x2 comparisons."""
    for c in (y, treatment, unit, period):
        if c not in frame.columns:
            raise AnalysisError(f"missing column: {c}")
        if frame[c].isna().any():
            raise AnalysisError(f"column '{c}' has {int(frame[c].isna().sum())} missing values")
    if frame.duplicated([unit, period]).any():
        raise AnalysisError(f"duplicate ({unit}, {period}) rows: each unit may appear once per period")
    if not frame[treatment].isin([0, 1]).all():
        raise AnalysisError(f"column '{treatment}' must be 0/1")

    periods = np.sort(frame[period].unique())
    units = frame[unit].unique()
    n_t = len(periods)
    if n_t < 2:
        raise AnalysisError(f"column '{period}' needs at least two periods")
    if len(frame) != len(units) * n_t:
        raise AnalysisError(
            f"the panel is unbalanced ({len(frame)} rows for {len(units)} units x {n_t} periods): "
            "the decomposition needs every unit in every period"
        )
    wide_d = frame.pivot_table(index=unit, columns=period, values=treatment, aggfunc="first")
    wide_d = wide_d.loc[:, periods].to_numpy()
    wide_y = frame.pivot_table(index=unit, columns=period, values=y, aggfunc="first")
    wide_y = wide_y.loc[:, periods].to_numpy(dtype=np.float64)
    if np.any(np.diff(wide_d, axis=1) < 0):
        raise AnalysisError(f"column '{treatment}' switches off for some units: treatment must be absorbing")

    ever = wide_d.any(axis=1)
    first = np.where(ever, wide_d.argmax(axis=1), n_t)  # index of first treated period, n_t = never
    warnings = ["no never-treated units: only timing comparisons identify the estimate"] if ever.all() else []
    groups = np.unique(first)
    timing = [g for g in groups if g < n_t]
    if not timing:
        raise AnalysisError(f"no unit is ever treated in column '{treatment}'")
    n_units = len(units)
    share = {g: float(np.mean(first == g)) for g in groups}
    treated_share = {g: (n_t - g) / n_t for g in timing}  # D-bar: share of periods a group is treated
    means = {g: wide_y[first == g].mean(axis=0) for g in groups}

    def did(treated: int, control: int, pre: slice, post: slice) -> float:
        gap = means[treated] - means[control]
        return float(gap[post].mean() - gap[pre].mean())

    rows: list[tuple[str, int, int, float, float]] = []
    if n_t in share:
        n_u = share[n_t]
        for k in timing:
            d = treated_share[k]
            if 0 < d < 1:
                pair = share[k] / (share[k] + n_u)
                weight = (share[k] + n_u) ** 2 * pair * (1 - pair) * d * (1 - d)
                estimate = did(k, n_t, slice(0, k), slice(k, n_t))
                rows.append((TREATED_VS_NEVER, k, n_t, estimate, weight))
    for i, k in enumerate(timing):
        for late in timing[i + 1 :]:
            dk, dl = treated_share[k], treated_share[late]
            pair = share[k] / (share[k] + share[late])
            size = share[k] + share[late]
            if dk < 1:
                weight = (
                    (size * (1 - dl)) ** 2 * pair * (1 - pair) * (dk - dl) / (1 - dl) * (1 - dk) / (1 - dl)
                )
                estimate = did(k, late, slice(0, k), slice(k, late))
                rows.append((EARLIER_VS_LATER, k, late, estimate, weight))
            if dl > 0:
                weight = (size * dk) ** 2 * pair * (1 - pair) * (dl / dk) * (dk - dl) / dk
                estimate = did(late, k, slice(k, late), slice(late, n_t))
                rows.append((LATER_VS_EARLIER, late, k, estimate, weight))

    total = sum(r[4] for r in rows)
    if total <= 0:
        raise AnalysisError("no 2x2 comparison has treatment variation")

    def label(g: int) -> str:
        return "never" if g == n_t else str(periods[g])

    comparisons = tuple(
        Comparison(kind=kind, treated=label(t), control=label(c), estimate=est, weight=w / total)
        for kind, t, c, est, w in rows
    )
    by_kind = []
    for kind in (TREATED_VS_NEVER, EARLIER_VS_LATER, LATER_VS_EARLIER):
        members = [c for c in comparisons if c.kind == kind]
        weight = sum(c.weight for c in members)
        if members:
            estimate = sum(c.weight * c.estimate for c in members) / weight if weight > 0 else float("nan")
            by_kind.append(
                KindSummary(
                    kind=kind, estimate=float(estimate), weight=float(weight), n_comparisons=len(members)
                )
            )
    twfe = feols(frame, y, [treatment], [unit, period], drop_singletons=False).estimate
    weighted_sum = float(sum(c.weight * c.estimate for c in comparisons))
    later = next((k for k in by_kind if k.kind == LATER_VS_EARLIER), None)
    if later is not None and later.weight > 0.1:
        warnings.append(
            f"{later.weight:.0%} of the TWFE weight is on later-vs-earlier comparisons, which use already "
            "treated units as controls: prefer an estimator robust to staggered timing (Callaway-Sant'Anna)"
        )
    return BaconDecomposition(
        twfe=twfe,
        weighted_sum=weighted_sum,
        comparisons=comparisons,
        by_kind=tuple(by_kind),
        n_obs=len(frame),
        n_units=n_units,
        n_periods=n_t,
        n_treated_units=int(ever.sum()),
        n_never_treated_units=int((~ever).sum()),
        inference=(
            "descriptive decomposition (Goodman-Bacon 2021): no standard errors; weights from group sizes "
            "and "
            "treatment variance within each 2x2 comparison"
        ),
        warnings=tuple(warnings),
    )
