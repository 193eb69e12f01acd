"""Matched comparison: propensity-score weighting for the effect on the treated (ATT).

Steps: a logit propensity score; trimming to the region of overlap (scores outside [0.1, 0.9] by
default, or Crump et al.'s 2009 rule), with the score re-fitted on the trimmed sample; odds weights
p / (1 - p) on comparison units, normalised (Hajek); a balance table of standardised mean differences
before and after weighting. The standard error comes from the stacked estimating equations of the logit
and the two weighted means (M-estimation sandwich), so it accounts for the estimated score; trimming
is treated as fixed. A nonparametric bootstrap that repeats the whole procedure is available instead.

``ipw_att_in_month`` sets the treatment from each unit's support start for one outcome month: a unit is
treated only if its support began in an earlier month. The outcome of a month (a benefit paid for it) is
settled over the whole month, so support that begins within the month has had no time to act on it; a
unit that starts in the outcome month or later is neither treated nor a clean comparison (referral
follows a crisis, so its outcome already moves with the coming support) and is left out. Comparisons are
units that never start.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationError

from .constants import Z95
from .errors import AnalysisError
from .results import ResultMixin

BALANCE_THRESHOLD = 0.1
MIN_GROUP = 10


@dataclass(frozen=True)
class Balance(ResultMixin):
    covariate: str
    mean_treated: float
    mean_control: float
    smd_before: float
    mean_control_weighted: float
    smd_after: float
    variance_ratio_after: float


@dataclass(frozen=True)
class MatchedResult(ResultMixin):
    """The ATT by odds weighting; ``naive_gap`` is the raw difference in means before any adjustment."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    naive_gap: float
    balance: tuple[Balance, ...]
    max_abs_smd_before: float
    max_abs_smd_after: float
    trim: str
    trimmed_treated: int
    trimmed_control: int
    effective_control_size: float
    inference: str
    n_obs: int
    n_units: int
    n_periods: int
    n_clusters: None
    n_treated: int
    n_control: int
    warnings: tuple[str, ...] = ()
    outcome_month: str | None = None
    excluded_started_in_month: int = 0
    excluded_started_later: int = 0

    def balance_table(self) -> pd.DataFrame:
        return pd.DataFrame([b.as_dict() for b in self.balance]).set_index("covariate")


