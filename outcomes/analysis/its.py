"""Comparative interrupted time series: a before/after trend comparison of a target series against a
comparison series (e.g. Kent). It is not an impact against a counterfactual: nothing but the pre-period
line of the gap says what would have happened without the intervention, and the "effect at end" is that
line extrapolated to the last month.

The model is OLS on the monthly gap ``target - comparison``:

    gap_t = a + b * m_t + level * post_t + slope * m_t * post_t + month-of-year effects + e_t

with m_t the months since the intervention started (negative before) and post_t = 1 from the start.
Differencing removes shocks common to both series; what is left is usually autocorrelated, so errors
are Newey-West (Bartlett kernel) HAC with a stated lag and the n / (n - k) small-sample correction,
the same as R ``sandwich::NeweyWest(adjust = TRUE, prewhite = FALSE)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from .errors import AnalysisError
from .results import ResultMixin

MIN_PRE_PERIODS = 24
MIN_POST_PERIODS = 12


@dataclass(frozen=True)
class ITSResult(ResultMixin):
    """``estimate`` .. ``p_value`` are the level change at the start; ``slope_*`` the change per month;
    ``effect_at_end`` is the gap at the last month minus the pre-period line extrapolated
    ``extrapolation_months`` past the last pre-period month."""

    label: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    slope_change: float
    slope_se: float
    slope_ci_low: float
    slope_ci_high: float
    slope_p_value: float
    effect_at_end: float
    effect_at_end_se: float
    effect_at_end_ci_low: float
    effect_at_end_ci_high: float
    pre_trend: float
    extrapolation_months: int
    maxlags: int
    seasonality: bool
    start: str
    inference: str
    n_obs: int
    n_units: int
    n_periods: int
    n_pre: int
    n_post: int
    n_clusters: None
    warnings: tuple[str, ...] = ()


def newey_west_lags(n: int) -> int:
    """Newey and West's (1994) rule of thumb, floor(4 (n / 100) ^ (2 / 9))."""
    return math.floor(4 * (n / 100) ** (2 / 9))


def hac_ols(y: np.ndarray, x: np.ndarray, maxlags: int) -> tuple[np.ndarray, np.ndarray, int]:
    """OLS coefficients, Newey-West covariance (Bartlett, small-sample corrected) and residual df."""
    fitted = sm.OLS(y, x).fit(
        cov_type="HAC", cov_kwds={"maxlags": maxlags, "use_correction": True}, use_t=True
    )
    return np.asarray(fitted.params), np.asarray(fitted.cov_params()), int(fitted.df_resid)


