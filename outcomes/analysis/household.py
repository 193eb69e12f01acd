"""Household impact on a household-month panel: two-way fixed-effects DiD and event study.

The panel has one row per household and month with the household's area, outcomes (e.g. a 0/1 flag
for out-of-work benefit dependency, or benefit paid) and the month the household's treatment started
(missing if never). Household and month effects are absorbed by ``fe.feols``; standard errors are CRV1
clustered by household.

When every household in an area shares the same start, treatment is assigned by place and household-
clustered errors understate the uncertainty badly (the effective sample is the number of areas). The
DiD then also reports area-level inference (``household_inference``): a restricted wild cluster
bootstrap (WCR) over areas with its test-inverted interval, and randomisation inference that reassigns
the areas' start months.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .absorb import factor_codes
from .errors import AnalysisError
from .fanout import Mapper, serial_map
from .fe import feols, fit
from .household_inference import randomisation, wild_cluster_bootstrap
from .results import ResultMixin

MIN_GROUP = 10
FEW_TREATED_AREAS = 5


@dataclass(frozen=True)
class AreaInference(ResultMixin):
    """Inference treating areas as the units of assignment."""

    n_areas: int
    n_treated_areas: int
    area_clustered_se: float
    wild_p_value: float
    wild_ci_low: float
    wild_ci_high: float
    wild_weights: str
    wild_draws: int
    wild_enumerated: bool
    randomisation_p_value: float
    randomisation_assignments: int
    randomisation_enumerated: bool
    inference: str


@dataclass(frozen=True)
class HouseholdDiD(ResultMixin):
    """TWFE DiD; ``se`` .. ``p_value`` are household-clustered, ``area`` holds area-level inference."""

    outcome: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    inference: str
    area: AreaInference | None
    treatment_assigned_by_area: bool
    n_obs: int
    n_units: int
    n_periods: int
    n_clusters: int
    n_areas: int
    n_treated_households: int
    n_treated_areas: int
    n_treated_obs: int
    singletons_dropped: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventTime(ResultMixin):
    relative_period: int
    label: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float


@dataclass(frozen=True)
class HouseholdEventStudy(ResultMixin):
    """Coefficients relative to month ``reference``; ``estimate`` is the mean of the post-start ones."""

    outcome: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    coefficients: tuple[EventTime, ...]
    reference: int
    window: tuple[int, int]
    pre_trend_f: float
    pre_trend_df: tuple[int, int]
    pre_trend_p_value: float
    inference: str
    treatment_assigned_by_area: bool
    n_obs: int
    n_units: int
    n_periods: int
    n_clusters: int
    n_areas: int
    n_treated_households: int
    n_treated_areas: int
    singletons_dropped: int
    warnings: tuple[str, ...] = ()

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([c.as_dict() for c in self.coefficients]).set_index("relative_period")


@dataclass(frozen=True)
class _Panel:
    frame: pd.DataFrame
    treated_households: int
    treated_areas: int
    n_areas: int
    by_area: bool
    area_starts: dict[object, float]


def household_did(
    frame: pd.DataFrame,
    *,
    outcome: str,
    household: str = "household",
    area: str = "area",
    period: str = "period",
    start: str = "start",
    area_inference: bool | None = None,
    bootstrap_draws: int = 9999,
    permutations: int = 2000,
    seed: int = 0,
    map_chunks: Mapper = serial_map,
) -> HouseholdDiD:
    """DiD of ``outcome`` on being treated, with household and month effects.

    ``area_inference`` defaults to on exactly when the treatment start is shared by all households of
    each area. ``bootstrap_draws`` and ``permutations`` apply only when there are too many areas to
    enumerate every sign vector or assignment. ``map_chunks`` runs the bootstrap draws and the
    permutations in chunks (``fanout.serial_map`` here, ``fanout.ProcessMap`` over local processes, or the
    caller's own); each has its own stream from ``seed``, so the result is the same whichever runs them.
    """
    if bootstrap_draws < 1 or permutations < 1:
        raise AnalysisError("bootstrap_draws and permutations must be at least 1")
    panel = prepare_panel(frame, outcome, household, area, period, start)
    data = panel.frame
    result, design = fit(data, outcome, ["_treated"], [household, "_period"], cluster=household)
    if result.collinear_dropped:
        raise AnalysisError(
            "the treatment is absorbed by the household and month effects: no comparison left"
        )
    warnings = list(result.warnings)
    warnings += group_warnings(panel)
    use_area = panel.by_area if area_inference is None else area_inference
    area_result = None
    inference = f"{result.inference}. Household clustering allows for serial correlation within a household"
    if panel.by_area:
        warnings.append(
            f"treatment is assigned by area ({panel.treated_areas} treated of {panel.n_areas} areas): "
            "household-clustered standard errors treat households as independent draws and are far too "
            "small; use the area-level wild bootstrap and randomisation inference"
        )
    if use_area:
        wild_seed, ri_seed = np.random.SeedSequence(seed).spawn(2)
        area_codes = pd.factorize(data[area].to_numpy()[design.keep])[0].astype(np.intp)
        area_clustered = feols(data, outcome, ["_treated"], [household, "_period"], cluster=area)
        wild = wild_cluster_bootstrap(
            design, area_codes, result.estimate, bootstrap_draws, wild_seed, map_chunks
        )
        # Reassigning start months between areas only makes sense when areas, not households, were assigned.
        ri = (
            randomisation(design, data, area, panel.area_starts, permutations, ri_seed, map_chunks)
            if panel.by_area
            else (math.nan, 0, False)
        )
        area_result = AreaInference(
            n_areas=panel.n_areas,
            n_treated_areas=panel.treated_areas,
            area_clustered_se=area_clustered.se,
            wild_p_value=wild[0],
            wild_ci_low=wild[1],
            wild_ci_high=wild[2],
            wild_weights=wild[3],
            wild_draws=wild[4],
            wild_enumerated=wild[5],
            randomisation_p_value=ri[0],
            randomisation_assignments=ri[1],
            randomisation_enumerated=ri[2],
            inference=(
                f"wild cluster bootstrap with the null imposed (WCR, {wild[3]} weights, "
                f"{'all ' if wild[5] else ''}{wild[4]} draws) clustering by {area} ({panel.n_areas} areas), "
                f"95% interval by test inversion; "
                + (
                    f"randomisation inference reassigning the areas' start months "
                    f"({'all ' if ri[2] else ''}{ri[1]} assignments), two-sided on the coefficient. "
                    if panel.by_area
                    else "no randomisation inference because starts vary within areas. "
                )
                + "Areas are treated as the units of assignment because treatment is assigned by place"
            ),
        )
        inference += (
            f"; these household-level errors are shown for reference only: area-level inference gives "
            f"wild bootstrap p = {wild[0]:.3f}, randomisation p = {ri[0]:.3f}"
        )
        if panel.treated_areas < FEW_TREATED_AREAS and ri[1] > 0:
            warnings.append(
                f"only {panel.treated_areas} treated area(s): the wild cluster bootstrap is unreliable with "
                "so few treated clusters (MacKinnon and Webb 2017) and randomisation inference can reach at "
                f"best p = {1 / ri[1]:.3f}; treat area-level p-values as indicative"
            )
    treated_rows = int(data["_treated"].to_numpy()[design.keep].sum())
    return HouseholdDiD(
        outcome=outcome,
        estimate=result.estimate,
        se=result.se,
        ci_low=result.ci_low,
        ci_high=result.ci_high,
        p_value=result.p_value,
        inference=inference,
        area=area_result,
        treatment_assigned_by_area=panel.by_area,
        n_obs=result.n_obs,
        n_units=result.n_units,
        n_periods=result.n_periods or 0,
        n_clusters=result.n_clusters or 0,
        n_areas=panel.n_areas,
        n_treated_households=panel.treated_households,
        n_treated_areas=panel.treated_areas,
        n_treated_obs=treated_rows,
        singletons_dropped=result.singletons_dropped,
        warnings=tuple(warnings),
    )


def household_event_study(
    frame: pd.DataFrame,
    *,
    outcome: str,
    household: str = "household",
    area: str = "area",
    period: str = "period",
    start: str = "start",
    window: tuple[int, int] = (-6, 12),
    reference: int = -1,
) -> HouseholdEventStudy:
    """Coefficients on months relative to the start; months beyond ``window`` are binned into its ends."""
    lo, hi = window
    if not lo < reference < 0 <= hi or lo >= reference:
        raise AnalysisError(f"window {window} must contain the reference month {reference} and month 0")
    panel = prepare_panel(frame, outcome, household, area, period, start)
    data = panel.frame
    relative = data["_period"] - data["_start"]
    treated = data["_start"].notna()
    binned = relative.clip(lower=lo, upper=hi)
    if not (treated & (relative == reference)).any():
        raise AnalysisError(f"no treated household is observed in relative month {reference}, the reference")
    names: list[str] = []
    labels: dict[str, tuple[int, str]] = {}
    dummies = {}
    for r in range(lo, hi + 1):
        if r == reference:
            continue
        name = f"_rel_{r}".replace("-", "m")
        indicator = (treated & (binned == r)).to_numpy(dtype=np.float64)
        if indicator.sum() == 0:
            continue
        dummies[name] = indicator
        label = f"<={r}" if r == lo else f">={r}" if r == hi else str(r)
        names.append(name)
        labels[name] = (r, label)
    data = data.assign(**dummies)
    result = feols(data, outcome, names, [household, "_period"], cluster=household)
    warnings = list(result.warnings) + group_warnings(panel)
    crit = stats.t.ppf(0.975, result.df_resid)

    coefs = [
        EventTime(
            relative_period=labels[c.name][0],
            label=labels[c.name][1],
            estimate=c.estimate,
            se=c.se,
            ci_low=c.ci_low,
            ci_high=c.ci_high,
            p_value=c.p_value,
        )
        for c in result.coefficients
    ]
    kept = [c.name for c in result.coefficients]
    vcov = np.array(result.vcov)
    beta = np.array([c.estimate for c in result.coefficients])
    leads = [i for i, n in enumerate(kept) if labels[n][0] < 0]
    posts = [i for i, n in enumerate(kept) if labels[n][0] >= 0]
    f_stat, p_pre, q = math.nan, math.nan, len(leads)
    if leads:
        b, v = beta[leads], vcov[np.ix_(leads, leads)]
        f_stat = float(b @ np.linalg.pinv(v) @ b / q)
        p_pre = float(stats.f.sf(f_stat, q, result.df_resid))
        if p_pre < 0.05:
            warnings.append(
                f"pre-trend test fails (F = {f_stat:.2f}, p = {p_pre:.3f}): treated and comparison "
                "households already diverged before the start, so the parallel-trends assumption is doubtful"
            )
    else:
        warnings.append("no lead coefficients: parallel pre-trends cannot be tested")
    if not posts:
        raise AnalysisError("no post-start month could be estimated")
    gradient = np.zeros(len(kept))
    gradient[posts] = 1 / len(posts)
    avg = float(gradient @ beta)
    avg_se = float(math.sqrt(gradient @ vcov @ gradient))
    if panel.by_area:
        warnings.append(
            f"treatment is assigned by area ({panel.treated_areas} treated of {panel.n_areas} areas): "
            "household-clustered standard errors and the pre-trend test are far too confident; read the "
            "pattern of coefficients, and take inference from household_did's area-level tests"
        )
    return HouseholdEventStudy(
        outcome=outcome,
        estimate=avg,
        se=avg_se,
        ci_low=avg - crit * avg_se,
        ci_high=avg + crit * avg_se,
        p_value=float(2 * stats.t.sf(abs(avg / avg_se), result.df_resid)) if avg_se > 0 else math.nan,
        coefficients=tuple(coefs),
        reference=reference,
        window=(lo, hi),
        pre_trend_f=f_stat,
        pre_trend_df=(q, result.df_resid),
        pre_trend_p_value=p_pre,
        inference=(
            f"{result.inference}; months before {lo} and after {hi} binned into the end points; pre-trend is "
            f"a joint Wald F test that the {q} lead coefficients are zero using the same clustered covariance"
        ),
        treatment_assigned_by_area=panel.by_area,
        n_obs=result.n_obs,
        n_units=result.n_units,
        n_periods=result.n_periods or 0,
        n_clusters=result.n_clusters or 0,
        n_areas=panel.n_areas,
        n_treated_households=panel.treated_households,
        n_treated_areas=panel.treated_areas,
        singletons_dropped=result.singletons_dropped,
        warnings=tuple(warnings),
    )


def prepare_panel(
    frame: pd.DataFrame, outcome: str, household: str, area: str, period: str, start: str
) -> _Panel:
    """Check the panel and add integer month ``_period``, ``_start`` (NaN if never) and ``_treated``."""
    for c in (outcome, household, area, period, start):
        if c not in frame.columns:
            raise AnalysisError(f"missing column: {c}")
    for c in (outcome, household, area, period):
        if frame[c].isna().any():
            raise AnalysisError(f"column '{c}' has {int(frame[c].isna().sum())} missing values")
    if not pd.api.types.is_numeric_dtype(frame[outcome]) and not pd.api.types.is_bool_dtype(frame[outcome]):
        raise AnalysisError(f"column '{outcome}' must be numeric, not {frame[outcome].dtype}")
    households, n_households = factor_codes(frame[household])
    periods, n_periods = factor_codes(frame[period])
    if _has_duplicates(households, periods, n_periods):
        first = frame.loc[frame.duplicated([household, period]), [household, period]].iloc[0]
        raise AnalysisError(
            f"duplicate ({household}, {period}) rows, e.g. {first[household]!r} in {first[period]}: "
            "one row per household-month"
        )
    month = _months(frame[period], period)
    if pd.api.types.is_numeric_dtype(frame[start]) and not pd.api.types.is_bool_dtype(frame[start]):
        begins = frame[start].to_numpy(dtype=np.float64)
    else:
        begins = np.full(len(frame), np.nan)
        has_start = frame[start].notna().to_numpy()
        if has_start.any():
            begins[has_start] = _months(frame.loc[has_start, start], start)
    if _varies_within(households, n_households, begins).any():
        starts_per_household = (
            frame.assign(_start=begins).groupby(household, sort=False)["_start"].nunique(dropna=False)
        )
        bad = starts_per_household[starts_per_household > 1].index[0]
        raise AnalysisError(f"household {bad!r} has more than one value in column '{start}'")
    n_months = n_periods if pd.api.types.is_numeric_dtype(frame[period]) else factor_codes(month)[1]
    if n_months < 2:
        raise AnalysisError(f"column '{period}' needs at least two months")
    treated = (month >= begins).astype(np.float64)
    n_treated = treated.sum()
    if n_treated == 0:
        raise AnalysisError(f"no household-month is treated: column '{start}' is empty or after every month")
    if n_treated == len(treated):
        raise AnalysisError("every household-month is treated: there is no comparison")
    data = frame.assign(_period=month, _start=begins, _treated=treated)
    areas, n_areas = factor_codes(frame[area])
    by_area = not _varies_within(areas, n_areas, begins).any()
    by_area = by_area and not _varies_within(households, n_households, areas).any()
    area_starts: dict[object, float] = {}
    if by_area:
        first_rows = np.full(n_areas, len(frame), dtype=np.intp)
        np.minimum.at(first_rows, areas, np.arange(len(frame), dtype=np.intp))
        first_rows.sort()
        area_starts = pd.Series(
            begins[first_rows], index=pd.Index(frame[area].to_numpy()[first_rows])
        ).to_dict()
    started = ~np.isnan(begins)
    return _Panel(
        frame=data,
        treated_households=int(np.count_nonzero(np.bincount(households[started], minlength=n_households))),
        treated_areas=int(np.count_nonzero(np.bincount(areas[started], minlength=n_areas))),
        n_areas=n_areas,
        by_area=by_area,
        area_starts=area_starts,
    )


def _has_duplicates(first: np.ndarray, second: np.ndarray, n_second: int) -> bool:
    """True when some pair of codes occurs twice; a panel sorted by both is checked in one pass."""
    key = first.astype(np.int64) * n_second + second
    if key.size < 2 or bool(np.all(key[1:] > key[:-1])):
        return False
    return not pd.Index(key).is_unique


def _varies_within(codes: np.ndarray, size: int, values: np.ndarray) -> np.ndarray:
    """For each group, whether ``values`` (NaN equal to NaN) differ within it."""
    representative = np.empty(size, dtype=np.intp)
    representative[codes] = np.arange(codes.size, dtype=np.intp)
    reference = values[representative][codes]
    same = values == reference
    if values.dtype.kind == "f":
        same |= np.isnan(values) & np.isnan(reference)
    return np.bincount(codes[~same], minlength=size) > 0


def _months(values: pd.Series, name: str) -> np.ndarray:
    """Months as integers: monthly Periods and dates by ordinal, integers as given."""
    if isinstance(values.dtype, pd.PeriodDtype):
        return values.dt.asfreq("M").map(lambda p: p.ordinal).to_numpy(dtype=np.float64)
    if pd.api.types.is_numeric_dtype(values):
        return values.to_numpy(dtype=np.float64)
    try:
        return pd.to_datetime(values).dt.to_period("M").map(lambda p: p.ordinal).to_numpy(dtype=np.float64)
    except (ValueError, TypeError) as exc:
        raise AnalysisError(
            f"column '{name}' must hold months (integers, dates, periods or 'YYYY-MM')"
        ) from exc


def group_warnings(panel: _Panel) -> list[str]:
    out = []
    if panel.treated_households < MIN_GROUP:
        out.append(
            f"only {panel.treated_households} treated households: estimates are fragile below {MIN_GROUP}"
        )
    control = int(panel.frame["_start"].isna().sum())
    if 0 < control < MIN_GROUP:
        out.append("fewer than 10 never-treated household-months in the comparison group")
    return out


__all__ = [
    "AreaInference",
    "EventTime",
    "HouseholdDiD",
    "HouseholdEventStudy",
    "household_did",
    "household_event_study",
]