def ipw_att(
    frame: pd.DataFrame,
    *,
    treatment: str,
    outcome: str,
    covariates: Sequence[str],
    trim: tuple[float, float] | str | None = (0.1, 0.9),
    se: str = "sandwich",
    bootstrap_reps: int = 499,
    seed: int = 0,
) -> MatchedResult:
    """ATT of 0/1 ``treatment`` on ``outcome`` weighting comparison units by their propensity odds.

    ``trim`` is ``(low, high)``, ``"crump"`` or ``None``; ``se`` is ``"sandwich"`` or ``"bootstrap"``.
    """
    covariates = list(covariates)
    _check(frame, treatment, outcome, covariates)
    if se not in ("sandwich", "bootstrap"):
        raise AnalysisError(f"se must be 'sandwich' or 'bootstrap', not '{se}'")
    d_all = frame[treatment].to_numpy(dtype=np.float64)
    y_all = frame[outcome].to_numpy(dtype=np.float64)
    raw = frame[covariates].to_numpy(dtype=np.float64)
    # Standardising leaves the fitted scores unchanged and keeps Newton steps stable with earnings in pounds.
    x_all = sm.add_constant((raw - raw.mean(axis=0)) / raw.std(axis=0), has_constant="add")

    score_all = _logit(d_all, x_all).predict(x_all)
    low, high, trim_label = _trim_bounds(score_all, trim)
    keep = (score_all >= low) & (score_all <= high)
    d, y, x = d_all[keep], y_all[keep], x_all[keep]
    n_t, n_c = int(d.sum()), int((1 - d).sum())
    if n_t == 0 or n_c == 0:
        raise AnalysisError(
            f"no {'treated' if n_t == 0 else 'comparison'} units left after trimming ({trim_label})"
        )
    model = _logit(d, x)
    beta = np.asarray(model.params)
    estimate, mu1, mu0, odds = _att(d, y, x, beta)

    notes: list[str] = []
    if se == "sandwich":
        se_value = _sandwich_se(d, y, x, beta, mu1, mu0, odds)
        inference = (
            "inverse-probability (odds) weighting for the ATT with a logit propensity score; standard error "
            "from the M-estimation sandwich over the logit and weighted-mean equations (accounts for the "
            f"estimated score, treats the trimming as fixed); normal 95% interval; trimming {trim_label}"
        )
    else:
        se_value = _bootstrap_se(d_all, y_all, x_all, low, high, trim, bootstrap_reps, seed)
        inference = (
            f"inverse-probability (odds) weighting for the ATT with a logit propensity score; standard error "
            f"from {bootstrap_reps} bootstrap resamples repeating the score fit and trimming; normal 95% "
            f"interval; trimming {trim_label}"
        )
    z = Z95
    p_value = float(2 * stats.norm.sf(abs(estimate / se_value))) if se_value > 0 else math.nan

    weights = np.where(d == 1, 1.0, odds)
    balance = _balance(frame, covariates, d_all, keep, d, weights)
    ess = float(weights[d == 0].sum() ** 2 / np.sum(weights[d == 0] ** 2))
    naive = float(y_all[d_all == 1].mean() - y_all[d_all == 0].mean())
    max_before = max(abs(b.smd_before) for b in balance)
    max_after = max(abs(b.smd_after) for b in balance)

    trimmed_t = int(d_all.sum()) - n_t
    trimmed_c = int((1 - d_all).sum()) - n_c
    if max_after > BALANCE_THRESHOLD:
        worst = max(balance, key=lambda b: abs(b.smd_after))
        notes.append(
            f"covariate '{worst.covariate}' is still imbalanced after weighting (SMD {worst.smd_after:.3f} > "
            f"{BALANCE_THRESHOLD}): the estimate may be biased"
        )
    if trimmed_t:
        notes.append(
            f"{trimmed_t} of {int(d_all.sum())} treated units fall outside the overlap region and were "
            "dropped: the estimate describes the treated units that have comparable controls"
        )
    if n_t < MIN_GROUP or ess < MIN_GROUP:
        notes.append(
            f"{n_t} treated units and an effective {ess:.1f} comparison units: too few for a stable estimate"
        )
    return MatchedResult(
        estimate=estimate,
        se=se_value,
        ci_low=estimate - z * se_value,
        ci_high=estimate + z * se_value,
        p_value=p_value,
        naive_gap=naive,
        balance=balance,
        max_abs_smd_before=max_before,
        max_abs_smd_after=max_after,
        trim=trim_label,
        trimmed_treated=trimmed_t,
        trimmed_control=trimmed_c,
        effective_control_size=ess,
        inference=inference,
        n_obs=int(keep.sum()),
        n_units=int(keep.sum()),
        n_periods=1,
        n_clusters=None,
        n_treated=n_t,
        n_control=n_c,
        warnings=tuple(notes),
    )


def ipw_att_in_month(
    frame: pd.DataFrame,
    *,
    start: str,
    month: str,
    outcome: str,
    covariates: Sequence[str],
    **options: Any,
) -> MatchedResult:
    """ATT in outcome ``month`` ('YYYY-MM') with column ``start`` holding each unit's first support month.

    Treated: support began before ``month``. Comparison: never supported. Units whose support begins in
    ``month`` or later are dropped (see the module docstring); ``options`` go to ``ipw_att``.
    """
    if start not in frame.columns:
        raise AnalysisError(f"missing column: {start}")
    try:
        outcome_month = pd.Period(month, "M")
        begins = pd.PeriodIndex(pd.to_datetime(frame[start]), freq="M")
    except (ValueError, TypeError) as exc:
        raise AnalysisError(f"column '{start}' and month {month!r} must be months ('YYYY-MM')") from exc
    never = np.asarray(begins.isna())
    ordinals = np.where(never, 0, begins.asi8)
    before = ~never & (ordinals < outcome_month.ordinal)
    in_month = ~never & (ordinals == outcome_month.ordinal)
    later = ~never & (ordinals > outcome_month.ordinal)
    kept = frame.loc[before | never].assign(_treated_by_month=before[before | never].astype(int))
    result = ipw_att(kept, treatment="_treated_by_month", outcome=outcome, covariates=covariates, **options)
    notes = list(result.warnings)
    if in_month.any() or later.any():
        notes.append(
            f"{int(in_month.sum())} unit(s) whose support began in {outcome_month} and {int(later.sum())} "
            f"whose support began later were left out: not yet treated in {outcome_month}, and not clean "
            "comparisons because they were about to be supported"
        )
    return replace(
        result,
        inference=(
            f"{result.inference}; treated means support began before {outcome_month}, the comparison is "
            "never-supported units, and units supported from that month on are excluded"
        ),
        warnings=tuple(notes),
        outcome_month=str(outcome_month),
        excluded_started_in_month=int(in_month.sum()),
        excluded_started_later=int(later.sum()),
    )


