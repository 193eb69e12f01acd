"""What the area estimators share: the ``AreaImpact`` result, start cohorts and placebo inference.

With two treated wards, cluster-robust standard errors have two clusters on the treated side and are not
valid; the estimators draw their uncertainty from placebo fits instead, in which sets of donor areas stand
in for the treated ones.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .constants import Z95
from .errors import AnalysisError
from .panel import AreaPanel
from .results import ResultMixin

POOR_FIT_RATIO = 2.0
# Treated pre-period fit error over the donors' median placebo fit error above which the result warns that
# the treated areas are noisier than the comparators.
NOISE_RATIO = 1.5


@dataclass(frozen=True)
class AreaImpact(ResultMixin):
    """An area-level impact estimate with its inference, sample, diagnostics and chart series."""

    method: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float | None
    inference: str
    n_treated: int
    n_donors: int
    sample: dict[str, Any]
    pre_rmspe: float | None = None
    weights: dict[str, float] = field(default_factory=dict)
    time_weights: dict[str, float] = field(default_factory=dict)
    treated_path: dict[str, float] = field(default_factory=dict)
    counterfactual_path: dict[str, float] = field(default_factory=dict)
    event_study: tuple[dict[str, Any], ...] = ()
    pretrend: dict[str, Any] | None = None
    placebo: dict[str, Any] = field(default_factory=dict)
    in_time_placebo: dict[str, Any] | None = None
    leave_one_out: tuple[dict[str, Any], ...] = ()
    cohorts: tuple[dict[str, Any], ...] = ()
    aggregations: dict[str, Any] | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cohort:
    """Treated units sharing a start period."""

    start: int
    rows: np.ndarray  # row positions of its treated units in the panel matrix


def start_cohorts(ap: AreaPanel) -> list[Cohort]:
    """The treated units grouped by start period, earliest first."""
    starts = np.array(ap.starts)
    return [Cohort(int(s), np.flatnonzero(starts == s)) for s in sorted(set(ap.starts))]


def placebo_draws(
    n_donors: int, n_pick: int, placebos: int | None, rng: np.random.Generator
) -> tuple[np.ndarray, bool]:
    """Donor sets standing in for the treated units, and whether they are all possible sets (an exact
    permutation test) rather than a random sample of them. Default size: all sets when there are at most
    1,000 of them, else 200 random sets."""
    if n_pick >= n_donors:
        raise AnalysisError(
            f"{n_donors} donor(s) for {n_pick} treated unit(s): placebo inference needs more donors than treated"
        )
    possible = math.comb(n_donors, n_pick)
    wanted = placebos if placebos is not None else (possible if possible <= 1000 else 200)
    if wanted >= possible:
        return np.array(list(itertools.combinations(range(n_donors), n_pick))), True
    if n_pick == 1:
        return rng.choice(n_donors, size=wanted, replace=False)[:, None], False
    return np.array([rng.permutation(n_donors)[:n_pick] for _ in range(wanted)]), False


def placebo_kind(exhaustive: bool, n: int, n_pick: int) -> str:
    """How the placebo sets were drawn, in words for the inference text."""
    if exhaustive:
        return "every donor in turn" if n_pick == 1 else f"all {n} sets of {n_pick} donors"
    return f"{n} random sets of {n_pick} donor(s)"


def normal_ci(estimate: float, se: float) -> tuple[float, float]:
    return estimate - Z95 * se, estimate + Z95 * se


RANK_TOL = 1e-12


def permutation_p(stat: float, placebo: np.ndarray) -> float:
    """One-sided rank p-value with the observed statistic counted among the permutations."""
    return float((1 + np.sum(placebo >= stat - RANK_TOL)) / (1 + placebo.size))


def rank_critical(placebo: np.ndarray, alpha: float = 0.05) -> float:
    """The largest observed statistic that ``permutation_p`` does not reject at ``alpha``.

    ``permutation_p(s, placebo) >= alpha`` exactly when ``s <= rank_critical(placebo, alpha)``: at least
    m = ceil(alpha (P + 1)) - 1 placebo statistics must reach s, so the bound is the m-th largest (plus the
    rank tolerance). Infinite when m is 0, i.e. when too few placebos exist to reject at ``alpha``.
    """
    m = math.ceil(round(alpha * (placebo.size + 1), 9)) - 1
    if m <= 0:
        return math.inf
    return float(np.sort(placebo)[::-1][m - 1]) + RANK_TOL


def studentised_test(
    estimate: float, pre_rmspe: float, placebo: np.ndarray, placebo_pre: np.ndarray
) -> tuple[float, float, float, float]:
    """p-value, 95% interval and critical ratio of the test of |estimate| / pre-period RMSPE against the
    placebos' same statistic. The interval is the test inverted: shifting the treated post-period outcomes by
    -tau moves the estimate by -tau and leaves the pre-period fit and the placebos alone, so the effects not
    rejected at 5% are the estimate +/- pre-RMSPE x the critical ratio, and it excludes zero exactly when
    p < 0.05."""
    scale = max(pre_rmspe, 1e-12)
    stat = np.abs(placebo) / np.maximum(placebo_pre, 1e-12)
    critical = rank_critical(stat)
    p_value = permutation_p(abs(estimate) / scale, stat)
    return p_value, estimate - scale * critical, estimate + scale * critical, critical


def fit_warnings(
    pre_rmspe: float, placebo_pre: np.ndarray, *, failure: str
) -> tuple[float, float, list[str]]:
    """The donors' median placebo pre-RMSPE, the treated pre-RMSPE over it, and the warnings it calls for;
    ``failure`` names what a poor pre-period fit discredits."""
    median_pre = float(np.median(placebo_pre))
    noise_ratio = pre_rmspe / median_pre if median_pre > 0 else math.inf
    warnings = []
    if noise_ratio > POOR_FIT_RATIO:
        warnings.append(
            f"poor pre-period fit: treated pre-RMSPE {pre_rmspe:.3g} is {noise_ratio:.1f} times the "
            f"donors' median placebo pre-RMSPE {median_pre:.3g}; {failure}"
        )
    if noise_ratio > NOISE_RATIO:
        warnings.append(
            f"treated areas noisier than the comparators: their pre-period fit error is {noise_ratio:.1f} times "
            f"the donors' median placebo fit error (warning above {NOISE_RATIO}); the test statistic divides "
            "by each unit's own pre-period fit error, so the interval widens with the treated noise, but it "
            "assumes the treated and placebo studentised statistics are exchangeable"
        )
    return median_pre, noise_ratio, warnings


def series(labels: tuple[str, ...], values: np.ndarray) -> dict[str, float]:
    """A chart series: one value per period label."""
    return {lab: float(v) for lab, v in zip(labels, values, strict=True)}
