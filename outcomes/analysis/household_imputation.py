"""Household event study robust to staggered starts: the imputation estimator, with TWFE beside it.

With starts at different months and effects that change with time since the start, a two-way fixed-
effects event study compares later starters with earlier ones already treated, and its coefficients mix
effects from other months and other cohorts with weights that can be negative (Sun and Abraham 2021,
Goodman-Bacon 2021). The imputation estimator (Borusyak, Jaravel and Spiess 2024) avoids those
comparisons: household and month effects are fitted on untreated household-months only (never-treated
households and the months before each household starts), the untreated outcome of every treated
household-month is imputed from them, and the gaps are averaged by months since the start.

Inference is the conservative variance of Borusyak, Jaravel and Spiess (their Theorem 3, leave-out
version): each estimate is a linear combination of outcomes whose weights are computed exactly, and the
weighted residuals are summed by cluster. The cluster is the area when treatment is assigned by area
(every household of an area shares its start), since areas are then the units of assignment, and the
household otherwise; intervals and p-values use a t distribution with clusters - 1 degrees of freedom.
Pre-trends are tested as they propose, on untreated household-months only: lead indicators are added to
the two-way model and jointly tested, so the test does not contaminate the estimates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg, sparse, stats

from .absorb import factor_codes
from .bacon import BaconDecomposition, bacon_decomposition
from .errors import AnalysisError
from .fe import feols
from .household import EventTime, HouseholdEventStudy, group_warnings, household_event_study, prepare_panel
from .results import ResultMixin

FEW_CLUSTERS = 30


@dataclass(frozen=True)
class StaggeredEventStudy(ResultMixin):
    """Imputation estimates by months since the start; ``estimate`` is the mean of the post-start ones.

    ``twfe`` (the plain two-way fixed-effects event study) and ``bacon`` (the Goodman-Bacon decomposition
    of the static TWFE DiD on households seen in every month) are diagnostics: where they differ from the
    imputation estimates, staggered starts with changing effects are biasing TWFE.
    """

    outcome: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    att_all_treated: float
    coefficients: tuple[EventTime, ...]
    window: tuple[int, int]
    pre_trend_f: float
    pre_trend_df: tuple[int, int]
    pre_trend_p_value: float
    inference: str
    cluster: str
    treatment_assigned_by_area: bool
    twfe: HouseholdEventStudy | None
    bacon: BaconDecomposition | None
    n_obs: int
    n_units: int
    n_periods: int
    n_clusters: int
    n_areas: int
    n_treated_households: int
    n_treated_areas: int
    n_treated_obs: int
    n_untreated_obs: int
    treated_obs_not_imputed: int
    warnings: tuple[str, ...] = ()

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([c.as_dict() for c in self.coefficients]).set_index("relative_period")


@dataclass(frozen=True)
class _TwoWay:
    """Normal equations of household + month dummies on the untreated rows, solved by elimination."""

    unit: np.ndarray
    time: np.ndarray
    n_units: int
    n_times: int
    table: sparse.csr_matrix
    inv_unit: np.ndarray
    schur: np.ndarray

    @classmethod
    def build(cls, unit: np.ndarray, time: np.ndarray, n_units: int, n_times: int) -> _TwoWay:
        table = sparse.csr_matrix((np.ones(unit.size), (unit, time)), shape=(n_units, n_times))
        table.sum_duplicates()
        per_unit = np.asarray(table.sum(axis=1)).ravel()
        per_time = np.asarray(table.sum(axis=0)).ravel()
        inv_unit = np.divide(1.0, per_unit, out=np.zeros(n_units), where=per_unit > 0)
        scaled = sparse.diags(np.sqrt(inv_unit)) @ table
        schur = np.diag(per_time) - (scaled.T @ scaled).toarray()
        return cls(unit, time, n_units, n_times, table, inv_unit, linalg.pinvh(schur))

    def solve(self, by_unit: np.ndarray, by_time: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Household and month effects (a, l) with Z'Z (a, l) = (by_unit, by_time); fitted a + l is unique."""
        lam = self.schur @ (by_time - self.table.T @ (by_unit * self.inv_unit))
        alpha = (by_unit - self.table @ lam) * self.inv_unit
        return alpha, lam


