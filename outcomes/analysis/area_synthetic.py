"""Synthetic control, synthetic DiD and block DiD on an area panel, each start cohort fitted against the
donors, with in-space placebo inference, an in-time placebo and leave-one-donor-out estimates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .area_inference import (
    AreaImpact,
    fit_warnings,
    permutation_p,
    placebo_draws,
    placebo_kind,
    rank_critical,
    series,
    start_cohorts,
    studentised_test,
)
from .constants import Z95
from .errors import AnalysisError
from .fanout import Mapper, chunk_bounds, serial_map
from .panel import AreaPanel, check_columns
from .synth import BatchFit, fit_batch, predictor_weights, simplex_nnls


def _fit_cohorts(
    ap: AreaPanel,
    method: str,
    target_sets: Sequence[np.ndarray | None],
    allowed: np.ndarray,
    *,
    solver: str,
    omega_for: Any = None,
) -> tuple[np.ndarray, list[BatchFit], np.ndarray]:
    """Fit each cohort for a batch of targets; returns aggregated taus (p,), the per-cohort fits and weights.

    ``target_sets[c]`` is (p, n_c) donor positions standing in for cohort c, or None for the real cohort.
    """
    donors = ap.y[ap.n_treated :]
    cohorts = start_cohorts(ap)
    taus, fits, weights = [], [], []
    for c, cohort in enumerate(cohorts):
        end = ap.n_periods
        t0 = cohort.start
        if target_sets[c] is None:
            targets = ap.y[cohort.rows, :end].mean(axis=0, keepdims=True)
        else:
            targets = donors[target_sets[c], :end].mean(axis=1)
        omega = omega_for(c, targets, allowed, target_sets[c]) if omega_for is not None else None
        fit = fit_batch(
            donors[:, :end],
            targets,
            t0,
            method,
            allowed=allowed,
            n_treated=len(cohort.rows),
            solver=solver,
            omega=omega,
        )
        taus.append(fit.tau)
        fits.append(fit)
        weights.append(len(cohort.rows) * (end - t0))
    w = np.array(weights, dtype=float) / sum(weights)
    return np.einsum("c,cp->p", w, np.array(taus)), fits, w


def _covariate_weights(ap: AreaPanel, covariates: pd.DataFrame) -> Any:
    """Build the predictor-matching weight function for SC with covariates (V chosen on the real fit)."""
    check_columns(covariates, ("unit",), "covariates")
    cov = covariates.assign(unit=covariates["unit"].astype(str)).set_index("unit")
    if cov.index.duplicated().any():
        raise AnalysisError(f"covariates has duplicate unit {cov.index[cov.index.duplicated()][0]!r}")
    numeric = cov.select_dtypes("number")
    if numeric.shape[1] == 0:
        raise AnalysisError("covariates has no numeric column to match on")
    missing = [u for u in ap.units if u not in numeric.index]
    if missing:
        raise AnalysisError(f"covariates has no row for unit {missing[0]!r}")
    if numeric.loc[list(ap.units)].isna().any().any():
        raise AnalysisError("covariates has missing values for units in the panel")
    x_all = numeric.loc[list(ap.units)].to_numpy(dtype=float)
    vs: dict[int, np.ndarray] = {}

    def predictors(t0: int) -> np.ndarray:
        thirds = np.array_split(np.arange(t0), min(3, t0))
        means = np.column_stack([ap.y[:, idx].mean(axis=1) for idx in thirds])
        return np.column_stack([x_all, means]).T  # (K, N)

    def omega_for(c: int, targets: np.ndarray, allowed: np.ndarray, sets: np.ndarray | None) -> np.ndarray:
        cohort = start_cohorts(ap)[c]
        t0 = cohort.start
        x = predictors(t0)
        x_donor = x[:, ap.n_treated :]
        if c not in vs:
            x_target = x[:, cohort.rows].mean(axis=1)
            _, vs[c] = predictor_weights(
                x_donor, x_target, ap.y[ap.n_treated :, :t0], ap.y[cohort.rows, :t0].mean(axis=0)
            )
        scale = x_donor.std(axis=1, ddof=1, keepdims=True)
        scale[scale == 0] = 1.0
        root = np.sqrt(vs[c])[:, None]
        a = root * x_donor / scale
        thirds = np.array_split(np.arange(t0), min(3, t0))
        t_means = np.column_stack([targets[:, idx].mean(axis=1) for idx in thirds])  # (p, 3)
        if sets is None:
            t_cov = np.broadcast_to(x_all[cohort.rows].mean(axis=0), (targets.shape[0], x_all.shape[1]))
        else:
            t_cov = x_all[ap.n_treated + sets].mean(axis=1)  # placebo targets' own covariates
        b = root * (np.column_stack([t_cov, t_means]).T / scale)
        omega = np.zeros((a.shape[1], b.shape[1]))
        for col in range(b.shape[1]):
            rows = allowed[:, col]
            omega[rows, col] = simplex_nnls(a[:, rows], b[:, col])
        return omega

    return omega_for


def synthetic_impact(
    ap: AreaPanel,
    method: str,
    *,
    placebos: int | None,
    rng: np.random.Generator,
    solver: str,
    covariates: pd.DataFrame | None,
    in_time: bool,
    leave_one_out: bool,
    map_chunks: Mapper = serial_map,
) -> AreaImpact:
    """Synthetic control ("sc"), synthetic DiD ("sdid") or block DiD ("did") with in-space placebos.

    The placebo fits run in chunks through ``map_chunks`` (see ``fanout``); the result does not depend on
    where they run."""
    cohorts = start_cohorts(ap)
    j = ap.n_donors
    omega_for = _covariate_weights(ap, covariates) if covariates is not None else None
    all_allowed = np.ones((j, 1), dtype=bool)
    tau, fits, cw = _fit_cohorts(
        ap, method, [None] * len(cohorts), all_allowed, solver=solver, omega_for=omega_for
    )
    estimate = float(tau[0])

    # In-space placebos: donor sets of the same sizes as the cohorts, fitted from the remaining donors.
    n_pick = sum(len(c.rows) for c in cohorts)
    draws, exhaustive = placebo_draws(j, n_pick, placebos, rng)
    p = draws.shape[0]
    allowed = np.ones((j, p), dtype=bool)
    allowed[draws, np.arange(p)[:, None]] = False
    splits = np.cumsum([0] + [len(c.rows) for c in cohorts])
    sets = [draws[:, splits[k] : splits[k + 1]] for k in range(len(cohorts))]
    p_tau, p_pre, p_post = _placebo_fits(ap, method, sets, allowed, solver, omega_for, map_chunks)
    se = float(np.std(p_tau, ddof=0))

    warnings: list[str] = []
    pre_rmspe = float(np.sqrt(sum(w * f.pre_rmspe[0] ** 2 for w, f in zip(cw, fits, strict=True))))
    post_rmspe = float(np.sqrt(sum(w * f.post_rmspe[0] ** 2 for w, f in zip(cw, fits, strict=True))))
    median_pre, noise_ratio, fit_warned = fit_warnings(
        pre_rmspe, p_pre, failure="the counterfactual is not credible"
    )
    warnings.extend(fit_warned)
    kind = placebo_kind(exhaustive, p, n_pick)
    scale = max(pre_rmspe, 1e-12)
    if method == "sc":
        p_stat = p_post / np.maximum(p_pre, 1e-12)
        critical = rank_critical(p_stat)
        p_value = permutation_p(post_rmspe / scale, p_stat)
        ci_low, ci_high = _ratio_interval(estimate, post_rmspe, scale * critical)
        inference = (
            f"in-space placebo permutation over {kind} (Abadie, Diamond and Hainmueller 2010): p-value is the "
            "rank of the treated post/pre RMSPE ratio among the placebos'. The 95% interval inverts that test "
            "(Firpo and Possebom 2018): it holds every constant effect tau for which the treated post-period "
            "outcomes shifted by -tau (the donor weights, fitted on the pre-period, do not move) give a ratio "
            "with p >= 0.05, solved exactly as a quadratic in tau (no grid), so it excludes zero exactly when "
            "p < 0.05 and lies on the treated areas' own scale; SE is the SD of the placebo estimates, "
            f"reported as a scale only; with {ap.n_treated} treated area(s), cluster-robust errors are not valid"
        )
        if np.isnan(ci_low):
            warnings.append(
                "no constant effect passes the RMSPE-ratio test at 5%: the post-period gaps vary too much "
                "for one effect size to explain them, so no interval is reported"
            )
    else:
        p_value, ci_low, ci_high, critical = studentised_test(estimate, pre_rmspe, p_tau, p_pre)
        name = "synthetic DiD" if method == "sdid" else "DiD"
        inference = (
            f"in-space placebo permutation over {kind}, re-estimating the {name} weights for each "
            "(Arkhangelsky et al. 2021): p-value is the rank of |estimate| / treated pre-period RMSPE among "
            "the placebos' |estimate| / pre-period RMSPE. The 95% interval inverts that test (Firpo and "
            "Possebom 2018): shifting the treated post-period outcomes by -tau moves the estimate by -tau and "
            "leaves the weights and placebos unchanged, so the effects not rejected at 5% are exactly the "
            "estimate +/- the treated pre-RMSPE x the placebo critical ratio (no grid); it excludes zero "
            "exactly when p < 0.05 and lies on the treated areas' own scale. SE is the placebo-variance SE "
            "(Algorithm 4), reported as a scale, not used for the interval; with "
            f"{ap.n_treated} treated area(s), cluster-robust errors are not valid"
        )
    if 1.0 / (p + 1) > 0.05:
        warnings.append(f"only {p} placebo fits: the smallest attainable p-value is {1 / (p + 1):.3f}")
    if not ap.block:
        warnings.append(
            "treated units start in different periods: estimated per start cohort against the donors and "
            "averaged with weights n_treated x post-periods"
        )
    if covariates is not None:
        inference += (
            "; donor weights match covariates and pre-period outcome means with V chosen on the "
            "treated fit and reused for the placebos"
        )

    cohort_rows: list[dict[str, Any]] = []
    weights_total = np.zeros(j)
    for w, cohort, fit in zip(cw, cohorts, fits, strict=True):
        weights_total += w * fit.omega[:, 0]
        target = ap.y[cohort.rows].mean(axis=0)
        cohort_rows.append(
            {
                "start": ap.labels[cohort.start],
                "units": [ap.units[r] for r in cohort.rows],
                "estimate": float(fit.tau[0]),
                "weight": float(w),
                "pre_rmspe": float(fit.pre_rmspe[0]),
                "treated_path": series(ap.labels, target),
                "counterfactual_path": series(ap.labels, fit.synthetic[0]),
            }
        )
    weights = {ap.donors[i]: float(weights_total[i]) for i in np.flatnonzero(weights_total > 1e-6)}
    time_weights: dict[str, float] = {}
    if method == "sdid" and ap.block:
        lam = fits[0].lam[:, 0]
        time_weights = {ap.labels[i]: float(lam[i]) for i in np.flatnonzero(lam > 1e-6)}

    in_time_result = _in_time(ap, method, solver=solver) if in_time else None
    if in_time_result and se > 0 and abs(in_time_result["estimate"]) > Z95 * se:
        warnings.append(
            f"in-time placebo: a fake start at {in_time_result['fake_start']} finds "
            f"{in_time_result['estimate']:.3g}, beyond 1.96 placebo SEs: pre-period dynamics not captured"
        )
    loo: tuple[dict[str, Any], ...] = ()
    if leave_one_out and method in ("sc", "sdid"):
        loo = _leave_one_out(ap, method, weights_total, solver=solver, omega_for=omega_for)
    single = ap.block
    return AreaImpact(
        method=method,
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
        weights=weights if method != "did" else {},
        time_weights=time_weights,
        treated_path=cohort_rows[0]["treated_path"] if single else {},
        counterfactual_path=cohort_rows[0]["counterfactual_path"] if single else {},
        placebo={
            "n": p,
            "exhaustive": exhaustive,
            "se": se,
            "p_value": p_value,
            "median_pre_rmspe": median_pre,
            "noise_ratio": noise_ratio,
            "critical_statistic": critical,
            "estimates_quantiles": {q: float(np.quantile(p_tau, q)) for q in (0.025, 0.05, 0.5, 0.95, 0.975)},
        },
        in_time_placebo=in_time_result,
        leave_one_out=loo,
        cohorts=tuple(cohort_rows) if not single else (),
        warnings=tuple(warnings),
    )


def _placebo_fits(
    ap: AreaPanel,
    method: str,
    sets: list[np.ndarray],
    allowed: np.ndarray,
    solver: str,
    omega_for: Any,
    map_chunks: Mapper,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The placebo estimates and their cohort-weighted pre- and post-period RMSPE, fitted chunk by chunk.

    With covariates the donor weights come from a closure over the real fit's V, so those chunks run here.
    """
    tasks = [
        {
            "y": ap.y,
            "n_treated": ap.n_treated,
            "starts": list(ap.starts),
            "method": method,
            "solver": solver,
            "sets": [s[start:stop] for s in sets],
            "allowed": allowed[:, start:stop],
        }
        for start, stop in chunk_bounds(allowed.shape[1])
    ]
    if omega_for is not None:
        out = [placebo_chunk(task, omega_for=omega_for) for task in tasks]
    else:
        out = map_chunks(placebo_chunk, tasks)
    return tuple(np.concatenate([o[k] for o in out], axis=-1) for k in ("tau", "pre", "post"))  # type: ignore[return-value]