def comparative_its(
    frame: pd.DataFrame,
    *,
    period: str,
    target: str,
    comparison: str,
    start: str | pd.Period,
    maxlags: int | None = None,
    seasonality: bool = True,
) -> ITSResult:
    """Level and slope change in ``target - comparison`` from monthly ``start`` on."""
    for c in (period, target, comparison):
        if c not in frame.columns:
            raise AnalysisError(f"missing column: {c}")
        if frame[c].isna().any():
            raise AnalysisError(f"column '{c}' has {int(frame[c].isna().sum())} missing values")
    months = _monthly(frame[period], period)
    if months.duplicated().any():
        raise AnalysisError(f"duplicate months in column '{period}': {months[months.duplicated()].iloc[0]}")
    try:
        first = pd.Period(start, freq="M")
    except (ValueError, TypeError) as exc:
        raise AnalysisError(f"start '{start}' is not a month") from exc
    order = np.argsort(months.to_numpy())
    months = months.iloc[order].reset_index(drop=True)
    ordinal = np.array([p.ordinal for p in months])
    if np.any(np.diff(ordinal) != 1):
        raise AnalysisError(f"column '{period}' has gaps: the series must be consecutive months")
    gap = (frame[target].to_numpy(dtype=np.float64) - frame[comparison].to_numpy(dtype=np.float64))[order]

    m = (ordinal - first.ordinal).astype(np.float64)
    post = (m >= 0).astype(np.float64)
    n_pre, n_post = int((post == 0).sum()), int(post.sum())
    if n_pre < 3 or n_post < 2:
        raise AnalysisError(
            f"{n_pre} months before and {n_post} from {first}: need at least 3 before and 2 after"
        )
    columns = [np.ones_like(m), m, post, m * post]
    if seasonality:
        month_of_year = np.array([p.month for p in months])
        columns += [(month_of_year == k).astype(np.float64) for k in range(2, 13)]
    x = np.column_stack(columns)
    n, k = x.shape
    if n - k < 3:
        raise AnalysisError(f"{n} months cannot fit {k} parameters; drop seasonality or add months")
    lags = newey_west_lags(n) if maxlags is None else int(maxlags)
    if lags < 0 or lags >= n:
        raise AnalysisError(f"maxlags must be between 0 and {n - 1}")
    params, cov, df = hac_ols(gap, x, lags)

    crit = float(stats.t.ppf(0.975, df))

    def summary(vector: np.ndarray) -> tuple[float, float, float, float, float]:
        value = float(vector @ params)
        se = float(np.sqrt(vector @ cov @ vector))
        p = float(2 * stats.t.sf(abs(value / se), df)) if se > 0 else math.nan
        return value, se, value - crit * se, value + crit * se, p

    unit = np.eye(k)
    level = summary(unit[2])
    slope = summary(unit[3])
    end = unit[2] + unit[3] * m[-1]
    at_end = summary(end)

    # The last pre-period month is m = -1, so the last month sits m[-1] + 1 months past it.
    extrapolated = int(m[-1]) + 1
    warnings = [
        f"a before/after trend comparison, not an impact: the change in the {target} - {comparison} gap at "
        f"{first} is measured against the pre-period line of that gap alone, which assumes the gap would have "
        "kept that line without the intervention; anything else that changed at the start is included",
        f"the 'effect at end' extrapolates the pre-period line {extrapolated} month(s) past the last "
        f"pre-period observation; its interval covers sampling error in the line, not the risk that the "
        "line would have bent",
    ]
    if n_pre < MIN_PRE_PERIODS:
        warnings.append(
            f"only {n_pre} months before the start: the pre-trend and seasonality are poorly estimated "
            f"(at least {MIN_PRE_PERIODS} recommended)"
        )
    if n_post < MIN_POST_PERIODS:
        warnings.append(f"only {n_post} months after the start: the slope change is poorly estimated")
    return ITSResult(
        label="before/after trend comparison (interrupted time series), not an impact against a counterfactual",
        estimate=level[0],
        se=level[1],
        ci_low=level[2],
        ci_high=level[3],
        p_value=level[4],
        slope_change=slope[0],
        slope_se=slope[1],
        slope_ci_low=slope[2],
        slope_ci_high=slope[3],
        slope_p_value=slope[4],
        effect_at_end=at_end[0],
        effect_at_end_se=at_end[1],
        effect_at_end_ci_low=at_end[2],
        effect_at_end_ci_high=at_end[3],
        pre_trend=float(params[1]),
        extrapolation_months=extrapolated,
        maxlags=lags,
        seasonality=seasonality,
        start=str(first),
        inference=(
            f"OLS on the monthly gap {target} - {comparison} with Newey-West HAC standard errors "
            f"(Bartlett kernel, {lags} lags{' by the Newey-West 1994 rule' if maxlags is None else ''}, "
            f"n/(n-k) small-sample correction) because the gap is serially correlated; t({df}) intervals; "
            "the intervals cover sampling error given the model, not the assumption that the pre-period "
            "line and seasonality of the gap would have continued"
        ),
        n_obs=n,
        n_units=2,
        n_periods=n,
        n_pre=n_pre,
        n_post=n_post,
        n_clusters=None,
        warnings=tuple(warnings),
    )


def _monthly(values: pd.Series, name: str) -> pd.Series:
    if isinstance(values.dtype, pd.PeriodDtype):
        return values.dt.asfreq("M")
    try:
        return pd.to_datetime(values).dt.to_period("M")
    except (ValueError, TypeError) as exc:
        raise AnalysisError(f"column '{name}' must hold months (dates, periods or 'YYYY-MM')") from exc
