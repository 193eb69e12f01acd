"""Two-way fixed-effects DiD and the event study on an area panel, with randomisation inference over
donor areas standing in for the treated.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .area_inference import (
    AreaImpact,
    fit_warnings,
    placebo_draws,
    placebo_kind,
    series,
    start_cohorts,
    studentised_test,
)
from .errors import AnalysisError
from .fanout import Mapper, chunk_bounds, serial_map
from .honest import sensitivity_bounds
from .panel import AreaPanel
from .pretrend import pretrend_test, pretrend_warnings

# Placebo DiD fits per chunk: each is a few passes over a (donors x months) dummy, so a chunk of 250 on
# 1,000 donors x 120 months takes about a second, well above the cost of sending it.
DID_CHUNK = 250


def _twfe(y: np.ndarray, d: np.ndarray) -> np.ndarray:
    """TWFE coefficient on a treatment dummy for a balanced panel, batched over dummies (p, N, T)."""
    dd = (
        d - d.mean(axis=2, keepdims=True) - d.mean(axis=1, keepdims=True) + d.mean(axis=(1, 2), keepdims=True)
    )
    denom = np.einsum("pnt,pnt->p", dd, dd)
    if np.any(denom == 0):
        raise AnalysisError("no variation in treatment after removing area and period effects")
    return np.einsum("pnt,nt->p", dd, y) / denom


def _pre_rmspe(ap: AreaPanel, sets: list[np.ndarray] | None) -> np.ndarray:
    """Pre-period fit error of each cohort's mean against the control mean shifted to match it (the DiD
    counterfactual), pooled over cohorts with weights n_treated x post-periods as the synthetic methods pool
    theirs. ``sets`` holds, per cohort, the (p, n_c) donor positions standing in for it, the rest of the
    donors the control; None gives the treated cohorts against all donors, shape (1,)."""
    cohorts = start_cohorts(ap)
    donors = ap.y[ap.n_treated :]
    if sets is None:
        groups = [ap.y[c.rows].mean(axis=0, keepdims=True) for c in cohorts]
        control = donors.mean(axis=0, keepdims=True)
    else:
        p = sets[0].shape[0]
        keep = np.ones((p, ap.n_donors), dtype=bool)
        for rows in sets:
            keep[np.arange(p)[:, None], rows] = False
        control = (keep.astype(float) @ donors) / keep.sum(axis=1, keepdims=True)
        groups = [donors[rows].mean(axis=1) for rows in sets]
    sq, total = 0.0, 0.0
    for cohort, group in zip(cohorts, groups, strict=True):
        gap = (group - control)[:, : cohort.start]
        w = len(cohort.rows) * (ap.n_periods - cohort.start)
        sq = sq + w * ((gap - gap.mean(axis=1, keepdims=True)) ** 2).mean(axis=1)
        total += w
    return np.sqrt(sq / total)


def did_impact(
    ap: AreaPanel, *, placebos: int | None, rng: np.random.Generator, map_chunks: Mapper = serial_map
) -> AreaImpact:
    """Two-way fixed-effects DiD, its uncertainty from the same starts reassigned to donor sets.

    The donor sets are drawn here; their TWFE fits run in chunks through ``map_chunks`` (see ``fanout``),
    so the result does not depend on where they run."""
    n, t = ap.y.shape
    periods = np.arange(t)
    d = np.zeros((1, n, t))
    for i, s in enumerate(ap.starts):
        d[0, i] = periods >= s
    estimate = float(_twfe(ap.y, d)[0])
    donors = ap.y[ap.n_treated :]
    j = ap.n_donors
    draws, exhaustive = placebo_draws(j, ap.n_treated, placebos, rng)
    tasks = [
        {"donors": donors, "starts": list(ap.starts), "draws": draws[lo:hi]}
        for lo, hi in chunk_bounds(draws.shape[0], DID_CHUNK)
    ]
    p_tau = np.concatenate([o["tau"] for o in map_chunks(did_placebo_chunk, tasks)])
    se = float(np.std(p_tau, ddof=0))
    pre_rmspe = float(_pre_rmspe(ap, None)[0])
    p_pre = _pre_rmspe(ap, [draws[:, c.rows] for c in start_cohorts(ap)])
    p_value, ci_low, ci_high, critical = studentised_test(estimate, pre_rmspe, p_tau, p_pre)
    kind = placebo_kind(exhaustive, draws.shape[0], ap.n_treated)
    inference = (
        "two-way fixed effects (area and period) DiD; randomisation inference at area level: treatment with the "
        f"same start(s) reassigned to {kind}; p-value is the rank of |estimate| / treated pre-period RMSPE "
        "among the placebos' |estimate| / pre-period RMSPE (pre-RMSPE: each cohort's pre-start gap to the "
        "control mean, less its average). The 95% interval inverts that test (Firpo and Possebom 2018): "
        "shifting the treated post-period outcomes by -tau moves the estimate by -tau and leaves the "
        "pre-period fit and the placebos unchanged, so the effects not rejected at 5% are exactly the "
        "estimate +/- the treated pre-RMSPE x the placebo critical ratio (no grid); it excludes zero exactly "
        "when p < 0.05 and lies on the treated areas' own scale. SE is the SD of the placebo estimates, "
        "reported as a scale, not used for the interval; "
        f"with {ap.n_treated} treated area(s), cluster-robust errors are not valid; assumes "
        "parallel trends, no anticipation before the start and that the treated and placebo studentised "
        "statistics are exchangeable: the pre-trend diagnostics come from the event study on the same placebo "
        "sets, with its sensitivity bounds"
    )
    events = _event_times(ap, None)
    beta, p_beta = _event_fits(ap, draws, events)
    pretrend = _diagnostics(beta, p_beta, draws, events, estimate, pre_rmspe=pre_rmspe, p_pre=p_pre)
    lead_se = p_beta.std(axis=0, ddof=0)
    pretrend["leads"] = [
        {"event_time": int(e), "estimate": float(beta[k]), "se": float(lead_se[k])}
        for k, e in enumerate(events)
        if e < -1
    ]
    warnings = pretrend_warnings(pretrend)
    median_pre, noise_ratio, fit_warned = fit_warnings(
        pre_rmspe, p_pre, failure="parallel trends are not credible"
    )
    warnings.extend(fit_warned)
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
    treated_path, counterfactual = {}, {}
    if ap.block:
        s = ap.starts[0]
        target = ap.y[: ap.n_treated].mean(axis=0)
        control = donors.mean(axis=0)
        cf = control + (target[:s] - control[:s]).mean()
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
        pretrend=pretrend,
        placebo={
            "n": int(draws.shape[0]),
            "exhaustive": exhaustive,
            "se": se,
            "p_value": p_value,
            "median_pre_rmspe": median_pre,
            "noise_ratio": noise_ratio,
            "critical_statistic": critical,
        },
        warnings=tuple(warnings),
    )


def did_placebo_chunk(task: dict[str, Any]) -> dict[str, np.ndarray]:
    """TWFE DiD of a chunk of donor sets given the treated units' starts (a plain dict in and out, so it
    can travel to another process or machine); set k's row r takes start ``starts[r]``."""
    donors = np.asarray(task["donors"], dtype=float)
    j, t = donors.shape
    starts = [int(s) for s in task["starts"]]
    draws = np.asarray(task["draws"], dtype=np.intp).reshape(-1, len(starts))
    periods = np.arange(t)
    tau = np.empty(draws.shape[0])
    # Sub-blocks bound the (sets, donors, months) dummy array at 4 million cells.
    block = max(1, int(4e6 // (j * t)))
    for lo in range(0, draws.shape[0], block):
        rows = draws[lo : lo + block]
        dp = np.zeros((rows.shape[0], j, t))
        for k, s in enumerate(starts):
            dp[np.arange(rows.shape[0]), rows[:, k]] = periods >= s
        tau[lo : lo + block] = _twfe(donors, dp)
    return {"tau": tau}


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


def _event_times(ap: AreaPanel, window: tuple[int, int] | None) -> np.ndarray:
    """Every event time the cohorts reach, within ``window``, less the reference period -1."""
    cohorts = start_cohorts(ap)
    lo = -max(c.start for c in cohorts)
    hi = ap.n_periods - 1 - min(c.start for c in cohorts)
    if window is not None:
        lo, hi = max(lo, window[0]), min(hi, window[1])
    events = np.array([e for e in range(lo, hi + 1) if e != -1])
    if not (events < -1).any():
        raise AnalysisError("event study needs at least 2 pre-periods to test pre-trends")
    return events


def _event_fits(ap: AreaPanel, draws: np.ndarray, events: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Event-time coefficients of the treated units and of every placebo set of donors standing in for them,
    the rest of the donors the control."""
    cohorts = start_cohorts(ap)
    donors = ap.y[ap.n_treated :]
    sizes = [len(c.rows) for c in cohorts]
    starts = [c.start for c in cohorts]
    real = [ap.y[c.rows].mean(axis=0, keepdims=True) for c in cohorts]
    beta = _event_coefficients(real, sizes, starts, donors.mean(axis=0, keepdims=True), events)[0]
    p = draws.shape[0]
    keep = np.ones((p, ap.n_donors), dtype=bool)
    keep[np.arange(p)[:, None], draws] = False
    control = (keep.astype(float) @ donors) / keep.sum(axis=1, keepdims=True)
    splits = np.cumsum([0, *sizes])
    groups = [donors[draws[:, splits[k] : splits[k + 1]]].mean(axis=1) for k in range(len(cohorts))]
    return beta, _event_coefficients(groups, sizes, starts, control, events)


def _diagnostics(
    beta: np.ndarray,
    p_beta: np.ndarray,
    draws: np.ndarray,
    events: np.ndarray,
    estimate: float,
    *,
    pre_rmspe: float,
    p_pre: np.ndarray,
) -> dict[str, Any]:
    """The placebo-calibrated pre-trend test with its power, and the Rambachan-Roth sensitivity bounds with
    the same studentised interval width as the headline."""
    pre, post = events < -1, events >= 0
    test = pretrend_test(
        beta[pre], p_beta[:, pre], draws, events[pre], estimate=estimate, post_times=events[post]
    )
    bounds = sensitivity_bounds(beta, p_beta, events, pre_rmspe=pre_rmspe, placebo_pre=p_pre)
    return {**test, "sensitivity": bounds}


def event_study_impact(
    ap: AreaPanel, *, placebos: int | None, rng: np.random.Generator, window: tuple[int, int] | None
) -> AreaImpact:
    """Event-time coefficients against period -1, placebo standard errors and a joint pre-trend test."""
    events = _event_times(ap, window)
    j = ap.n_donors
    draws, exhaustive = placebo_draws(j, ap.n_treated, placebos, rng)
    p = draws.shape[0]
    beta, p_beta = _event_fits(ap, draws, events)
    se = p_beta.std(axis=0, ddof=0)
    pre_rmspe = float(_pre_rmspe(ap, None)[0])
    splits = np.cumsum([0, *(len(c.rows) for c in start_cohorts(ap))])
    p_pre = _pre_rmspe(ap, [draws[:, splits[k] : splits[k + 1]] for k in range(splits.size - 1)])
    coefs = []
    for k, e in enumerate(events):
        # Each coefficient's interval inverts the same studentised placebo test as the headline, so its
        # width is the method's own (treated pre-RMSPE x the placebo critical ratio), not 1.96 placebo SDs.
        p_k, low, high, _ = studentised_test(float(beta[k]), pre_rmspe, p_beta[:, k], p_pre)
        coefs.append(
            {
                "event_time": int(e),
                "estimate": float(beta[k]),
                "se": float(se[k]),
                "ci_low": float(low),
                "ci_high": float(high),
                "p_value": p_k,
            }
        )
    post = events >= 0
    estimate = float(beta[post].mean())
    pretrend = _diagnostics(beta, p_beta, draws, events, estimate, pre_rmspe=pre_rmspe, p_pre=p_pre)
    warnings = pretrend_warnings(pretrend)
    p_avg = p_beta[:, post].mean(axis=1)
    avg_se = float(p_avg.std(ddof=0))
    p_value, ci_low, ci_high, critical = studentised_test(estimate, pre_rmspe, p_avg, p_pre)
    median_pre, noise_ratio, fit_warned = fit_warnings(
        pre_rmspe, p_pre, failure="parallel trends are not credible"
    )
    warnings.extend(fit_warned)
    kind = placebo_kind(exhaustive, p, ap.n_treated)
    inference = (
        "event study with area and period fixed effects, reference period -1, cohort-by-event-time "
        "coefficients averaged over start cohorts by size (Sun and Abraham 2021; identical to the TWFE event "
        f"study when all areas start together); placebo reassignment to {kind}. Headline is the mean "
        "post-start coefficient: its p-value is the rank of |headline| / treated pre-period RMSPE among the "
        "placebos' same statistic, and its 95% interval inverts that test (estimate +/- treated pre-RMSPE x "
        "the placebo critical ratio), so it excludes zero exactly when p < 0.05; its SE is the SD of the "
        "placebo headlines, reported as a scale. Each per-event-time coefficient's interval and p-value "
        "invert the same studentised test (coefficient +/- treated pre-RMSPE x that event time's placebo "
        "critical ratio), and the sensitivity bounds widen by the same studentised quantile; the pre-trend "
        f"test is a placebo-calibrated Wald test; with {ap.n_treated} treated area(s), cluster-robust errors are not valid; "
        "assumes parallel trends and no anticipation before the start, which the pre-trend test can "
        "contradict but not confirm (see its power and the sensitivity bounds)"
    )
    return AreaImpact(
        method="event-study",
        estimate=estimate,
        se=avg_se,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        inference=inference,
        n_treated=ap.n_treated,
        n_donors=j,
        sample=ap.sample(),
        event_study=tuple(coefs),
        pretrend=pretrend,
        pre_rmspe=pre_rmspe,
        placebo={
            "n": p,
            "exhaustive": exhaustive,
            "se": avg_se,
            "p_value": p_value,
            "median_pre_rmspe": median_pre,
            "noise_ratio": noise_ratio,
            "critical_statistic": critical,
        },
        warnings=tuple(warnings),
    )
