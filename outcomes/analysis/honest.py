"""Sensitivity of an event study's post-start average to violations of parallel trends, after Rambachan and
Roth (2023), "A More Credible Approach to Parallel Trends", Review of Economic Studies 90(5).

Event times e are shifted to s = e + 1 so the reference period -1 is s = 0, where the violation delta is 0
by normalisation; the leads identify the pre-period violation (delta_s = beta_s for s < 0). The target is
theta = mean over post periods s = 1..T of (beta_s - delta_s). Two restrictions on the post-period delta:

- relative magnitudes, Delta^RM(Mbar): |delta_{s+1} - delta_s| <= Mbar * max over pre-periods of
  |delta_{s+1} - delta_s|. Identified set: theta_hat -/+ Mbar * D * mean(s), D the largest pre-period step.
- smoothness, Delta^SD(M): the slope of delta changes by at most M per period. The post path is the last
  pre-period slope extrapolated, give or take M * s (s + 1) / 2, so the set is
  theta_hat - slope_0 * mean(s) -/+ M * mean(s (s + 1) / 2). With M = 0 a linear pre-trend is extrapolated
  exactly. The pre-period path is taken as it is; if it bends by more than M, Rambachan and Roth's set
  would be empty, and the bend is reported.

Sampling uncertainty: the interval reported is NOT their optimal FLCI or conditional-hybrid interval. It is
the union of 95% intervals over the identified set: lower bound - 1.96 SE(lower bound) to upper bound +
1.96 SE(upper bound) (Imbens and Manski 2004 without their narrowing correction, so at least 95% coverage
of theta). Each bound's SE is the SD of the same bound computed on the placebo fits, which have no effect;
no analytic covariance is used because with two treated areas it is not valid.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .constants import Z95

MBARS = (0.0, 0.5, 1.0, 1.5, 2.0)
MBAR_GRID = np.round(np.arange(0, 10.0001, 0.01), 2)


def _paths(beta: np.ndarray, events: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pre-period violations ending with the reference 0 (columns s = s_min..0), post betas, post s."""
    pre = events < -1
    post = events >= 0
    zeros = np.zeros((beta.shape[0], 1))
    return np.hstack([beta[:, pre], zeros]), beta[:, post], events[post] + 1.0


class _Width:
    """How far a bound's 95% interval reaches past it, from the placebo fits' spread of that bound: 1.96 SDs,
    or (given the treated pre-period RMSPE and each placebo's) the treated pre-RMSPE times the 95th
    percentile rank of the placebos' |deviation| / their own pre-RMSPE, the studentised width the area
    headline's interval has."""

    def __init__(self, pre_rmspe: float | None, placebo_pre: np.ndarray | None, theta: np.ndarray) -> None:
        self.pre_rmspe = pre_rmspe
        self.placebo_pre = placebo_pre
        # The placebos' own mean headline: a bound's placebo values are re-centred on it, so the shift the
        # bound adds is removed and at Mbar = 0 the width is exactly the headline interval's.
        self.reference = float(theta.mean())

    @property
    def studentised(self) -> bool:
        return self.pre_rmspe is not None and self.placebo_pre is not None

    def __call__(self, placebo: np.ndarray) -> np.ndarray:
        """Half-widths for placebo values (..., P), one per leading index."""
        if self.pre_rmspe is None or self.placebo_pre is None:
            return Z95 * placebo.std(axis=-1, ddof=0)
        size = placebo.shape[-1]
        m = math.ceil(round(0.05 * (size + 1), 9)) - 1
        if m <= 0:
            return np.full(placebo.shape[:-1], math.inf)
        centred = placebo - placebo.mean(axis=-1, keepdims=True) + self.reference
        deviation = np.abs(centred) / np.maximum(self.placebo_pre, 1e-12)
        return max(self.pre_rmspe, 1e-12) * np.sort(deviation, axis=-1)[..., size - m]


def _interval(lower: np.ndarray, upper: np.ndarray, width: _Width) -> tuple[float, float, float, float]:
    """Identified set of the treated fit (row 0) and the union of 95% intervals, widths from the placebo rows."""
    w_low, w_high = float(width(lower[1:])), float(width(upper[1:]))
    return float(lower[0]), float(upper[0]), float(lower[0] - w_low), float(upper[0] + w_high)


