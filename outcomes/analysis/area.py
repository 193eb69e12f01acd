"""Area-level impact of a place-based intervention: DiD, event study, synthetic control, synthetic DiD and
Callaway-Sant'Anna, each with inference valid for a handful of treated areas.

With two treated wards, cluster-robust standard errors have two clusters on the treated side and are not
valid; every method here draws its uncertainty from placebo fits on the donor areas instead.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .errors import AnalysisError
from .panel import AreaPanel, check_columns, prepare_panel
from .results import ResultMixin
from .synth import BatchFit, fit_batch, predictor_weights, simplex_nnls

METHODS = ("did", "event-study", "sc", "sdid", "cs")
Z95 = float(stats.norm.ppf(0.975))
POOR_FIT_RATIO = 2.0


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
class _Cohort:
    start: int
    rows: np.ndarray  # row positions of its treated units in the panel matrix


def _cohorts(ap: AreaPanel) -> list[_Cohort]:
    starts = np.array(ap.starts)
    return [_Cohort(int(s), np.flatnonzero(starts == s)) for s in sorted(set(ap.starts))]


def _placebo_draws(
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


def _kind(exhaustive: bool, n: int, n_pick: int) -> str:
    if exhaustive:
        return "every donor in turn" if n_pick == 1 else f"all {n} sets of {n_pick} donors"
    return f"{n} random sets of {n_pick} donor(s)"


def _normal_ci(estimate: float, se: float) -> tuple[float, float]:
    return estimate - Z95 * se, estimate + Z95 * se


def _perm_p(stat: float, placebo: np.ndarray) -> float:
    """One-sided rank p-value with the observed statistic counted among the permutations."""
    return float((1 + np.sum(placebo >= stat - 1e-12)) / (1 + placebo.size))


def _series(labels: tuple[str, ...], values: np.ndarray) -> dict[str, float]:
    return {lab: float(v) for lab, v in zip(labels, values, strict=True)}


# -- synthetic family: sc, sdid and block did ----------------------------------------------------------------


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
    cohorts = _cohorts(ap)
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
        cohort = _cohorts(ap)[c]
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


def _synthetic(
    ap: AreaPanel,
    method: str,
    *,
    placebos: int | None,
    rng: np.random.Generator,
    solver: str,
    covariates: pd.DataFrame | None,
    in_time: bool,
    leave_one_out: bool,
) -> AreaImpact:
    cohorts = _cohorts(ap)
    j = ap.n_donors
    omega_for = _covariate_weights(ap, covariates) if covariates is not None else None
    all_allowed = np.ones((j, 1), dtype=bool)
    tau, fits, cw = _fit_cohorts(
        ap, method, [None] * len(cohorts), all_allowed, solver=solver, omega_for=omega_for
    )
    estimate = float(tau[0])

    # In-space placebos: donor sets of the same sizes as the cohorts, fitted from the remaining donors.
    n_pick = sum(len(c.rows) for c in cohorts)
    draws, exhaustive = _placebo_draws(j, n_pick, placebos, rng)
    p = draws.shape[0]
    allowed = np.ones((j, p), dtype=bool)
    allowed[draws, np.arange(p)[:, None]] = False
    splits = np.cumsum([0] + [len(c.rows) for c in cohorts])
    sets = [draws[:, splits[k] : splits[k + 1]] for k in range(len(cohorts))]
    p_tau, p_fits, _ = _fit_cohorts(ap, method, sets, allowed, solver=solver, omega_for=omega_for)
    se = float(np.std(p_tau, ddof=0))
    ci_low, ci_high = _normal_ci(estimate, se)

    warnings: list[str] = []
    pre_rmspe = float(np.sqrt(sum(w * f.pre_rmspe[0] ** 2 for w, f in zip(cw, fits, strict=True))))
    post_rmspe = float(np.sqrt(sum(w * f.post_rmspe[0] ** 2 for w, f in zip(cw, fits, strict=True))))
    p_pre = np.sqrt(sum(w * f.pre_rmspe**2 for w, f in zip(cw, p_fits, strict=True)))
    p_post = np.sqrt(sum(w * f.post_rmspe**2 for w, f in zip(cw, p_fits, strict=True)))
    median_pre = float(np.median(p_pre))
    if pre_rmspe > POOR_FIT_RATIO * median_pre:
        warnings.append(
            f"poor pre-period fit: treated pre-RMSPE {pre_rmspe:.3g} is {pre_rmspe / median_pre:.1f} times the "
            f"donors' median placebo pre-RMSPE {median_pre:.3g}; the counterfactual is not credible"
        )
    kind = _kind(exhaustive, p, n_pick)
    if method == "sc":
        ratio = post_rmspe / max(pre_rmspe, 1e-12)
        p_ratio = p_post / np.maximum(p_pre, 1e-12)
        p_value = _perm_p(ratio, p_ratio)
        inference = (
            f"in-space placebo permutation over {kind} (Abadie, Diamond and Hainmueller 2010): p-value is the "
            "rank of the treated post/pre RMSPE ratio among the placebos'; SE is the SD of the placebo "
            f"estimates; with {ap.n_treated} treated area(s), cluster-robust errors are not valid"
        )
    else:
        p_value = _perm_p(abs(estimate), np.abs(p_tau))
        name = "synthetic DiD" if method == "sdid" else "DiD"
        inference = (
            f"placebo variance (Arkhangelsky et al. 2021, Algorithm 4) over {kind}, re-estimating the {name} "
            "weights for each; p-value is the rank of |estimate| among the placebo |estimates|; "
            f"with {ap.n_treated} treated area(s), cluster-robust errors are not valid"
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
                "treated_path": _series(ap.labels, target),
                "counterfactual_path": _series(ap.labels, fit.synthetic[0]),
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
            "estimates_quantiles": {q: float(np.quantile(p_tau, q)) for q in (0.025, 0.05, 0.5, 0.95, 0.975)},
        },
        in_time_placebo=in_time_result,
        leave_one_out=loo,
        cohorts=tuple(cohort_rows) if not single else (),
        warnings=tuple(warnings),
    )


def _in_time(ap: AreaPanel, method: str, *, solver: str) -> dict[str, Any] | None:
    """Re-estimate each cohort on its own pre-period only, with a fake start halfway through it; a credible
    design finds nothing. Donor weights match outcomes (not covariates) here."""
    donors = ap.y[ap.n_treated :]
    taus, weights, fakes = [], [], []
    for cohort in _cohorts(ap):
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
    cohorts = _cohorts(ap)
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


# -- two-way fixed effects DiD ------------------------------------------------------------------------------


def _twfe(y: np.ndarray, d: np.ndarray) -> np.ndarray:
    """TWFE coefficient on a treatment dummy for a balanced panel, batched over dummies (p, N, T)."""
    dd = (
        d - d.mean(axis=2, keepdims=True) - d.mean(axis=1, keepdims=True) + d.mean(axis=(1, 2), keepdims=True)
    )
    denom = np.einsum("pnt,pnt->p", dd, dd)
    if np.any(denom == 0):
        raise AnalysisError("no variation in treatment after removing area and period effects")
    return np.einsum("pnt,nt->p", dd, y) / denom


def _did(ap: AreaPanel, *, placebos: int | None, rng: np.random.Generator) -> AreaImpact:
    n, t = ap.y.shape
    periods = np.arange(t)
    d = np.zeros((1, n, t))
    for i, s in enumerate(ap.starts):
        d[0, i] = periods >= s
    estimate = float(_twfe(ap.y, d)[0])
    donors = ap.y[ap.n_treated :]
    j = ap.n_donors
    draws, exhaustive = _placebo_draws(j, ap.n_treated, placebos, rng)
    p_tau = np.empty(draws.shape[0])
    chunk = max(1, int(4e6 // (j * t)))
    for lo in range(0, draws.shape[0], chunk):
        block = draws[lo : lo + chunk]
        dp = np.zeros((block.shape[0], j, t))
        for k, s in enumerate(ap.starts):
            dp[np.arange(block.shape[0]), block[:, k]] = periods >= s
        p_tau[lo : lo + chunk] = _twfe(donors, dp)
    se = float(np.std(p_tau, ddof=0))
    ci_low, ci_high = _normal_ci(estimate, se)
    p_value = _perm_p(abs(estimate), np.abs(p_tau))
    kind = _kind(exhaustive, draws.shape[0], ap.n_treated)
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
        treated_path, counterfactual = _series(ap.labels, target), _series(ap.labels, cf)
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


# -- event study --------------------------------------------------------------------------------------------


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
    p_value = _perm_p(float(stats_all[0]), stats_all[1:])
    test = (
        f"joint Wald test that all {k} lead coefficients are zero, {kind}; p-value from the rank of the "
        "treated statistic among the placebos'"
    )
    return float(stats_all[0]), p_value, test


def _event_study(
    ap: AreaPanel, *, placebos: int | None, rng: np.random.Generator, window: tuple[int, int] | None
) -> AreaImpact:
    cohorts = _cohorts(ap)
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
    draws, exhaustive = _placebo_draws(j, ap.n_treated, placebos, rng)
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
        low, high = _normal_ci(beta[k], se[k])
        coefs.append(
            {
                "event_time": int(e),
                "estimate": float(beta[k]),
                "se": float(se[k]),
                "ci_low": float(low),
                "ci_high": float(high),
                "p_value": _perm_p(abs(beta[k]), np.abs(p_beta[:, k])),
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
    ci_low, ci_high = _normal_ci(estimate, avg_se)
    kind = _kind(exhaustive, p, ap.n_treated)
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
        p_value=_perm_p(abs(estimate), np.abs(p_avg)),
        inference=inference,
        n_treated=ap.n_treated,
        n_donors=j,
        sample=ap.sample(),
        event_study=tuple(coefs),
        pretrend=pretrend,
        placebo={"n": p, "exhaustive": exhaustive},
        warnings=tuple(warnings),
    )


# -- public entry point -------------------------------------------------------------------------------------


def area_impact(
    panel: pd.DataFrame,
    treated: Mapping[str, Any],
    method: str = "sdid",
    *,
    donors: list[str] | None = None,
    placebos: int | None = None,
    seed: int = 0,
    covariates: pd.DataFrame | None = None,
    solver: str = "exact",
    control_group: str = "never",
    window: tuple[int, int] | None = None,
    in_time: bool = True,
    leave_one_out: bool = True,
) -> AreaImpact:
    """Estimate the effect of the intervention on the treated areas' ``value`` against donor areas.

    ``panel`` is long (unit, period, value); ``treated`` maps each treated unit to its start period;
    ``method`` is one of "did", "event-study", "sc", "sdid", "cs". ``placebos`` sets the number of placebo
    fits (default: every donor when one unit is treated, else 200 random donor sets). ``covariates``
    (unit + numeric columns) makes synthetic control match them with V weights. ``solver`` "synthdid"
    reproduces the reference R package's Frank-Wolfe stopping rule. ``control_group`` ("never" or
    "not-yet") applies to "cs".
    """
    if method not in METHODS:
        raise AnalysisError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if covariates is not None and method != "sc":
        raise AnalysisError("covariates are used only by method 'sc' (predictor matching with V weights)")
    if placebos is not None and placebos < 1:
        raise AnalysisError("placebos must be at least 1")
    rng = np.random.default_rng(seed)
    if method == "cs":
        from .staggered import att_gt_to_impact

        return att_gt_to_impact(panel, treated, donors=donors, control_group=control_group)
    ap = prepare_panel(panel, treated, donors=donors, min_pre=2)
    if method == "did":
        return _did(ap, placebos=placebos, rng=rng)
    if method == "event-study":
        return _event_study(ap, placebos=placebos, rng=rng, window=window)
    return _synthetic(
        ap,
        method,
        placebos=placebos,
        rng=rng,
        solver=solver,
        covariates=covariates,
        in_time=in_time,
        leave_one_out=leave_one_out,
    )
