"""The fixed-effect absorber: residuals of columns on several factors, without dummy variables.

Two fixed effects of which one has few levels (households and months) are absorbed exactly in one pass:
group means for the many-level factor, then the few-level factor's own small normal equations
(Frisch-Waugh-Lovell; see ``_exact_two_way``).

Otherwise (two factors with many levels each, or three and more, such as person + property + month) the
factor with the most levels, A, is still eliminated exactly by its weighted means, and the others, stacked
as B, are found from their reduced normal equations (D_B' W M_A D_B) theta = D_B' W M_A z by conjugate
gradients with a Jacobi (diagonal) preconditioner (``_reduced_conjugate_gradient``). The matrix is never
formed: it is D_B' W D_B (the B levels' weights on the diagonal, the cross tables of pairs of B factors
off it) minus S' diag(1 / w_A) S, with S the sparse A x B table of summed weights, all built once from the
rows, so an iteration costs a few sparse products with a table about the size of the rows' distinct
(A, B) pairs. The system is singular (a constant can move between factors; levels may lie in separate
connected pieces) but consistent, and conjugate gradients started from zero converge to one of its
solutions; the residual z - D_B theta - D_A alpha, with alpha the A means of z - D_B theta, is the same
whichever solution is found. A column is done when the preconditioned residual of the normal equations
is at most ``tol * CG_TOLERANCE_RATIO`` of the weighted norm of the A-demeaned column (1e-13 by default;
on the person + property + month benchmark the demeaned 0/1 columns then differ from alternating
projections run to a tolerance of 1e-15 by at most 1.3e-13).
Eliminating one factor by group means and building the other factors' normal equations from the
cross tables is the FEiLSDVj approach of Stata's felsdvreg (Cornelissen 2008), which solves them directly;
solving such normal equations by conjugate gradients follows reghdfe (Correia 2016 uses conjugate gradient
acceleration of symmetric alternating projections; reghdfe also offers LSMR with a diagonal
preconditioner). Conjugate gradients' iterations grow roughly with the square root of the reduced system's
condition number, alternating projections' sweeps with the condition number itself, and the condition
number is large when people move rarely between properties.

Alternating projections (each factor's weighted group means taken out in turn until nothing changes,
with Irons-Tuck acceleration) remain the fallback for a column whose conjugate gradients stall short of
the tolerance, and the method when ``CONJUGATE_GRADIENT`` is off. Memory grows with the number of rows and
of distinct (A, B) pairs, never with rows times levels: ten million household-months fit where dummy
variables cannot. Singleton groups are dropped first, repeatedly, as fixest does (``non_singletons``).
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
# Two or more factors otherwise go to conjugate gradients on the reduced normal equations (False: always
# alternating projections). A column is done when the preconditioned residual is at most
# tol * CG_TOLERANCE_RATIO (1e-13 at the default tol) of the larger of the A-demeaned column's weighted
# norm and CG_RAW_FLOOR times the column's own, and has stalled when it has not reached a new low for
# CG_STALL_ITERATIONS iterations: it is then kept if within tol, else passed to alternating projections.
CONJUGATE_GRADIENT = True
CG_TOLERANCE_RATIO = 1e-3
CG_RAW_FLOOR = 1e-2
CG_STALL_ITERATIONS = 100


def demean(
    values: np.ndarray,
    codes: Sequence[np.ndarray],
    weights: np.ndarray | None = None,
    *,
    tol: float = DEMEAN_TOLERANCE,
    max_iterations: int = DEMEAN_MAX_ITERATIONS,
) -> tuple[np.ndarray, int]:
    """Residuals of each column of ``values`` on the factors in ``codes`` (integer codes 0..G-1).

    Two factors of which one has few levels are absorbed exactly (``_exact_two_way``: returns 1); more
    factors, or two with many levels each, by conjugate gradients after eliminating the largest factor
    (``_reduced_conjugate_gradient``: returns the iterations). Columns for which that stalls, and all
    columns when ``CONJUGATE_GRADIENT`` is off, go through alternating projections.

    Alternating projections run on the fixed-effect coefficients rather than on the data (as fixest
    does): each sweep sets one factor's coefficients to the weighted group means of what the others
    leave, so a sweep reads the rows but writes only small vectors, and Irons-Tuck extrapolation on the
    coefficients every second sweep is nearly free. A column is done when a sweep moves no coefficient
    by more than ``tol`` times the column's scale. Returns the demeaned copy and the most sweeps (or
    conjugate-gradient iterations) used.
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
    columns: Sequence[int] = range(out.shape[1])
    iterations = 0
    if len(codes) >= 2 and CONJUGATE_GRADIENT and out.shape[0]:
        iterations, stalled = _reduced_conjugate_gradient(out, codes, sizes, w, tol, max_iterations)
        columns = stalled.tolist()
        if not columns:
            return (out[:, 0] if squeeze else out), iterations
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

    for j in columns:
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