def placebo_chunk(task: dict[str, Any], omega_for: Any = None) -> dict[str, np.ndarray]:
    """Fit one chunk of placebo targets (a plain dict in and out, so it can travel to another process or
    machine); returns their estimates and their cohort-weighted pre- and post-period RMSPE."""
    y = np.asarray(task["y"], dtype=float)
    n_treated = int(task["n_treated"])
    ap = AreaPanel(
        y=y,
        units=tuple(str(i) for i in range(y.shape[0])),
        labels=tuple(str(i) for i in range(y.shape[1])),
        starts=tuple(int(s) for s in task["starts"]),
        n_treated=n_treated,
    )
    sets = [
        np.asarray(s, dtype=int).reshape(-1, len(c.rows))
        for s, c in zip(task["sets"], start_cohorts(ap), strict=True)
    ]
    allowed = np.asarray(task["allowed"], dtype=bool)
    tau, fits, cw = _fit_cohorts(
        ap, task["method"], sets, allowed, solver=task["solver"], omega_for=omega_for
    )
    pre = np.sqrt(sum(w * f.pre_rmspe**2 for w, f in zip(cw, fits, strict=True)))
    post = np.sqrt(sum(w * f.post_rmspe**2 for w, f in zip(cw, fits, strict=True)))
    return {"tau": tau, "pre": np.asarray(pre), "post": np.asarray(post)}