def household_staggered_event_study(
    frame: pd.DataFrame,
    *,
    outcome: str,
    household: str = "household",
    area: str = "area",
    period: str = "period",
    start: str = "start",
    window: tuple[int, int] = (-6, 12),
) -> StaggeredEventStudy:
    """Imputation event study of ``outcome``; months after ``window[1]`` are pooled into its end point."""
    lo, hi = window
    if not lo < 0 <= hi:
        raise AnalysisError(f"window {window} must contain a month before the start and month 0")
    panel = prepare_panel(frame, outcome, household, area, period, start)
    data = panel.frame
    y = data[outcome].to_numpy(dtype=np.float64)
    units, n_units = factor_codes(data[household])
    times, n_times = factor_codes(data["_period"])
    treated = data["_treated"].to_numpy() == 1
    relative = (data["_period"] - data["_start"]).to_numpy()
    untreated = ~treated

    two_way = _TwoWay.build(units[untreated], times[untreated], n_units, n_times)
    alpha, lam = two_way.solve(
        np.bincount(units[untreated], weights=y[untreated], minlength=n_units),
        np.bincount(times[untreated], weights=y[untreated], minlength=n_times),
    )
    seen_unit = np.bincount(units[untreated], minlength=n_units) > 0
    seen_time = np.bincount(times[untreated], minlength=n_times) > 0
    imputable = treated & seen_unit[units] & seen_time[times]
    resid = np.where(untreated, y - alpha[units] - lam[times], 0.0)
    tau = np.where(imputable, y - alpha[units] - lam[times], 0.0)
    bins = np.clip(relative, None, hi)

    cluster_col = area if panel.by_area else household
    clusters, n_clusters = factor_codes(data[cluster_col])
    if n_clusters < 2:
        raise AnalysisError(f"inference needs at least two {cluster_col} clusters")
    cohorts = factor_codes(data["_start"].fillna(-1.0))[0]
    tau_resid = _leave_out_residuals(tau, imputable, cohorts, bins)
    crit = float(stats.t.ppf(0.975, n_clusters - 1))

    def estimate(weights: np.ndarray) -> tuple[float, float]:
        """Estimate and BJS standard error of sum(weights * tau) over imputable treated rows."""
        by_unit = np.bincount(units, weights=weights, minlength=n_units)
        by_time = np.bincount(times, weights=weights, minlength=n_times)
        a, b = two_way.solve(by_unit, by_time)
        v = np.where(untreated, -(a[units] + b[times]), weights)
        score = np.bincount(clusters, weights=v * np.where(untreated, resid, tau_resid), minlength=n_clusters)
        return float(weights @ tau), float(math.sqrt(score @ score))

    coefficients = []
    post_weights = np.zeros(len(data))
    horizons = [r for r in range(0, hi + 1) if (imputable & (bins == r)).any()]
    if not horizons:
        raise AnalysisError("no treated household-month could be imputed: no post-start month is estimable")
    for r in horizons:
        mask = imputable & (bins == r)
        weights = mask / mask.sum()
        post_weights += weights / len(horizons)
        value, se = estimate(weights)
        coefficients.append(_event_time(r, f">={r}" if r == hi else str(r), value, se, crit, n_clusters))
    avg, avg_se = estimate(post_weights)
    att_all = float(tau[imputable].mean())

    warnings = group_warnings(panel)
    leads, f_stat, p_pre, q, df_resid = _pre_trend(data, outcome, household, cluster_col, relative, lo)
    twfe: HouseholdEventStudy | None = None
    try:
        twfe = household_event_study(
            frame, outcome=outcome, household=household, area=area, period=period, start=start, window=window
        )
    except AnalysisError as exc:
        warnings.append(f"no plain TWFE event study to compare: {exc}")
    bacon, bacon_note = _bacon(data, outcome, household)
    not_imputed = int((treated & ~imputable).sum())
    if not_imputed:
        warnings.append(
            f"{not_imputed} treated household-months could not be imputed (their household has no month "
            "before its start, or no household was untreated that month) and are left out"
        )
    if p_pre < 0.05:
        warnings.append(
            f"pre-trend test fails (F = {f_stat:.2f}, p = {p_pre:.3f}): households were already diverging "
            "before their start, so the imputed untreated outcomes are doubtful"
        )
    if not leads:
        warnings.append("no untreated month before a start in the window: parallel trends cannot be tested")
    if n_clusters < FEW_CLUSTERS:
        warnings.append(
            f"only {n_clusters} {cluster_col} clusters: the cluster-robust variance is unreliable with so few; "
            "treat intervals as indicative"
        )
    if bacon_note:
        warnings.append(bacon_note)
    twfe_post = {} if twfe is None else {c.relative_period: c.estimate for c in twfe.coefficients}
    gaps = [
        abs(c.estimate - twfe_post[c.relative_period]) for c in coefficients if c.relative_period in twfe_post
    ]
    inference = (
        "imputation estimator (Borusyak, Jaravel and Spiess 2024): household and month effects fitted on "
        f"untreated household-months only, gaps averaged by months since the start (months after {hi} "
        f"pooled); conservative leave-out variance clustered by {cluster_col} ({n_clusters} clusters"
        + (", because treatment is assigned by area" if panel.by_area else "")
        + f"), t({n_clusters - 1}) 95% intervals; pre-trend is a joint Wald F test of {q} lead indicators "
        "fitted on untreated household-months only. The plain TWFE event study and the Goodman-Bacon "
        f"decomposition are diagnostics"
        + (f" (largest gap between the two event studies {max(gaps):.4f})" if gaps else "")
    )
    if panel.by_area:
        inference += (
            "; for one pooled effect with area-level wild bootstrap and randomisation inference, see the "
            "household DiD"
        )
    return StaggeredEventStudy(
        outcome=outcome,
        estimate=avg,
        se=avg_se,
        ci_low=avg - crit * avg_se,
        ci_high=avg + crit * avg_se,
        p_value=_p(avg, avg_se, n_clusters),
        att_all_treated=att_all,
        coefficients=tuple(leads + coefficients),
        window=(lo, hi),
        pre_trend_f=f_stat,
        pre_trend_df=(q, df_resid),
        pre_trend_p_value=p_pre,
        inference=inference,
        cluster=cluster_col,
        treatment_assigned_by_area=panel.by_area,
        twfe=twfe,
        bacon=bacon,
        n_obs=len(data),
        n_units=n_units,
        n_periods=n_times,
        n_clusters=n_clusters,
        n_areas=panel.n_areas,
        n_treated_households=panel.treated_households,
        n_treated_areas=panel.treated_areas,
        n_treated_obs=int(treated.sum()),
        n_untreated_obs=int(untreated.sum()),
        treated_obs_not_imputed=not_imputed,
        warnings=tuple(warnings),
    )


