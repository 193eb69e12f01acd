"""Least squares with absorbed fixed effects, in the fixest / Stata small-sample conventions.

The fixed effects are swept out by ``absorb.demean`` after singleton groups are dropped, so memory
grows with the number of rows, not the number of fixed-effect levels; ``covariance`` gives the iid, HC1
and CRV1 (one- or two-way) standard errors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg, stats

from .absorb import compact, demean, factor_codes, non_singletons
from .covariance import coefficient_covariance, resolve_vcov
from .errors import AnalysisError
from .results import ResultMixin

COLLINEARITY_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Coefficient(ResultMixin):
    name: str
    estimate: float
    se: float
    t_stat: float
    p_value: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class FEOLSResult(ResultMixin):
    """A fitted regression; ``estimate`` .. ``p_value`` describe the first regressor in ``x``."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    coefficients: tuple[Coefficient, ...]
    vcov: tuple[tuple[float, ...], ...]
    vcov_type: str
    cluster: tuple[str, ...]
    inference: str
    n_obs: int
    n_units: int
    n_periods: int | None
    n_clusters: int | None
    fixed_effects: tuple[str, ...]
    fixed_effect_levels: tuple[int, ...]
    singletons_dropped: int
    collinear_dropped: tuple[str, ...]
    df_k: int
    df_resid: int
    small_sample_factor: float
    r2_within: float
    demean_iterations: int
    warnings: tuple[str, ...] = ()

    def coef(self, name: str) -> Coefficient:
        """The coefficient on regressor ``name``."""
        for c in self.coefficients:
            if c.name == name:
                return c
        raise KeyError(name)

    def table(self) -> pd.DataFrame:
        """The coefficient table as a DataFrame indexed by regressor."""
        return pd.DataFrame([c.as_dict() for c in self.coefficients]).set_index("name")


@dataclass(frozen=True)
class Design:
    """The demeaned problem behind a fit, for resampling methods (wild bootstrap, permutation)."""

    y: np.ndarray
    x: np.ndarray
    names: tuple[str, ...]
    weights: np.ndarray | None
    codes: tuple[np.ndarray, ...]
    keep: np.ndarray
    df_k: int


def feols(
    frame: pd.DataFrame,
    y: str,
    x: Sequence[str],
    fe: Sequence[str] = (),
    cluster: str | Sequence[str] | None = None,
    weights: str | None = None,
    *,
    vcov: str | None = None,
    drop_singletons: bool = True,
    cluster_df: str = "min",
) -> FEOLSResult:
    """Regress ``y`` on ``x`` absorbing the factors ``fe``; without ``fe`` an intercept is added.

    ``cluster`` gives CRV1 errors (one or two columns); otherwise ``vcov`` is ``"iid"`` (default) or
    ``"HC1"``. With two cluster columns, ``cluster_df="min"`` (fixest's default) applies
    min(G)/(min(G)-1) to every term; ``"conventional"`` applies each term's own G/(G-1), as Stata's
    two-way clustering commands and Petersen (2009) do.
    """
    result, _ = fit(
        frame, y, x, fe, cluster, weights, vcov=vcov, drop_singletons=drop_singletons, cluster_df=cluster_df
    )
    return result