def _ratio_interval(estimate: float, post_rmspe: float, bound: float) -> tuple[float, float]:
    """The constant effects tau whose shifted post-period RMSPE stays within ``bound``.

    Shifting the treated post-period outcomes by -tau makes the post-period mean squared gap
    post_rmspe**2 - 2 tau estimate + tau**2 (the estimate is the mean post-period gap), so the set is
    estimate +/- sqrt(bound**2 - (post_rmspe**2 - estimate**2)): empty (NaN) when that is negative.
    """
    if math.isinf(bound):
        return -math.inf, math.inf
    spread = max(post_rmspe**2 - estimate**2, 0.0)
    room = bound**2 - spread
    if room < 0:
        return math.nan, math.nan
    return estimate - math.sqrt(room), estimate + math.sqrt(room)


def _in_time(ap: AreaPanel, method: str, *, solver: str) -> dict[str, Any] | None:
    """Re-estimate each cohort on its own pre-period only, with a fake start halfway through it; a credible
    design finds nothing. Donor weights match outcomes (not covariates) here."""
    donors = ap.y[ap.n_treated :]
    taus, weights, fakes = [], [], []
    for cohort in start_cohorts(ap):
        end, fake = cohort.start, cohort.start // 2
        if fake < 2:
            return None
        target = ap.y[cohort.rows, :end].mean(axis=0, keepdims=True)
        fit = fit_batch(donors[:, :end], target, fake, method, n_treated=len(cohort.rows), solver=solver)
        taus.append(float(fit.tau[0]))
        weights.append(len(cohort.rows) * (end - fake))
        fakes.append(ap.labels[fake])
    return {
        "fake_start": fakes[0] if len(fakes) == 1 else fakes,
        "periods_used_to": ap.labels[min(ap.starts) - 1] if ap.block else "each cohort's own start",
        "estimate": float(np.average(taus, weights=weights)),
    }


