"""Two-way fixed-effects DiD and the event study on an area panel, with randomisation inference over
donor areas standing in for the treated.
"""

from __future__ import annotations

import numpy as np

from .area_inference import (
    AreaImpact,
    normal_ci,
    permutation_p,
    placebo_draws,
    placebo_kind,
    series,
    start_cohorts,
)
from .errors import AnalysisError
from .panel import AreaPanel


def _twfe(y: np.ndarray, d: np.ndarray) -> np.ndarray:
    """TWFE coefficient on a treatment dummy for a balanced panel, batched over dummies (p, N, T)."""
    dd = (
        d - d.mean(axis=2, keepdims=True) - d.mean(axis=1, keepdims=True) + d.mean(axis=(1, 2), keepdims=True)
    )
    denom = np.einsum("pnt,pnt->p", dd, dd)
    if np.any(denom == 0):
        raise AnalysisError("no variation in treatment after removing area and period effects")
    return np.einsum("pnt,nt->p", dd, y) / denom


def did_impact(ap: AreaPanel, *, placebos: int | None, rng: np.random.Generator) -> AreaImpact:
    """Two-way fixed-effects DiD, its uncertainty from the same starts reassigned to donor sets."""
    n, t = ap.y.shape
    periods = np.arange(t)
    d = np.zeros((1, n, t))
    for i, s in enumerate(ap.starts):
        d[0, i] = periods >= s
    estimate = float(_twfe(ap.y, d)[0])
    donors = ap.y[ap.n_treated :]
    j = ap.n_donors
    draws, exhaustive = placebo_draws(j, ap.n_treated, placebos, rng)
    p_tau = np.empty(draws.shape[0])
    chunk = max(1, int(4e6 // (j * t)))
    for lo in range(0, draws.shape[0], chunk):
        block = draws[lo : lo + chunk]
        dp = np.zeros((block.shape[0], j, t))
        for k, s in enumerate(ap.starts):
            dp[np.arange(block.shape[0]), block[:, k]] = periods >= s
        p_tau[lo : lo + chunk] = _twfe(donors, dp)
    se = float(np.std(p_tau, ddof=0))
    ci_low, ci_high = normal_ci(estimate, se)
    p_value = permutation_p(abs(estimate), np.abs(p_tau))
    kind = placebo_kind(exhaustive, draws.shape[0], ap.n_treated)
    inference = (
        "two-way fixed effects (area and period) DiD; randomisation inference at area level: treatment with the "
        f"same start(s) reassigned to {kind}, SE is the SD of the placebo estimates and the p-value the rank "
        f"of |estimate|; with {ap.n_treated} treated area(s), cluster-robust errors are not valid"
    )
    warnings = []
    if 1.0 / (draws.shape[0] + 1) > 0.05:
        warnings.append(
            f"only {draws.shape[0]} placebo fits: the smallest attainable p-value is "
            f"{1 / (draws.shape[0] + 1):.3f}"
        )
    if not ap.block:
        warnings.append(
            "starts differ: TWFE DiD weights early and late cohorts in ways that can mislead when effects "
            "change over time (Goodman-Bacon 2021); compare with method 'cs'"
        )
    treated_path, counterfactual, pre_rmspe = {}, {}, None
    if ap.block:
        s = ap.starts[0]
        target = ap.y[: ap.n_treated].mean(axis=0)
        control = donors.mean(axis=0)
        shift = (target[:s] - control[:s]).mean()
        cf = control + shift
        pre_rmspe = float(np.sqrt(np.mean((target[:s] - cf[:s]) ** 2)))
        treated_path, counterfactual = series(ap.labels, target), series(ap.labels, cf)
    return AreaImpact(
        method="did",
        estimate=estimate,
        se=se,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        inference=inference,
        n_treated=ap.n_treated,
        n_donors=j,
        sample=ap.sample(),
        pre_rmspe=pre_rmspe,
        treated_path=treated_path,
        counterfactual_path=counterfactual,
        placebo={"n": int(draws.shape[0]), "exhaustive": exhaustive, "se": se, "p_value": p_value},
        warnings=tuple(warnings),
    )


def _event_coefficients(
    group_means: list[np.ndarray],
    sizes: list[int],
    starts: list[int],
    control: np.ndarray,
    events: np.ndarray,
) -> np.ndarray:
    """Cohort-by-event-time DiD against the control mean, reference period -1, averaged over cohorts by size
    (Sun and Abraham 2021). Batched: each cohort mean and the control mean are (p, T)."""
    p, t = control.shape
    out = np.zeros((p, events.size))
    total = np.zeros(events.size)
    for path, size, s in zip(group_means, sizes, starts, strict=True):
        gap = path - control
        ref = gap[:, s - 1]
        for k, e in enumerate(events):
            if 0 <= s + e < t:
                out[:, k] += size * (gap[:, s + e] - ref)
                total[k] += size
    return out / np.where(total > 0, total, 1.0)


def _pretrend_test(
    lead: np.ndarray, placebo_leads: np.ndarray, draws: np.ndarray
) -> tuple[float, float, str]:
    """Joint test that the leads are zero, ranked against the same statistic for every placebo fit.

    Each vector's Wald statistic uses a covariance estimated from the other vectors that share no donor with
    it, so the treated and placebo statistics are all out-of-sample alike; a covariance taken from the
    placebos alone, or from every vector, over-rejects badly when leads are many. With more leads than a
    third of the fits the full covariance is too noisy and a diagonal one is used.
    """
    every = np.vstack([lead[None, :], placebo_leads])
    n, k = every.shape
    if k <= (n - 1) // 3:
        total = every.T @ every
        members = np.zeros((n, int(draws.max()) + 1), dtype=bool)
        members[np.arange(1, n)[:, None], draws] = True
        overlap = (members.astype(float) @ members.T.astype(float)) > 0  # placebo i and j share a donor
        overlap[0, 0] = True
        stats_all = np.empty(n)
        for i in range(n):
            near = np.flatnonzero(overlap[i])
            s_i = (total - every[near].T @ every[near]) / (n - near.size)
            stats_all[i] = every[i] @ np.linalg.pinv(s_i) @ every[i]
        kind = "full covariance from the fits sharing no donor with each"
    else:
        var = (every**2).mean(axis=0)
        stats_all = (every**2 / np.where(var > 0, var, 1.0)).sum(axis=1)
        kind = "diagonal covariance (more leads than a third of the placebo fits)"
    p_value = permutation_p(float(stats_all[0]), stats_all[1:])
    test = (
        f"joint Wald test that all {k} lead coefficients are zero, {kind}; p-value from the rank of the "
        "treated statistic among the placebos'"
    )
    return float(stats_all[0]), p_value, test


def event_study_impact(
    ap: AreaPanel, *, placebos: int | None, rng: np.random.Generator, window: tuple[int, int] | None
) -> AreaImpact:
    """Event-time coefficients against period -1, placebo standard errors and a joint pre-trend test."""
    cohorts = start_cohorts(ap)
    t = ap.n_periods
    lo = -max(c.start for c in cohorts)
    hi = t - 1 - min(c.start for c in cohorts)
    if window is not None:
        lo, hi = max(lo, window[0]), min(hi, window[1])
    events = np.array([e for e in range(lo, hi + 1) if e != -1])
    if not (events < -1).any():
        raise AnalysisError("event study needs at least 2 pre-periods to test pre-trends")
    donors = ap.y[ap.n_treated :]
    sizes = [len(c.rows) for c in cohorts]
    starts = [c.start for c in cohorts]
    real = [ap.y[c.rows].mean(axis=0, keepdims=True) for c in cohorts]
    beta = _event_coefficients(real, sizes, starts, donors.mean(axis=0, keepdims=True), events)[0]
    j = ap.n_donors
    draws, exhaustive = placebo_draws(j, ap.n_treated, placebos, rng)
    p = draws.shape[0]
    keep = np.ones((p, j), dtype=bool)
    keep[np.arange(p)[:, None], draws] = False
    control = (keep.astype(float) @ donors) / keep.sum(axis=1, keepdims=True)
    splits = np.cumsum([0] + [len(c.rows) for c in cohorts])
    groups = [donors[draws[:, splits[k] : splits[k + 1]]].mean(axis=1) for k in range(len(cohorts))]
    p_beta = _event_coefficients(groups, sizes, starts, control, events)
    se = p_beta.std(axis=0, ddof=0)
    coefs = []
    for k, e in enumerate(events):
        low, high = normal_ci(beta[k], se[k])
        coefs.append(
            {
                "event_time": int(e),
                "estimate": float(beta[k]),
                "se": float(se[k]),
                "ci_low": float(low),
                "ci_high": float(high),
                "p_value": permutation_p(abs(beta[k]), np.abs(p_beta[:, k])),
            }
        )
    pre = events < -1
    post = events >= 0
    k_pre = int(pre.sum())
    wald, pre_p, test = _pretrend_test(beta[pre], p_beta[:, pre], draws)
    pretrend = {"statistic": wald, "df": k_pre, "p_value": pre_p, "test": test}
    warnings = []
    if pre_p < 0.05:
        warnings.append(
            f"failed pre-trend test: the {k_pre} lead coefficients are jointly non-zero (placebo p = "
            f"{pre_p:.3f}); parallel trends are doubtful"
        )
    estimate = float(beta[post].mean())
    p_avg = p_beta[:, post].mean(axis=1)
    avg_se = float(p_avg.std(ddof=0))
    ci_low, ci_high = normal_ci(estimate, avg_se)
    kind = placebo_kind(exhaustive, p, ap.n_treated)
    inference = (
        "event study with area and period fixed effects, reference period -1, cohort-by-event-time "
        "coefficients averaged over start cohorts by size (Sun and Abraham 2021; identical to the TWFE event "
        f"study when all areas start together); SEs and p-values from placebo reassignment to {kind}; "
        f"headline is the mean post-start coefficient; with {ap.n_treated} treated area(s), cluster-robust "
        "errors are not valid"
    )
    return AreaImpact(
        method="event-study",
        estimate=estimate,
        se=avg_se,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=permutation_p(abs(estimate), np.abs(p_avg)),
        inference=inference,
        n_treated=ap.n_treated,
        n_donors=j,
        sample=ap.sample(),
        event_study=tuple(coefs),
        pretrend=pretrend,
        placebo={"n": p, "exhaustive": exhaustive},
        warnings=tuple(warnings),
    )