def fit(
    frame: pd.DataFrame,
    y: str,
    x: Sequence[str],
    fe: Sequence[str] = (),
    cluster: str | Sequence[str] | None = None,
    weights: str | None = None,
    *,
    vcov: str | None = None,
    drop_singletons: bool = True,
    cluster_df: str = "min",
) -> tuple[FEOLSResult, Design]:
    """``feols`` that also returns the demeaned design for resampling."""
    x = list(x)
    fe = list(fe)
    clusters = [cluster] if isinstance(cluster, str) else list(cluster or [])
    vcov_type = resolve_vcov(vcov, clusters)
    if cluster_df not in ("min", "conventional"):
        raise AnalysisError(f"cluster_df must be 'min' or 'conventional', not '{cluster_df}'")
    _check_columns(frame, y, x, fe, clusters, weights)

    n_input = len(frame)
    keep = np.ones(n_input, dtype=bool)
    w_all = None
    if weights is not None:
        w_all = frame[weights].to_numpy(dtype=np.float64)
        if np.any(w_all <= 0):
            raise AnalysisError(f"column '{weights}' has weights that are zero or negative")
    factors = {f: factor_codes(frame[f]) for f in dict.fromkeys([*fe, *clusters])}
    codes_all = [factors[f][0] for f in fe]
    singletons = 0
    if drop_singletons and codes_all:
        keep = non_singletons(codes_all, [factors[f][1] for f in fe])
        singletons = int(n_input - keep.sum())
    everything = singletons == 0
    if not everything:
        factors = {f: compact(c[keep], g) for f, (c, g) in factors.items()}
    codes = [factors[f][0] for f in fe]
    n = int(keep.sum())
    if n == 0:
        raise AnalysisError("no observations left after dropping singleton fixed-effect groups")
    w = None if w_all is None else w_all[keep]

    def column(name: str) -> np.ndarray:
        values = frame[name].to_numpy(dtype=np.float64)
        return values if everything else values[keep]

    yv = column(y)
    xm = np.column_stack([column(c) for c in x]) if x else np.empty((n, 0))
    names = list(x)
    if not fe:
        flat = [c for i, c in enumerate(x) if np.ptp(xm[:, i]) == 0]
        if flat:
            raise AnalysisError(f"column(s) with no variation: {', '.join(flat)}")
        xm = np.column_stack([xm, np.ones(n)])
        names.append("(Intercept)")
    both = np.column_stack([yv, xm])
    demeaned, iterations = demean(both, codes, w)
    yd, xd = demeaned[:, 0], demeaned[:, 1:]

    kept_cols, dropped_cols = _independent_columns(xd, xm, w)
    collinear = [names[i] for i in dropped_cols]
    if not kept_cols:
        raise AnalysisError(
            f"every regressor ({', '.join(x)}) is constant within the fixed effects ({', '.join(fe)}): "
            "nothing left to estimate"
        )
    if len(kept_cols) < xd.shape[1]:
        xd = xd[:, kept_cols]
    names = [names[i] for i in kept_cols]

    xw = xd if w is None else xd * w[:, None]
    bread = linalg.inv(xw.T @ xd)
    beta = bread @ (xw.T @ yd)
    resid = yd - xd @ beta
    wresid = resid if w is None else w * resid
    ssr = float(wresid @ resid)

    levels = [factors[f][1] for f in fe]
    warnings: list[str] = []
    if singletons:
        warnings.append(f"{singletons} observations dropped as singleton fixed-effect groups")
    if collinear:
        warnings.append(
            f"dropped for collinearity with the fixed effects or other regressors: {', '.join(collinear)}"
        )
    cov = coefficient_covariance(
        xd,
        wresid,
        bread,
        ssr=ssr,
        vcov_type=vcov_type,
        fe_codes=codes,
        fe_levels=levels,
        clusters=clusters,
        cluster_codes=[factors[c][0] for c in clusters],
        cluster_df=cluster_df,
    )
    warnings += cov.warnings
    v, df_resid = cov.matrix, cov.df_resid
    se = np.sqrt(np.clip(np.diag(v), 0.0, None))
    crit = float(stats.t.ppf(0.975, df_resid))
    coefs = []
    for i, name in enumerate(names):
        t = beta[i] / se[i] if se[i] > 0 else math.nan
        p = float(2 * stats.t.sf(abs(t), df_resid)) if not math.isnan(t) else math.nan
        coefs.append(
            Coefficient(
                name=name,
                estimate=float(beta[i]),
                se=float(se[i]),
                t_stat=float(t),
                p_value=p,
                ci_low=float(beta[i] - crit * se[i]),
                ci_high=float(beta[i] + crit * se[i]),
            )
        )
    tss = float(yd @ (yd if w is None else w * yd))
    r2_within = 1.0 - ssr / tss if tss > 0 else math.nan
    first = coefs[0]
    result = FEOLSResult(
        estimate=first.estimate,
        se=first.se,
        ci_low=first.ci_low,
        ci_high=first.ci_high,
        p_value=first.p_value,
        coefficients=tuple(coefs),
        vcov=tuple(tuple(float(a) for a in row) for row in v),
        vcov_type=vcov_type,
        cluster=tuple(clusters),
        inference=cov.inference,
        n_obs=n,
        n_units=levels[0] if levels else n,
        n_periods=levels[1] if len(levels) > 1 else None,
        n_clusters=cov.n_clusters,
        fixed_effects=tuple(fe),
        fixed_effect_levels=tuple(levels),
        singletons_dropped=singletons,
        collinear_dropped=tuple(collinear),
        df_k=cov.df_k,
        df_resid=df_resid,
        small_sample_factor=cov.small_sample_factor,
        r2_within=r2_within,
        demean_iterations=iterations,
        warnings=tuple(warnings),
    )
    design = Design(y=yd, x=xd, names=tuple(names), weights=w, codes=tuple(codes), keep=keep, df_k=cov.df_k)
    return result, design


def _check_columns(
    frame: pd.DataFrame,
    y: str,
    x: list[str],
    fe: list[str],
    clusters: list[str],
    weights: str | None,
) -> None:
    wanted = [y, *x, *fe, *clusters, *([weights] if weights else [])]
    missing = [c for c in dict.fromkeys(wanted) if c not in frame.columns]
    if missing:
        raise AnalysisError(f"missing column(s): {', '.join(missing)}")
    if len(frame) == 0:
        raise AnalysisError("the data frame is empty")
    for c in dict.fromkeys(wanted):
        if frame[c].isna().any():
            raise AnalysisError(f"column '{c}' has {int(frame[c].isna().sum())} missing values")
    for c in [y, *x, *([weights] if weights else [])]:
        if not (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c])):
            raise AnalysisError(f"column '{c}' must be numeric, not {frame[c].dtype}")
    if len(set(x)) != len(x) or y in x:
        raise AnalysisError("each regressor may appear once and the outcome cannot be a regressor")


def _independent_columns(
    demeaned: np.ndarray, raw: np.ndarray, w: np.ndarray | None
) -> tuple[list[int], list[int]]:
    """Indices of regressors kept in order, dropping any explained by the fixed effects or earlier ones."""
    weighted = demeaned if w is None else demeaned * w[:, None]
    gram = weighted.T @ demeaned
    centred = raw - np.average(raw, axis=0, weights=w)
    scale = np.einsum("ij,ij->j", centred if w is None else centred * w[:, None], centred)
    # An intercept column has zero centred variance; judge it against its raw size instead.
    raw_squares = np.einsum("ij,ij->j", raw if w is None else raw * w[:, None], raw)
    scale = np.where(scale > 0, scale, raw_squares)
    kept: list[int] = []
    dropped: list[int] = []
    for j in range(demeaned.shape[1]):
        if kept:
            sub = gram[np.ix_(kept, kept)]
            cross = gram[kept, j]
            remaining = gram[j, j] - cross @ linalg.solve(sub, cross, assume_a="pos")
        else:
            remaining = gram[j, j]
        if scale[j] > 0 and remaining > COLLINEARITY_TOLERANCE * scale[j]:
            kept.append(j)
        else:
            dropped.append(j)
    return kept, dropped
