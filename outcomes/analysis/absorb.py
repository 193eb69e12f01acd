"""The fixed-effect absorber: residuals of columns on several factors, without dummy variables.

Two fixed effects of which one has few levels (households and months) are absorbed exactly in one pass:
group means for the many-level factor, then the few-level factor's own small normal equations
(Frisch-Waugh-Lovell; see ``_exact_two_way``). Otherwise fixed effects are swept out by the method of
alternating projections (each factor's weighted group means are taken out in turn until nothing
changes). Either way memory grows with the number of rows, not the number of fixed-effect levels: ten
million household-months fit where dummy variables cannot.
Singleton groups are dropped first, repeatedly, as fixest does (``non_singletons``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import linalg, sparse
from scipy.sparse import csgraph

from .errors import AnalysisError

DEMEAN_TOLERANCE = 1e-10
DEMEAN_MAX_ITERATIONS = 10_000
# Two factors where one has at most this many levels are absorbed exactly rather than iteratively.
EXACT_MAX_LEVELS = 200
# Cells of the A x B weight table tabulated at once (32 MB).
EXACT_BLOCK_CELLS = 4_000_000


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
    A x B table of summed weights, tabulated from the rows a block of A levels at a time and multiplied
    out (``_blocked_cross``); the products with S are read from the rows. Nothing N x B or A x B is
    formed, and the cost is linear in rows whatever the number of A levels (no dense/sparse switch).
    Its null space is spanned by the indicators of the connected pieces of the A-B graph; fixing one B
    level of each piece at zero leaves a positive definite system. The residual is then z - theta_B - alpha_A with alpha the weighted A means of
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
    cross = _blocked_cross(many, few, w, g_many, g_few, inv_many)
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
    # S' means and S theta are read from the rows: linear in rows, no table kept.
    for j in range(p):
        spread = means[:, j][many] if w is None else means[:, j][many] * w
        rhs[:, j] -= np.bincount(few, weights=spread, minlength=g_few)
    theta = np.zeros((g_few, p))
    if free.any():
        theta[free] = linalg.solve(normal[np.ix_(free, free)], rhs[free], assume_a="pos")
    alpha = np.empty((g_many, p))
    for j in range(p):
        spread = theta[:, j][few] if w is None else theta[:, j][few] * w
        alpha[:, j] = means[:, j] - np.bincount(many, weights=spread, minlength=g_many) * inv_many
    for j in range(p):
        col = out[:, j]
        col -= np.take(theta[:, j], few)
        col -= np.take(alpha[:, j], many)
    return True


def _blocked_cross(
    many: np.ndarray,
    few: np.ndarray,
    w: np.ndarray | None,
    g_many: int,
    g_few: int,
    inv_many: np.ndarray,
) -> np.ndarray:
    """S' diag(1 / w_a) S for the A x B weight table S, built a block of A levels at a time straight from
    the rows (a dense block of at most EXACT_BLOCK_CELLS cells each), so time stays linear in rows and
    memory bounded however many A levels there are. Rows already grouped by A level (a panel sorted by
    household, the usual case) are read in place; otherwise they are grouped once by a stable sort."""
    step = max(1, EXACT_BLOCK_CELLS // g_few)
    block_of = many // step
    order: np.ndarray | None = None
    if block_of.size > 1 and (np.diff(block_of) < 0).any():
        order = np.argsort(block_of, kind="stable")
        block_of = block_of[order]
    bounds = np.searchsorted(block_of, np.arange(0, (g_many + step - 1) // step + 1))
    cross = np.zeros((g_few, g_few))
    for b in range(len(bounds) - 1):
        lo, hi = int(bounds[b]), int(bounds[b + 1])
        if lo == hi:
            continue
        rows = slice(lo, hi) if order is None else order[lo:hi]
        start = b * step
        size = min(step, g_many - start)
        cells = (many[rows] - start) * g_few + few[rows]
        block = np.bincount(cells, weights=None if w is None else w[rows], minlength=size * g_few)
        block = block.reshape(size, g_few) * np.sqrt(inv_many[start : start + size])[:, None]
        cross += block.T @ block
    return cross


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
                return compact(whole)
    codes, uniques = pd.factorize(array)
    return codes.astype(np.intp, copy=False), len(uniques)


def compact(codes: np.ndarray, size: int = 0) -> tuple[np.ndarray, int]:
    """Codes renumbered 0..G-1 over the levels that occur, keeping their order, and G.

    ``size`` is the number of levels the codes were drawn from, when more than the largest code + 1.
    """
    present = np.bincount(codes, minlength=size) > 0
    if present.all():
        return codes, present.size
    relabel = np.cumsum(present, dtype=np.intp) - 1
    return relabel[codes], int(relabel[-1]) + 1


def non_singletons(codes: list[np.ndarray], sizes: list[int]) -> np.ndarray:
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