def _leave_out_residuals(
    tau: np.ndarray, imputable: np.ndarray, cohorts: np.ndarray, bins: np.ndarray
) -> np.ndarray:
    """tau minus the mean of the other rows of its cohort x event-time cell (BJS's leave-out residual).

    A row alone in its cell is compared with the other rows of its event time, and a row alone in its
    event time keeps its whole tau, which errs towards a larger variance.
    """
    rows = np.flatnonzero(imputable)
    t = tau[rows]

    def others_mean(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cells = np.unique(keys, axis=0, return_inverse=True)[1].ravel()
        others = np.bincount(cells)[cells] - 1
        total = np.bincount(cells, weights=t)[cells] - t
        return np.divide(total, others, out=np.zeros(t.size), where=others > 0), others > 0

    cell_mean, in_cell = others_mean(np.column_stack([cohorts[rows], bins[rows]]))
    time_mean, in_time = others_mean(bins[rows][:, None])
    out = np.zeros(tau.size)
    out[rows] = t - np.where(in_cell, cell_mean, np.where(in_time, time_mean, 0.0))
    return out


def _pre_trend(
    data: pd.DataFrame, outcome: str, household: str, cluster: str, relative: np.ndarray, lo: int
) -> tuple[list[EventTime], float, float, int, int]:
    """Leads lo..-1 on untreated rows with household and month effects; earlier months are the reference."""
    untreated = data[data["_treated"] == 0]
    rel = relative[(data["_treated"] == 0).to_numpy()]
    dummies = {f"_lead_{-r}": (rel == r).astype(np.float64) for r in range(lo, 0) if (rel == r).any()}
    if not dummies:
        return [], math.nan, math.nan, 0, 0
    result = feols(
        untreated.assign(**dummies), outcome, list(dummies), [household, "_period"], cluster=cluster
    )
    crit = float(stats.t.ppf(0.975, result.df_resid))
    leads = [
        EventTime(
            relative_period=-int(c.name.removeprefix("_lead_")),
            label=str(-int(c.name.removeprefix("_lead_"))),
            estimate=c.estimate,
            se=c.se,
            ci_low=c.estimate - crit * c.se,
            ci_high=c.estimate + crit * c.se,
            p_value=c.p_value,
        )
        for c in result.coefficients
    ]
    beta = np.array([c.estimate for c in result.coefficients])
    q = beta.size
    f_stat = float(beta @ np.linalg.pinv(np.array(result.vcov)) @ beta / q)
    return leads, f_stat, float(stats.f.sf(f_stat, q, result.df_resid)), q, result.df_resid


def _bacon(data: pd.DataFrame, outcome: str, household: str) -> tuple[BaconDecomposition | None, str]:
    """The decomposition needs a balanced panel: it is run on the households seen in every month."""
    months = data["_period"].nunique()
    full = data.groupby(household)["_period"].transform("size") == months
    balanced = data[full]
    dropped = data[household].nunique() - balanced[household].nunique()
    try:
        result = bacon_decomposition(
            balanced, y=outcome, treatment="_treated", unit=household, period="_period"
        )
    except AnalysisError as exc:
        return None, f"no Goodman-Bacon decomposition: {exc}"
    note = (
        f"the Goodman-Bacon decomposition uses only the households seen in every month ({dropped} left out)"
        if dropped
        else ""
    )
    return result, note


def _event_time(r: int, label: str, value: float, se: float, crit: float, n_clusters: int) -> EventTime:
    return EventTime(
        relative_period=r,
        label=label,
        estimate=value,
        se=se,
        ci_low=value - crit * se,
        ci_high=value + crit * se,
        p_value=_p(value, se, n_clusters),
    )


def _p(value: float, se: float, n_clusters: int) -> float:
    return float(2 * stats.t.sf(abs(value / se), n_clusters - 1)) if se > 0 else math.nan


__all__ = ["StaggeredEventStudy", "household_staggered_event_study"]