def _row(name: str, value: float, bounds: tuple[float, float, float, float]) -> dict[str, float]:
    return {name: value, "lower": bounds[0], "upper": bounds[1], "ci_low": bounds[2], "ci_high": bounds[3]}


def sensitivity_bounds(
    beta: np.ndarray,
    placebo_beta: np.ndarray,
    events: np.ndarray,
    *,
    pre_rmspe: float | None = None,
    placebo_pre: np.ndarray | None = None,
) -> dict[str, Any]:
    """Relative-magnitudes and smoothness bounds on the mean post-start coefficient and their breakdown
    values. ``beta`` holds the coefficients at ``events`` (reference -1 left out, at least two leads);
    ``placebo_beta`` is (P, len(events)) from placebo fits. Given the treated pre-period RMSPE and the
    placebos' (``placebo_pre``, length P), each bound's interval has the studentised width of the area
    headline's; otherwise 1.96 placebo SDs."""
    every = np.vstack([beta[None, :], placebo_beta])
    pre, post, s = _paths(every, events)
    theta = post.mean(axis=1)
    width = _Width(pre_rmspe, placebo_pre, theta[1:])
    k1 = float(s.mean())
    k2 = float((s * (s + 1) / 2).mean())

    steps = np.abs(np.diff(pre, axis=1)).max(axis=1)  # D, the largest pre-period step
    rm_low = theta[None, :] - MBAR_GRID[:, None] * steps[None, :] * k1
    rm_high = theta[None, :] + MBAR_GRID[:, None] * steps[None, :] * k1
    covers = (rm_low[:, 0] - width(rm_low[:, 1:]) <= 0) & (rm_high[:, 0] + width(rm_high[:, 1:]) >= 0)
    rm_breakdown = float(MBAR_GRID[np.argmax(covers)]) if covers.any() else None
    rm_rows = []
    for mbar in MBARS:
        i = int(np.flatnonzero(np.isclose(MBAR_GRID, mbar))[0])
        rm_rows.append(_row("mbar", mbar, _interval(rm_low[i], rm_high[i], width)))

    slope0 = pre[:, -1] - pre[:, -2]  # delta_0 - delta_{-1}
    centre = theta - slope0 * k1
    # M * k2 shifts every fit's bound by the same amount, so the width does not depend on M.
    sd_breakdown = max(0.0, (abs(float(centre[0])) - float(width(centre[1:]))) / k2)
    curvature = float(np.abs(np.diff(pre[0], n=2)).max()) if pre.shape[1] >= 3 else 0.0
    sd_rows = []
    for m in sorted({0.0, curvature, 2 * curvature, sd_breakdown}):
        bounds = _interval(centre - m * k2, centre + m * k2, width)
        sd_rows.append(_row("m", m, bounds))
    return {
        "target": "mean of the post-start event-study coefficients (reference period -1)",
        "relative_magnitudes": {
            "rows": rm_rows,
            "largest_pre_step": float(steps[0]),
            "breakdown_mbar": rm_breakdown,
            "breakdown_note": (
                "smallest Mbar (grid step 0.01, up to 10) at which the interval includes zero; None if it "
                "never does up to 10"
            ),
        },
        "smoothness": {
            "rows": sd_rows,
            "last_pre_slope": float(slope0[0]),
            "largest_pre_curvature": curvature,
            "breakdown_m": sd_breakdown,
            "breakdown_note": "smallest M at which the interval includes zero (exact: the SE does not depend on M)",
        },
        "inference": (
            "identified sets of Rambachan and Roth (2023) under relative magnitudes (post-period steps of the "
            "violation at most Mbar times the largest pre-period step) and smoothness (slope of the violation "
            "changes by at most M per period); the interval is the union of 95% intervals over the identified "
            "set (Imbens and Manski 2004 without their correction): "
            + (
                "each bound widened by the treated pre-period RMSPE times the 95th percentile of the placebo "
                "fits' |deviation of that bound| / their own pre-period RMSPE, the studentised width of the "
                "headline's interval"
                if width.studentised
                else "lower bound - 1.96 SE to upper bound + 1.96 SE, each bound's SE the SD of that bound "
                "over the placebo fits"
            )
            + "; not Rambachan and Roth's optimal FLCI or conditional-hybrid interval, and wider than them"
        ),
    }