def _leave_one_out(
    ap: AreaPanel, method: str, weights: np.ndarray, *, solver: str, omega_for: Any, limit: int = 20
) -> tuple[dict[str, Any], ...]:
    """Drop each positive-weight donor (largest first, up to ``limit``) and re-estimate."""
    order = [int(i) for i in np.argsort(-weights) if weights[i] > 1e-6][:limit]
    if not order:
        return ()
    allowed = np.ones((ap.n_donors, len(order)), dtype=bool)
    allowed[order, np.arange(len(order))] = False
    cohorts = start_cohorts(ap)
    rows = []
    # Real targets repeated once per dropped donor.
    donors = ap.y[ap.n_treated :]
    taus = np.zeros(len(order))
    total = 0.0
    for cohort in cohorts:
        targets = np.repeat(ap.y[cohort.rows].mean(axis=0, keepdims=True), len(order), axis=0)
        c_index = cohorts.index(cohort)
        omega = omega_for(c_index, targets, allowed, None) if omega_for is not None else None
        fit = fit_batch(
            donors,
            targets,
            cohort.start,
            method,
            allowed=allowed,
            n_treated=len(cohort.rows),
            solver=solver,
            omega=omega,
        )
        w = len(cohort.rows) * (ap.n_periods - cohort.start)
        taus += w * fit.tau
        total += w
    taus /= total
    for k, i in enumerate(order):
        rows.append({"dropped": ap.donors[i], "weight": float(weights[i]), "estimate": float(taus[k])})
    return tuple(rows)