def _reduced_conjugate_gradient(
    out: np.ndarray,
    codes: Sequence[np.ndarray],
    sizes: list[int],
    w: np.ndarray | None,
    tol: float,
    max_iterations: int,
) -> tuple[int, np.ndarray]:
    """Residuals of the columns of ``out`` on two or more factors, in place, by eliminating the factor with
    the most levels (A) exactly and solving the others' reduced normal equations by Jacobi-preconditioned
    conjugate gradients, all columns together (each with its own step lengths).

    With D_B the stacked indicators of the other factors, the normal equations are K theta = b with
    K = D_B' W D_B - S' diag(1 / w_A) S and b = D_B' W z - S' (A means of z), S the A x B table of
    summed weights (scipy csr, duplicates summed). K is applied as sparse products, never formed.
    Returns the iterations used and the indices of the columns that stalled short of the tolerance, which
    are left as they were.
    """
    n, p = out.shape
    first = int(np.argmax(sizes))
    many, g_many = codes[first], sizes[first]
    rest = [k for k in range(len(codes)) if k != first]
    offsets = np.cumsum([0, *(sizes[k] for k in rest)])
    g_rest = int(offsets[-1])
    stacked = [codes[k] + offsets[i] for i, k in enumerate(rest)]
    unit = np.ones(n) if w is None else w

    w_many = np.bincount(many, weights=w, minlength=g_many).astype(np.float64, copy=False)
    inv_many = np.divide(1.0, w_many, out=np.zeros(g_many), where=w_many > 0)
    w_rest = np.concatenate(
        [np.bincount(codes[k], weights=w, minlength=sizes[k]).astype(np.float64, copy=False) for k in rest]
    )
    table = sparse.csr_matrix(
        (np.tile(unit, len(rest)), (np.tile(many, len(rest)), np.concatenate(stacked))),
        shape=(g_many, g_rest),
    )
    table.sum_duplicates()
    transposed = table.T.tocsr()
    gram = sparse.diags(w_rest, format="csr")
    for i in range(len(rest)):
        for j in range(i + 1, len(rest)):
            cross = sparse.csr_matrix((unit, (stacked[i], stacked[j])), shape=(g_rest, g_rest))
            gram = gram + cross + cross.T

    def normal(v: np.ndarray) -> np.ndarray:
        return gram @ v - transposed @ ((table @ v) * inv_many[:, None])

    squares = table.copy()
    squares.data **= 2
    diagonal = w_rest - squares.T @ inv_many
    # A level of B with the same rows as a level of A has a zero row in K: it is left at zero.
    precondition = np.divide(1.0, diagonal, out=np.zeros(g_rest), where=diagonal > 1e-12 * w_rest)

    weighted = out if w is None else out * w[:, None]
    means = np.empty((g_many, p))
    rhs = np.empty((g_rest, p))
    scale = np.empty(p)
    for j in range(p):
        means[:, j] = np.bincount(many, weights=weighted[:, j], minlength=g_many) * inv_many
        rhs[:, j] = np.concatenate(
            [np.bincount(codes[k], weights=weighted[:, j], minlength=sizes[k]) for k in rest]
        )
        within = out[:, j] - means[:, j][many]
        # The reference is the column's A-demeaned weighted norm, but at least CG_RAW_FLOOR of its own:
        # the right-hand side of a column (nearly) constant within A levels is rounding noise.
        scale[j] = max(
            float(within @ (within if w is None else within * w)),
            CG_RAW_FLOOR**2 * float(out[:, j] @ weighted[:, j]),
        )
    rhs -= transposed @ means

    theta = np.zeros((g_rest, p))
    resid = rhs
    direction = precondition[:, None] * resid
    rho = np.einsum("ij,ij->j", resid, direction)
    target = (tol * CG_TOLERANCE_RATIO) ** 2 * scale
    best, best_theta = rho.copy(), theta.copy()
    since_best = np.zeros(p, dtype=np.intp)
    active = rho > target
    iterations = 0
    while active.any() and iterations < max_iterations:
        cols = np.flatnonzero(active)
        d = direction[:, cols]
        q = normal(d)
        curvature = np.einsum("ij,ij->j", d, q)
        broken = ~(np.isfinite(curvature) & (curvature > 0))
        step = rho[cols] / np.where(broken, 1.0, curvature)
        step[broken] = 0.0
        theta[:, cols] += step * d
        resid[:, cols] -= step * q
        z = precondition[:, None] * resid[:, cols]
        rho_new = np.einsum("ij,ij->j", resid[:, cols], z)
        direction[:, cols] = z + (rho_new / rho[cols]) * d
        rho[cols] = rho_new
        iterations += 1
        lower = rho_new < best[cols]
        best[cols[lower]] = rho_new[lower]
        best_theta[:, cols[lower]] = theta[:, cols[lower]]
        since_best[cols] = np.where(lower, 0, since_best[cols] + 1)
        finished = (
            (rho_new <= target[cols])
            | broken
            | ~np.isfinite(rho_new)
            | (since_best[cols] >= CG_STALL_ITERATIONS)
        )
        active[cols[finished]] = False
    # Columns that stopped short keep their best iterate if it is within tol, else they are handed back.
    short = best > target
    theta[:, short] = best_theta[:, short]
    stalled = np.flatnonzero(short & ~(best <= tol**2 * scale))

    for j in range(p):
        if j in stalled:
            continue
        col = out[:, j]
        for i, k in enumerate(rest):
            col -= np.take(theta[offsets[i] : offsets[i + 1], j], codes[k])
        remainder = col if w is None else col * w
        col -= (np.bincount(many, weights=remainder, minlength=g_many) * inv_many)[many]
    return iterations, stalled


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
