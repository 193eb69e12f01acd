"""Minimum detectable effects for area DiD and two-group designs, and multiple-testing adjustments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from .errors import AnalysisError
from .multiple import adjust
from .results import ResultMixin


@dataclass(frozen=True)
class DetectableEffect(ResultMixin):
    """The smallest true effect the design detects with the stated power at the stated two-sided alpha."""

    mde: float
    se: float
    alpha: float
    power: float
    formula: str
    inputs: dict[str, Any]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdjustedPValues(ResultMixin):
    method: str
    alpha: float
    rows: tuple[dict[str, Any], ...]  # outcome, p_value, adjusted, reject


def _multiplier(alpha: float, power: float, df: float | None) -> float:
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise AnalysisError("alpha and power must be strictly between 0 and 1")
    if df is None:
        return float(stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power))
    return float(stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power, df))


def mde_did(
    *,
    n_treated: int,
    n_control: int,
    pre_periods: int,
    post_periods: int,
    sd: float,
    icc: float = 0.0,
    alpha: float = 0.05,
    power: float = 0.8,
) -> DetectableEffect:
    """MDE of a DiD on unit pre/post means (McKenzie 2012, equicorrelated errors).

    With outcome SD ``sd`` and within-unit correlation across periods ``icc`` (rho), the unit effect cancels in
    each unit's post-minus-pre mean, whose variance is (1 - rho) sd^2 (1/pre + 1/post). Then
    SE = sqrt((1 - rho) sd^2 (1/pre + 1/post) (1/n_treated + 1/n_control)) and
    MDE = (t_{1-alpha/2} + t_{power}) SE with n_treated + n_control - 2 degrees of freedom.
    """
    for name, v in (
        ("n_treated", n_treated),
        ("n_control", n_control),
        ("pre_periods", pre_periods),
        ("post_periods", post_periods),
    ):
        if v < 1:
            raise AnalysisError(f"{name} must be at least 1")
    if sd <= 0:
        raise AnalysisError("sd must be positive")
    if not 0 <= icc < 1:
        raise AnalysisError("icc must be in [0, 1)")
    df = n_treated + n_control - 2
    if df < 1:
        raise AnalysisError("need at least 3 units in all")
    se = float(
        np.sqrt((1 - icc) * sd**2 * (1 / pre_periods + 1 / post_periods) * (1 / n_treated + 1 / n_control))
    )
    warnings = []
    if 1 / (n_control + 1) > alpha:
        warnings.append(f"with {n_control} donors a placebo permutation test cannot reach p < {alpha}")
    if n_treated < 10:
        warnings.append(
            f"{n_treated} treated unit(s): the formula assumes independent units; with so few the "
            "real test is a placebo permutation whose power depends on donor heterogeneity"
        )
    return DetectableEffect(
        mde=_multiplier(alpha, power, df) * se,
        se=se,
        alpha=alpha,
        power=power,
        formula="MDE = (t_{1-a/2} + t_{power}) sqrt((1 - rho) sd^2 (1/pre + 1/post) (1/n_T + 1/n_C)), "
        "df = n_T + n_C - 2 (McKenzie 2012, constant within-unit correlation rho)",
        inputs={
            "n_treated": n_treated,
            "n_control": n_control,
            "pre_periods": pre_periods,
            "post_periods": post_periods,
            "sd": sd,
            "icc": icc,
        },
        warnings=tuple(warnings),
    )


def mde_two_group(
    *,
    n1: int,
    n2: int,
    sd: float,
    icc: float = 0.0,
    cluster_size: float = 1.0,
    alpha: float = 0.05,
    power: float = 0.8,
) -> DetectableEffect:
    """MDE of a difference in means between two groups of individuals, optionally clustered.

    SE = sd sqrt(DE (1/n1 + 1/n2)) with design effect DE = 1 + (m - 1) icc for clusters of size m;
    MDE = (z_{1-alpha/2} + z_{power}) SE.
    """
    if n1 < 2 or n2 < 2:
        raise AnalysisError("each group needs at least 2 observations")
    if sd <= 0:
        raise AnalysisError("sd must be positive")
    if not 0 <= icc < 1 or cluster_size < 1:
        raise AnalysisError("icc must be in [0, 1) and cluster_size at least 1")
    deff = 1 + (cluster_size - 1) * icc
    se = float(sd * np.sqrt(deff * (1 / n1 + 1 / n2)))
    warnings = [f"group of {n} below 10: do not publish rates" for n in (n1, n2) if n < 10]
    return DetectableEffect(
        mde=_multiplier(alpha, power, None) * se,
        se=se,
        alpha=alpha,
        power=power,
        formula="MDE = (z_{1-a/2} + z_{power}) sd sqrt(DE (1/n1 + 1/n2)), DE = 1 + (m - 1) icc",
        inputs={
            "n1": n1,
            "n2": n2,
            "sd": sd,
            "icc": icc,
            "cluster_size": cluster_size,
            "design_effect": deff,
        },
        warnings=tuple(warnings),
    )


def adjust_pvalues(
    pvalues: Mapping[str, float], *, method: str = "holm", alpha: float = 0.05
) -> AdjustedPValues:
    """Holm (family-wise error) or Benjamini-Hochberg ("bh", false discovery rate) adjusted p-values."""
    if method not in ("holm", "bh"):
        raise AnalysisError(f"method must be 'holm' or 'bh', not {method!r}")
    if not pvalues:
        raise AnalysisError("no p-values to adjust")
    names = list(pvalues)
    p = np.array([pvalues[k] for k in names], dtype=float)
    if not np.isfinite(p).all() or (p < 0).any() or (p > 1).any():
        raise AnalysisError("p-values must be numbers in [0, 1]")
    # The same statsmodels `multipletests` the plan's secondary outcomes use (`multiple.adjust`).
    out = np.array([found[0] for found in adjust(list(p), method, alpha=alpha) if found is not None])
    rows = tuple(
        {"outcome": k, "p_value": float(v), "adjusted": float(a), "reject": bool(a <= alpha)}
        for k, v, a in zip(names, p, out, strict=True)
    )
    return AdjustedPValues(method=method, alpha=alpha, rows=rows)
