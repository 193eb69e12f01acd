"""Covariance of least-squares coefficients fitted after absorbing fixed effects, in the fixest / Stata
small-sample conventions.

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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import AnalysisError

FEW_CLUSTERS = 42


@dataclass(frozen=True)
class Covariance:
    """A coefficient covariance, its degrees of freedom and a sentence saying how it was obtained."""

    matrix: np.ndarray
    df_k: int
    df_resid: int
    small_sample_factor: float
    n_clusters: int | None
    inference: str
    warnings: tuple[str, ...]


def resolve_vcov(vcov: str | None, clusters: list[str]) -> str:
    """The covariance type asked for: CRV1 whenever there are cluster columns, else iid or HC1."""
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


def coefficient_covariance(
    x: np.ndarray,
    wresid: np.ndarray,
    bread: np.ndarray,
    *,
    ssr: float,
    vcov_type: str,
    fe_codes: Sequence[np.ndarray],
    fe_levels: Sequence[int],
    clusters: Sequence[str],
    cluster_codes: Sequence[np.ndarray],
    cluster_df: str,
) -> Covariance:
    """Covariance of the coefficients on the demeaned regressors ``x`` with weighted residuals ``wresid``.

    ``bread`` is the inverse of X'WX and ``ssr`` the weighted sum of squared residuals; the fixed effects
    (their codes and numbers of levels) count towards K unless nested in a cluster.
    """
    n, k = x.shape
    k_fe = sum(fe_levels) - (len(fe_levels) - 1) if fe_levels else 0
    warnings: list[str] = []
    n_clusters: int | None = None
    if vcov_type == "CRV1":
        # A factor nested in a clustering has at least as many levels as it has clusters.
        nested = [
            i
            for i, c in enumerate(fe_codes)
            if any(c is g or (fe_levels[i] >= int(g.max()) + 1 and _nested(c, g)) for g in cluster_codes)
        ]
        df_k = k + k_fe - sum(fe_levels[i] for i in nested) + len(nested)
        g_counts = [int(g.max()) + 1 for g in cluster_codes]
        g_min = min(g_counts)
        n_clusters = g_min
        if g_min < 2:
            raise AnalysisError(f"cluster column '{clusters[g_counts.index(g_min)]}' has a single cluster")
        if n - df_k <= 0:
            raise AnalysisError(f"{n} observations cannot identify {df_k} parameters")
        k_factor = (n - 1) / (n - df_k)
        factor = g_min / (g_min - 1) * k_factor
        scores = x * wresid[:, None]
        pieces = [(g, 1.0) for g in cluster_codes]
        if len(cluster_codes) == 2:
            pieces.append((pd.factorize(cluster_codes[0] * g_counts[1] + cluster_codes[1])[0], -1.0))
        meat = np.zeros((k, k))
        for g, sign in pieces:
            sums = group_sums(scores, g)
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
            scores = x * wresid[:, None]
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
    if np.any(np.diag(v) < 0):
        warnings.append("the two-way cluster variance is not positive for some coefficients; SE set to 0")
    return Covariance(
        matrix=v,
        df_k=int(df_k),
        df_resid=int(df_resid),
        small_sample_factor=float(factor),
        n_clusters=n_clusters,
        inference=inference,
        warnings=tuple(warnings),
    )


def group_sums(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Column sums of ``values`` within each group (codes 0..G-1): a G x K matrix."""
    g = int(groups.max()) + 1
    return np.column_stack(
        [np.bincount(groups, weights=values[:, j], minlength=g) for j in range(values.shape[1])]
    )


def _nested(fe_codes: np.ndarray, cluster_codes: np.ndarray) -> bool:
    """True when every level of the fixed effect lies inside a single cluster."""
    g = int(fe_codes.max()) + 1
    first = np.full(g, -1, dtype=np.intp)
    first[fe_codes[::-1]] = cluster_codes[::-1]
    return bool(np.all(first[fe_codes] == cluster_codes))
