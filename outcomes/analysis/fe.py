"""Least squares with absorbed fixed effects, in the fixest / Stata small-sample conventions.

Two fixed effects of which one has few levels (households and months) are absorbed exactly in one pass:
group means for the many-level factor, then the few-level factor's own small normal equations
(Frisch-Waugh-Lovell; see ``_exact_two_way``). Otherwise fixed effects are swept out by the method of
alternating projections (each factor's weighted group means are taken out in turn until nothing
changes). Either way memory grows with the number of rows, not the number of fixed-effect levels: ten
million household-months fit where dummy variables cannot.
Singleton groups are dropped first, repeatedly, as fixest does.

Standard errors:
- ``iid``: sigma^2 = sum(w u^2) / (N - K).
- ``HC1``: N / (N - K) times the sandwich.
- ``CRV1``: G / (G - 1) * (N - 1) / (N - K) times the cluster sandwich, where K counts the slope
  coefficients plus the fixed-effect levels that are not nested in a cluster variable (fixest's
  ``ssc(adj=TRUE, cluster.adj=TRUE, fixef.K="nested")``; Stata's ``xtreg, fe vce(cluster)`` gives the
  same K for a one-way panel). Two-way clustering is Cameron, Gelbach and Miller's V1 + V2 - V12 with
  one factor min(G1, G2) / (min(G1, G2) - 1) throughout, as fixest does by default, or each term's own
  G / (G - 1) (``cluster_df="conventional"``, as Stata's two-way commands).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg, sparse, stats
from scipy.sparse import csgraph

from .errors import AnalysisError
from .results import ResultMixin

FEW_CLUSTERS = 42
DEMEAN_TOLERANCE = 1e-10
DEMEAN_MAX_ITERATIONS = 10_000
COLLINEARITY_TOLERANCE = 1e-9
# Two factors where one has at most this many levels are absorbed exactly rather than iteratively.
EXACT_MAX_LEVELS = 200
EXACT_BLOCK_CELLS = 4_000_000
EXACT_DENSE_CELLS = 8_000_000


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


def demean(
    values: np.ndarray,
    codes: Sequence[np.ndarray],
    weights: np.ndarray | None = None,
    *,
    tol: float = DEMEAN_TOLERANCE,
    max_iterations: int = DEMEAN_MAX_ITERATIONS,
) -> tuple[np.ndarray, int]:
    """Residuals of each column of ``values`` on the factors in ``codes`` (integer codes 0..G-1).

    Alternating projections run on the fixed-effect coefficients rather than on the data (as fixest
    does): each sweep sets one factor's coefficients to the weighted group means of what the others
    leave, so a sweep reads the rows but writes only small vectors, and Irons-Tuck extrapolation on the
    coefficients every second sweep is nearly free. A column is done when a sweep moves no coefficient
    by more than ``tol`` times the column's scale. Returns the demeaned copy and the most sweeps used.
    """
    out = np.array(values, dtype=np.float64, copy=True, order="F")
    squeeze = out.ndim == 1
    if squeeze:
        out = out.reshape(-1, 1, order="F")
    if not codes:
        return (out[:, 0] if squeeze else out), 0
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    sizes = [int(c.max()) + 1 if c.size else 0 for c in codes]
    if len(codes) == 2 and out.shape[0] and _exact_two_way(out, codes, sizes, w):
        return (out[:, 0] if squeeze else out), 1
    totals = [np.bincount(c, weights=w, minlength=g) for c, g in zip(codes, sizes, strict=True)]
    offsets = np.cumsum([0, *sizes])
    buffer = np.empty(out.shape[0])

    def fitted(theta: np.ndarray, skip: int) -> np.ndarray:
        """Sum over factors other than ``skip`` of their coefficients, row by row (in ``buffer``)."""
        others = [k for k in range(len(codes)) if k != skip]
        np.take(theta[offsets[others[0]] : offsets[others[0] + 1]], codes[others[0]], out=buffer, mode="clip")
        for k in others[1:]:
            np.add(buffer, np.take(theta[offsets[k] : offsets[k + 1]], codes[k], mode="clip"), out=buffer)
        if w is not None:
            np.multiply(buffer, w, out=buffer)
        return buffer

    iterations = 0
    for j in range(out.shape[1]):
        col = out[:, j]
        weighted = col if w is None else col * w
        sums = [np.bincount(c, weights=weighted, minlength=g) for c, g in zip(codes, sizes, strict=True)]

        def sweep(theta: np.ndarray, sums: list[np.ndarray] = sums) -> np.ndarray:
            theta = theta.copy()
            for k, (c, g, total) in enumerate(zip(codes, sizes, totals, strict=True)):
                rest = np.bincount(c, weights=fitted(theta, k), minlength=g) if len(codes) > 1 else 0.0
                theta[offsets[k] : offsets[k + 1]] = np.divide(
                    sums[k] - rest, total, out=np.zeros(g), where=total > 0
                )
            return theta

        theta = np.zeros(offsets[-1])
        limit = tol * max(float(np.max(np.abs(col))) if col.size else 0.0, 1.0)
        sweeps = 0
        while True:
            first = sweep(theta)
            sweeps += 1
            if len(codes) == 1 or np.max(np.abs(first - theta)) <= limit:
                theta = first
                break
            second = sweep(first)
            sweeps += 1
            if np.max(np.abs(second - first)) <= limit:
                theta = second
                break
            step = second - first
            curvature = step - (first - theta)
            denominator = float(curvature @ curvature)
            theta = second - (float(step @ curvature) / denominator) * step if denominator > 0 else second
            if sweeps >= max_iterations:
                raise AnalysisError(
                    f"fixed effects did not converge after {max_iterations} sweeps: the panel is probably "
                    "split into weakly connected pieces; check the fixed-effect columns"
                )
        for k, c in enumerate(codes):
            col -= np.take(theta[offsets[k] : offsets[k + 1]], c, mode="clip")
        iterations = max(iterations, sweeps)
    return (out[:, 0] if squeeze else out), iterations


def _exact_two_way(
    out: np.ndarray, codes: Sequence[np.ndarray], sizes: list[int], w: np.ndarray | None
) -> bool:
    """Two-way within transformation of the columns of ``out`` in place, exactly, in one pass.

    With factor A (many levels) and B (few levels), Frisch-Waugh-Lovell gives the residual on both as
    M_A z - M_A D_B theta, where theta solves the B x B normal equations
    (D_B' W M_A D_B) theta = D_B' W M_A z. That matrix is diag(w_b) - S' diag(1 / w_a) S, with S the
    A x B table of summed weights (dense when small, sparse otherwise, multiplied out a block of A
    levels at a time), so nothing N x B is formed. Its null space is spanned by the indicators of the
    connected pieces of the A-B graph; fixing one B level of each piece at zero leaves a positive
    definite system. The residual is then z - theta_B - alpha_A with alpha the weighted A means of
    z - theta_B. Returns False, leaving ``out`` alone, when neither factor has few enough levels.
    """
    few_i = 0 if sizes[0] < sizes[1] else 1
    few, many = codes[few_i], codes[1 - few_i]
    g_few, g_many = sizes[few_i], sizes[1 - few_i]
    if g_few > EXACT_MAX_LEVELS:
        return False
    w_many = np.bincount(many, weights=w, minlength=g_many).astype(np.float64, copy=False)
    w_few = np.bincount(few, weights=w, minlength=g_few).astype(np.float64, copy=False)
    inv_many = np.divide(1.0, w_many, out=np.zeros(g_many), where=w_many > 0)
    table: np.ndarray | sparse.csr_matrix
    if g_many * g_few <= EXACT_DENSE_CELLS:
        cells = many * g_few + few
        table = np.bincount(cells, weights=w, minlength=g_many * g_few).reshape(g_many, g_few)
        table = table.astype(np.float64, copy=False)
    else:
        ones = np.ones(many.size) if w is None else w
        table = sparse.csr_matrix((ones, (many, few)), shape=(g_many, g_few))
        table.sum_duplicates()
    cross = np.zeros((g_few, g_few))
    step = max(1, EXACT_BLOCK_CELLS // g_few)
    for start in range(0, g_many, step):
        block = table[start : start + step]
        if not isinstance(block, np.ndarray):
            block = block.toarray()
        block = block * np.sqrt(inv_many[start : start + step])[:, None]
        cross += block.T @ block
    linked = cross > 0
    np.fill_diagonal(linked, False)
    labels = csgraph.connected_components(sparse.csr_matrix(linked), directed=False)[1]
    free = np.ones(g_few, dtype=bool)
    free[np.unique(labels, return_index=True)[1]] = False
    normal = np.diag(w_few) - cross

    p = out.shape[1]
    rhs = np.empty((g_few, p))
    means = np.empty((g_many, p))
    for j in range(p):
        col = out[:, j]
        weighted = col if w is None else col * w
        means[:, j] = np.bincount(many, weights=weighted, minlength=g_many) * inv_many
        rhs[:, j] = np.bincount(few, weights=weighted, minlength=g_few)
    rhs -= table.T @ means
    theta = np.zeros((g_few, p))
    if free.any():
        theta[free] = linalg.solve(normal[np.ix_(free, free)], rhs[free], assume_a="pos")
    alpha = means - (table @ theta) * inv_many[:, None]
    for j in range(p):
        col = out[:, j]
        col -= np.take(theta[:, j], few)
        col -= np.take(alpha[:, j], many)
    return True


def factor_codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, int]:
    """Integer codes 0..G-1 for the distinct values and G; integers in a compact range skip hashing.

    Codes follow the sorted values for integer columns (and floats holding whole numbers) whose range
    is at most a few times the number of rows, and first appearance otherwise.
    """
    array = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    n = array.size
    if array.dtype.kind == "b":
        array = array.view(np.uint8)
    if n and array.dtype.kind in "iuf":
        low, high = array.min(), array.max()
        if np.isfinite(low) and np.isfinite(high) and float(high) - float(low) <= 4 * n + 1024:
            if array.dtype.kind == "f":
                shifted = array - low
                whole = shifted.astype(np.intp)
            elif array.dtype == np.intp and low == 0:
                shifted = whole = array
            else:
                # In 64 bits (wrapping for huge unsigned values) the differences are exact: the range is small.
                shifted = whole = array.astype(np.int64) - np.int64(low)
            if whole is shifted or np.array_equal(whole, shifted):
                present = np.bincount(whole) > 0
                if present.all():
                    return whole, present.size
                relabel = np.cumsum(present, dtype=np.intp) - 1
                return relabel[whole], int(relabel[-1]) + 1
    codes, uniques = pd.factorize(array)
    return codes.astype(np.intp, copy=False), len(uniques)


def _compact(codes: np.ndarray, size: int) -> tuple[np.ndarray, int]:
    """Codes renumbered 0..G-1 over the levels that occur, keeping their order."""
    present = np.bincount(codes, minlength=size) > 0
    if present.all():
        return codes, size
    relabel = np.cumsum(present, dtype=np.intp) - 1
    return relabel[codes], int(relabel[-1]) + 1


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
    vcov_type = _vcov_type(vcov, clusters)
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
        keep = _non_singletons(codes_all, [factors[f][1] for f in fe])
        singletons = int(n_input - keep.sum())
    everything = singletons == 0
    if not everything:
        factors = {f: _compact(c[keep], g) for f, (c, g) in factors.items()}
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
    k = xd.shape[1]

    xw = xd if w is None else xd * w[:, None]
    bread = linalg.inv(xw.T @ xd)
    beta = bread @ (xw.T @ yd)
    resid = yd - xd @ beta
    wresid = resid if w is None else w * resid
    ssr = float(wresid @ resid)

    levels = [factors[f][1] for f in fe]
    k_fe = sum(levels) - (len(levels) - 1) if levels else 0
    warnings: list[str] = []
    if singletons:
        warnings.append(f"{singletons} observations dropped as singleton fixed-effect groups")
    if collinear:
        warnings.append(
            f"dropped for collinearity with the fixed effects or other regressors: {', '.join(collinear)}"
        )

    cluster_codes = [factors[c][0] for c in clusters]
    n_clusters: int | None = None
    if vcov_type == "CRV1":
        # A factor nested in a clustering has at least as many levels as it has clusters.
        nested = [
            i
            for i, c in enumerate(codes)
            if any(c is g or (levels[i] >= int(g.max()) + 1 and _nested(c, g)) for g in cluster_codes)
        ]
        df_k = k + k_fe - sum(levels[i] for i in nested) + len(nested)
        g_counts = [int(g.max()) + 1 for g in cluster_codes]
        g_min = min(g_counts)
        n_clusters = g_min
        if g_min < 2:
            raise AnalysisError(f"cluster column '{clusters[g_counts.index(g_min)]}' has a single cluster")
        if n - df_k <= 0:
            raise AnalysisError(f"{n} observations cannot identify {df_k} parameters")
        k_factor = (n - 1) / (n - df_k)
        factor = g_min / (g_min - 1) * k_factor
        scores = xd * wresid[:, None]
        pieces = [(g, 1.0) for g in cluster_codes]
        if len(cluster_codes) == 2:
            pieces.append((pd.factorize(cluster_codes[0] * g_counts[1] + cluster_codes[1])[0], -1.0))
        meat = np.zeros((k, k))
        for g, sign in pieces:
            sums = _group_sums(scores, g)
            size = sums.shape[0] if cluster_df == "conventional" else g_min
            meat += sign * size / (size - 1) * k_factor * (sums.T @ sums)
        v = bread @ meat @ bread
        df_resid = g_min - 1
        two_way = (
            f", two-way (Cameron-Gelbach-Miller V1+V2-V12, G/(G-1) from {cluster_df} G)"
            if len(clusters) == 2
            else ""
        )
        if g_min < FEW_CLUSTERS:
            warnings.append(
                f"only {g_min} clusters: cluster-robust standard errors are unreliable below about 40-50 "
                "clusters and tend to be too small; use a wild cluster bootstrap or randomisation inference"
            )
        inference = (
            f"CRV1 cluster-robust standard errors clustered by {' and '.join(clusters)} "
            f"({g_min} clusters{two_way}), small-sample factor G/(G-1)*(N-1)/(N-K) with K={df_k} "
            f"(fixest/Stata convention, fixed effects nested in clusters not counted); "
            f"t({df_resid}) reference distribution"
        )
    else:
        df_k = k + k_fe
        if n - df_k <= 0:
            raise AnalysisError(f"{n} observations cannot identify {df_k} parameters")
        df_resid = n - df_k
        if vcov_type == "HC1":
            factor = n / (n - df_k)
            scores = xd * wresid[:, None]
            v = factor * bread @ (scores.T @ scores) @ bread
            inference = (
                f"HC1 heteroskedasticity-robust standard errors, factor N/(N-K) with K={df_k}; "
                f"t({df_resid}) reference distribution"
            )
        else:
            factor = 1.0
            v = ssr / (n - df_k) * bread
            inference = (
                f"classical (iid) standard errors, sigma^2 = SSR/(N-K) with K={df_k}; "
                f"t({df_resid}) reference distribution"
            )

    se = np.sqrt(np.clip(np.diag(v), 0.0, None))
    if np.any(np.diag(v) < 0):
        warnings.append("the two-way cluster variance is not positive for some coefficients; SE set to 0")
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
        inference=inference,
        n_obs=n,
        n_units=levels[0] if levels else n,
        n_periods=levels[1] if len(levels) > 1 else None,
        n_clusters=n_clusters,
        fixed_effects=tuple(fe),
        fixed_effect_levels=tuple(levels),
        singletons_dropped=singletons,
        collinear_dropped=tuple(collinear),
        df_k=int(df_k),
        df_resid=int(df_resid),
        small_sample_factor=float(factor),
        r2_within=r2_within,
        demean_iterations=iterations,
        warnings=tuple(warnings),
    )
    design = Design(y=yd, x=xd, names=tuple(names), weights=w, codes=tuple(codes), keep=keep, df_k=int(df_k))
    return result, design


def _vcov_type(vcov: str | None, clusters: list[str]) -> str:
    if clusters:
        if vcov not in (None, "CRV1"):
            raise AnalysisError(f"vcov '{vcov}' cannot be combined with cluster; clustered errors are CRV1")
        if len(clusters) > 2:
            raise AnalysisError("at most two cluster columns are supported")
        return "CRV1"
    if vcov in (None, "iid"):
        return "iid"
    if vcov == "HC1":
        return "HC1"
    raise AnalysisError(f"vcov must be 'iid', 'HC1' or 'CRV1' with a cluster column, not '{vcov}'")


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


def _non_singletons(codes: list[np.ndarray], sizes: list[int]) -> np.ndarray:
    """Rows left after repeatedly dropping fixed-effect levels seen only once, as fixest does."""
    keep = np.ones(codes[0].size, dtype=bool)
    first = True
    while True:
        changed = False
        for c, g in zip(codes, sizes, strict=True):
            counts = np.bincount(c, minlength=g) if first else np.bincount(c[keep], minlength=g)
            single = keep & (counts[c] == 1)
            if single.any():
                keep &= ~single
                changed = True
                first = False
        if not changed:
            return keep


def _nested(fe_codes: np.ndarray, cluster_codes: np.ndarray) -> bool:
    """True when every level of the fixed effect lies inside a single cluster."""
    g = int(fe_codes.max()) + 1
    first = np.full(g, -1, dtype=np.intp)
    first[fe_codes[::-1]] = cluster_codes[::-1]
    return bool(np.all(first[fe_codes] == cluster_codes))


def _group_sums(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    g = int(groups.max()) + 1
    return np.column_stack(
        [np.bincount(groups, weights=values[:, j], minlength=g) for j in range(values.shape[1])]
    )


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