def _check(frame: pd.DataFrame, treatment: str, outcome: str, covariates: list[str]) -> None:
    if not covariates:
        raise AnalysisError("at least one covariate is needed for a propensity score")
    for c in dict.fromkeys([treatment, outcome, *covariates]):
        if c not in frame.columns:
            raise AnalysisError(f"missing column: {c}")
        if frame[c].isna().any():
            raise AnalysisError(f"column '{c}' has {int(frame[c].isna().sum())} missing values")
        if not (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c])):
            raise AnalysisError(f"column '{c}' must be numeric, not {frame[c].dtype}")
    if not frame[treatment].isin([0, 1]).all():
        raise AnalysisError(f"column '{treatment}' must be 0/1")
    counts = frame[treatment].value_counts()
    if counts.get(1, 0) < 2 or counts.get(0, 0) < 2:
        raise AnalysisError(f"column '{treatment}' needs at least two treated and two comparison units")
    constant = [c for c in covariates if frame[c].nunique() < 2]
    if constant:
        raise AnalysisError(f"covariate(s) with no variation: {', '.join(constant)}")


def _logit(d: np.ndarray, x: np.ndarray) -> sm.regression.linear_model.RegressionResultsWrapper:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fitted = sm.Logit(d, x).fit(disp=0, maxiter=200)
    except (PerfectSeparationError, np.linalg.LinAlgError) as exc:
        raise AnalysisError(
            f"the propensity score cannot be fitted ({exc}): a covariate separates treated from comparison "
            "units or covariates are collinear"
        ) from exc
    if not fitted.mle_retvals.get("converged", True):
        raise AnalysisError("the propensity-score logit did not converge: simplify the covariates")
    return fitted


def _trim_bounds(score: np.ndarray, trim: tuple[float, float] | str | None) -> tuple[float, float, str]:
    if trim is None:
        return 0.0, 1.0, "none"
    if trim == "crump":
        alpha = _crump_alpha(score)
        return (
            alpha,
            1 - alpha,
            f"Crump et al. (2009) rule: scores outside [{alpha:.3f}, {1 - alpha:.3f}] dropped",
        )
    if isinstance(trim, tuple) and len(trim) == 2 and 0 <= trim[0] < trim[1] <= 1:
        return float(trim[0]), float(trim[1]), f"scores outside [{trim[0]}, {trim[1]}] dropped"
    raise AnalysisError(f"trim must be (low, high) with 0 <= low < high <= 1, 'crump' or None, not {trim!r}")


def _crump_alpha(score: np.ndarray) -> float:
    """Smallest alpha with 1/(a(1-a)) <= 2 E[1/(p(1-p)) | a <= p <= 1-a] (Crump et al. 2009)."""
    inv = 1 / np.clip(score * (1 - score), 1e-12, None)
    if inv.max() <= 2 * inv.mean():
        return 0.0
    for alpha in np.sort(np.minimum(score, 1 - score)):
        kept = inv[(score >= alpha) & (score <= 1 - alpha)]
        if kept.size and 1 / (alpha * (1 - alpha)) <= 2 * kept.mean():
            return float(alpha)
    return 0.1


