"""Pre-trend diagnostics for the area DiD and event study: a joint test of the leads calibrated on placebo
fits, and its power against a stated violation.

With two treated areas an analytic Wald test has two clusters on the treated side and is not valid; every
statistic here is ranked against the same statistic computed for placebo fits, in which sets of donor
areas stand in for the treated ones, so the test is valid whatever the number of treated areas (given
that the placebo units' errors are distributed like the treated units').
"""

from __future__ import annotations

from typing import Any

import numpy as np

ALPHA = 0.05
MIN_POWER = 0.8
# The violation the power is computed against: a linear pre-trend which, continued past the start, would
# account for this share of the estimated effect (after Roth 2022, "Pretest with caution").
VIOLATION_SHARE = 0.5


def _wald(every: np.ndarray, draws: np.ndarray, shift: np.ndarray) -> tuple[np.ndarray, np.ndarray, str]:
    """Wald statistics of every vector and of every vector plus ``shift``.

    Each vector's covariance is estimated from the vectors that share no donor with it, so the treated and
    placebo statistics are all out-of-sample alike; a covariance taken from the placebos alone, or from
    every vector, over-rejects badly when leads are many. With more leads than a third of the fits the full
    covariance is too noisy and a diagonal one is used.
    """
    n, k = every.shape
    moved = every + shift[None, :]
    if k <= (n - 1) // 3:
        total = every.T @ every
        members = np.zeros((n, int(draws.max()) + 1), dtype=bool)
        members[np.arange(1, n)[:, None], draws] = True
        overlap = (members.astype(float) @ members.T.astype(float)) > 0  # placebo i and j share a donor
        overlap[0, 0] = True
        wald, shifted = np.empty(n), np.empty(n)
        for i in range(n):
            near = np.flatnonzero(overlap[i])
            precision = np.linalg.pinv((total - every[near].T @ every[near]) / (n - near.size))
            wald[i] = every[i] @ precision @ every[i]
            shifted[i] = moved[i] @ precision @ moved[i]
        return wald, shifted, "full covariance from the fits sharing no donor with each"
    var = (every**2).mean(axis=0)
    inverse = 1.0 / np.where(var > 0, var, 1.0)
    return (
        (every**2 * inverse).sum(axis=1),
        (moved**2 * inverse).sum(axis=1),
        "diagonal covariance (more leads than a third of the placebo fits)",
    )


def _rank_p(stats: np.ndarray, null: np.ndarray) -> np.ndarray:
    """Share of the null statistics at least as large, the statistic itself counted: (1 + #) / (1 + P)."""
    return (1 + (null[None, :] >= stats[:, None] - 1e-12).sum(axis=1)) / (1 + null.size)


def _min_p(wald: np.ndarray, slope: np.ndarray, null_wald: np.ndarray, null_slope: np.ndarray) -> np.ndarray:
    return np.minimum(_rank_p(wald, null_wald), _rank_p(slope, null_slope))


def pretrend_test(
    lead: np.ndarray,
    placebo_leads: np.ndarray,
    draws: np.ndarray,
    lead_times: np.ndarray,
    *,
    estimate: float,
    post_times: np.ndarray,
) -> dict[str, Any]:
    """Joint test that the leads (event times ``lead_times`` against reference -1) are zero, and its power.

    Two statistics are computed for the treated leads and for every placebo's: a Wald statistic (any
    departure) and the absolute least-squares slope of the leads through zero at the reference period (a
    linear trend, which the Wald statistic spreads over many leads and detects poorly). Their smaller rank
    p-value is itself ranked among the placebos' smaller rank p-values, which keeps the size at 5%.

    Power: the stated violation (a linear pre-trend whose continuation accounts for ``VIOLATION_SHARE`` of
    ``estimate`` at the mean post event time ``post_times``) is added to each placebo's leads and the
    shifted statistics are tested against the unshifted placebo distribution; the power is the share that
    fail at 5%.
    """
    every = np.vstack([lead[None, :], placebo_leads])
    n, k = every.shape
    x = lead_times.astype(float) + 1.0  # distance from the reference period, negative
    horizon = float(np.mean(post_times.astype(float) + 1.0))
    violation_slope = VIOLATION_SHARE * abs(estimate) / horizon
    wald, shifted_wald, kind = _wald(every, draws, violation_slope * x)
    slope = every @ x / (x @ x)
    null_wald, null_slope = wald[1:], np.abs(slope[1:])
    m = _min_p(wald, np.abs(slope), null_wald, null_slope)
    p_value = float((1 + np.sum(m[1:] <= m[0] + 1e-12)) / n)
    wald_p = float(_rank_p(wald[:1], null_wald)[0])
    slope_p = float(_rank_p(np.abs(slope[:1]), null_slope)[0])

    s_wald = shifted_wald[1:]
    s_slope = np.abs(slope[1:] + violation_slope)
    s_m = _min_p(s_wald, s_slope, null_wald, null_slope)
    s_p = (1 + (m[1:][None, :] <= s_m[:, None] + 1e-12).sum(axis=1)) / n
    power = float(np.mean(s_p <= ALPHA))
    return {
        "statistic": float(wald[0]),
        "slope": float(slope[0]),
        "df": k,
        "p_value": p_value,
        "wald_p_value": wald_p,
        "slope_p_value": slope_p,
        "power": power,
        "violation_slope": violation_slope,
        "test": (
            f"joint test that all {k} lead coefficients are zero: the smaller of two placebo rank p-values, "
            f"a Wald statistic ({kind}) and the absolute slope of the leads, ranked among the {n - 1} "
            "placebo fits' own smaller p-values; valid with few treated areas because nothing in it is "
            "analytic"
        ),
        "power_method": (
            f"power against a linear pre-trend of {violation_slope:.4g} per period, the trend which continued "
            f"to the mean post-start period would account for {VIOLATION_SHARE:.0%} of the estimate: the "
            "trend is added to each placebo's leads and the share rejected at 5% against the unshifted "
            "placebos is the power"
        ),
    }


def pretrend_warnings(test: dict[str, Any]) -> list[str]:
    """A warning when the pre-trend test fails, or when it could not have detected the stated violation."""
    out = []
    if test["p_value"] < ALPHA:
        out.append(
            f"failed pre-trend test: the {test['df']} lead coefficients are jointly non-zero (placebo p = "
            f"{test['p_value']:.3f}; lead slope {test['slope']:.3g} per period); parallel trends are doubtful, "
            "see the sensitivity bounds"
        )
    elif test["power"] < MIN_POWER:
        out.append(
            f"low-powered pre-trend test: passing it says little, since it detects a linear pre-trend that "
            f"would account for {VIOLATION_SHARE:.0%} of the estimate only {test['power']:.0%} of the time "
            f"(trend of {test['violation_slope']:.3g} per period); see the sensitivity bounds"
        )
    return out