def _att(
    d: np.ndarray, y: np.ndarray, x: np.ndarray, beta: np.ndarray
) -> tuple[float, float, float, np.ndarray]:
    odds = np.exp(x @ beta)
    control = d == 0
    mu1 = float(y[d == 1].mean())
    mu0 = float(np.sum(odds[control] * y[control]) / np.sum(odds[control]))
    return mu1 - mu0, mu1, mu0, odds


def _sandwich_se(
    d: np.ndarray, y: np.ndarray, x: np.ndarray, beta: np.ndarray, mu1: float, mu0: float, odds: np.ndarray
) -> float:
    """Sandwich for theta = (beta, mu1, mu0) with psi = [(d - p) x, d (y - mu1), (1 - d) odds (y - mu0)]."""
    n, k = x.shape
    p = odds / (1 + odds)
    c = 1 - d
    psi = np.column_stack([(d - p)[:, None] * x, d * (y - mu1), c * odds * (y - mu0)])
    jac = np.zeros((k + 2, k + 2))
    jac[:k, :k] = -(x * (p * (1 - p))[:, None]).T @ x
    jac[k, k] = -d.sum()
    jac[k + 1, :k] = (c * odds * (y - mu0)) @ x
    jac[k + 1, k + 1] = -np.sum(c * odds)
    inv = np.linalg.inv(jac)
    cov = inv @ (psi.T @ psi) @ inv.T
    gradient = np.zeros(k + 2)
    gradient[k], gradient[k + 1] = 1.0, -1.0
    return float(np.sqrt(gradient @ cov @ gradient) * math.sqrt(n / (n - 1)))


def _bootstrap_se(
    d: np.ndarray,
    y: np.ndarray,
    x: np.ndarray,
    low: float,
    high: float,
    trim: tuple[float, float] | str | None,
    reps: int,
    seed: int,
) -> float:
    rng = np.random.default_rng(seed)
    treated, control = np.flatnonzero(d == 1), np.flatnonzero(d == 0)
    draws = []
    for _ in range(reps):
        # Resampling within arm keeps both arms present in every replicate.
        idx = np.concatenate([rng.choice(treated, treated.size), rng.choice(control, control.size)])
        db, yb, xb = d[idx], y[idx], x[idx]
        try:
            score = _logit(db, xb).predict(xb)
            lo, hi, _ = _trim_bounds(score, trim)
            keep = (score >= lo) & (score <= hi)
            if db[keep].sum() == 0 or (1 - db[keep]).sum() == 0:
                continue
            beta = np.asarray(_logit(db[keep], xb[keep]).params)
            draws.append(_att(db[keep], yb[keep], xb[keep], beta)[0])
        except AnalysisError:
            continue
    if len(draws) < reps / 2:
        raise AnalysisError("most bootstrap resamples could not be fitted: use se='sandwich'")
    return float(np.std(draws, ddof=1))


def _balance(
    frame: pd.DataFrame,
    covariates: list[str],
    d_all: np.ndarray,
    keep: np.ndarray,
    d: np.ndarray,
    weights: np.ndarray,
) -> tuple[Balance, ...]:
    """SMDs use the pooled standard deviation of the untrimmed, unweighted sample for both columns."""
    rows = []
    for c in covariates:
        v_all = frame[c].to_numpy(dtype=np.float64)
        v = v_all[keep]
        t_all, c_all = v_all[d_all == 1], v_all[d_all == 0]
        pooled = math.sqrt((t_all.var(ddof=1) + c_all.var(ddof=1)) / 2)
        pooled = pooled if pooled > 0 else 1.0
        t_kept, c_kept, w_c = v[d == 1], v[d == 0], weights[d == 0]
        mean_cw = float(np.average(c_kept, weights=w_c))
        var_cw = float(np.average((c_kept - mean_cw) ** 2, weights=w_c))
        var_t = float(t_kept.var(ddof=1)) if t_kept.size > 1 else math.nan
        rows.append(
            Balance(
                covariate=c,
                mean_treated=float(t_all.mean()),
                mean_control=float(c_all.mean()),
                smd_before=float((t_all.mean() - c_all.mean()) / pooled),
                mean_control_weighted=mean_cw,
                smd_after=float((t_kept.mean() - mean_cw) / pooled),
                variance_ratio_after=var_t / var_cw if var_cw > 0 else math.nan,
            )
        )
    return tuple(rows)
