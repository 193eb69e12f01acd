"""Synthetic control, synthetic difference-in-differences and their placebo fits, on matrices.

The weight problems are all of one form: minimise ``zeta^2 |w|^2 + |A w - b|^2 / n`` over the simplex, with an
optional intercept (centring the rows of A and b). Synthetic-control and time weights (no or negligible ridge,
sparse solutions) are solved exactly by Lawson-Hanson NNLS; SDID unit weights (a real ridge, dense solutions)
by accelerated projected gradient (FISTA with adaptive restart), batched over all placebo targets at once so a
thousand placebo fits cost a few matrix products per iteration. ``solver="synthdid"`` instead runs the
reference package's Frank-Wolfe, to reproduce its published numbers.

References: Abadie, Diamond and Hainmueller (2010); Arkhangelsky, Athey, Hirshberg, Imbens and Wager (2021),
whose R package ``synthdid`` fixes the regularisation used here (zeta_omega = (N1 T1)^(1/4) sigma,
zeta_lambda = 1e-6 sigma, sigma the SD of first differences of the control outcomes before treatment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy.optimize import nnls

from .errors import AnalysisError

Method = str  # "sc" | "sdid" | "did"


def project_simplex(v: np.ndarray, allowed: np.ndarray | None = None) -> np.ndarray:
    """Euclidean projection of each column of ``v`` onto the probability simplex (entries not ``allowed``
    are held at zero)."""
    mask = None if allowed is None else np.ascontiguousarray(allowed.T)
    return _project_rows(np.ascontiguousarray(v.T), mask)[0].T


def _project_rows(
    v: np.ndarray, mask: np.ndarray | None, guess: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Project each row of ``v`` onto the simplex; returns the projections and their thresholds.

    The threshold theta solves f(theta) = sum(max(v - theta, 0)) - 1 = 0, f convex, piecewise linear and
    decreasing. A Newton step theta <- (sum of v over {v > theta} - 1) / |{v > theta}| from any point with a
    non-empty support lands at or below the root, and from below it rises monotonically to the root exactly,
    stopping when the support stops changing (Michelot 1986). Started from the previous iteration's
    threshold (``guess``), it ends in two or three passes over the row, against a sort of every row for the
    sorting algorithm (Duchi et al. 2008); the threshold is the same.
    """
    vm = v if mask is None else np.where(mask, v, -np.inf)
    if guess is None or not np.all(np.isfinite(guess)):
        count = np.full(v.shape[0], v.shape[1]) if mask is None else np.count_nonzero(mask, axis=1)
        theta = (np.sum(v, axis=1, where=mask if mask is not None else True) - 1.0) / count
        count = np.full_like(count, -1)
    else:
        theta, count = guess, np.full(v.shape[0], -1)
    while True:
        support = vm > theta[:, None]
        new_count = np.count_nonzero(support, axis=1)
        if np.array_equal(new_count, count):
            break
        empty = new_count == 0  # a guess above every entry: restart that row from below
        if empty.any():
            support[empty] = vm[empty] > -np.inf
            new_count = np.count_nonzero(support, axis=1)
        count = new_count
        theta = (np.sum(v, axis=1, where=support) - 1.0) / count
    return np.maximum(vm - theta[:, None], 0.0), theta


def simplex_qp(
    qmv: Callable[..., np.ndarray],
    c: np.ndarray,
    lipschitz: float | np.ndarray,
    *,
    allowed: np.ndarray | None = None,
    init: np.ndarray | None = None,
    max_iter: int = 20000,
    tol: float = 1e-10,
) -> np.ndarray:
    """Minimise ``w'Qw - 2c'w`` over the simplex for each column of ``c`` (Q given as ``qmv(W) = QW``).

    Each target is one row of the working arrays (contiguous for the projection); a target that has
    converged leaves them, so later iterations cost only what is still moving."""
    n, p = c.shape
    if init is None:
        counts = allowed.sum(axis=0) if allowed is not None else np.full(p, n)
        init = (allowed if allowed is not None else np.ones((n, p))) / counts
    mask = None if allowed is None else np.ascontiguousarray(allowed.T)
    ct = np.ascontiguousarray(c.T)
    x, theta = _project_rows(np.ascontiguousarray(init.T, dtype=float), mask)
    y = x.copy()
    t = np.ones(p)
    step = np.broadcast_to(1.0 / (2.0 * np.asarray(lipschitz, dtype=float)), (p,)).copy()
    out = np.empty((p, n))
    cols = np.arange(p)
    for _ in range(max_iter):
        grad = 2.0 * (qmv(y.T).T - ct)
        x_new, theta = _project_rows(y - step[:, None] * grad, mask, theta)
        delta = x_new - x
        # Restart momentum where it points uphill (O'Donoghue and Candes 2015).
        restart = np.einsum("ij,ij->i", y - x_new, delta) > 0
        t_a = np.where(restart, 1.0, t)
        t = (1.0 + np.sqrt(1.0 + 4.0 * t_a * t_a)) / 2.0
        y = x_new + ((t_a - 1.0) / t)[:, None] * delta
        x = x_new
        moving = np.abs(delta).max(axis=1) > tol
        if not moving.all():
            out[cols[~moving]] = x[~moving]
            cols, x, y, t, ct = cols[moving], x[moving], y[moving], t[moving], ct[moving]
            step, theta = step[moving], theta[moving]
            mask = None if mask is None else mask[moving]
            if cols.size == 0:
                break
    out[cols] = x
    return out.T


class _SharedQ:
    """Q = A'A / n + zeta^2 I for one design matrix A shared by every target."""

    def __init__(self, a: np.ndarray, zeta: float) -> None:
        self.a = a
        self.n = a.shape[0]
        self.zeta2 = zeta * zeta
        if a.shape[0] < a.shape[1]:
            self.gram = None
        else:
            self.gram = a.T @ a / self.n

    def __call__(self, w: np.ndarray) -> np.ndarray:
        if self.gram is not None:
            return self.gram @ w + self.zeta2 * w
        return self.a.T @ (self.a @ w) / self.n + self.zeta2 * w

    def lipschitz(self) -> float:
        s = np.linalg.norm(self.a, 2) if self.a.size else 0.0
        return float(s * s / self.n + self.zeta2) * 1.0001 + 1e-12


def frank_wolfe(
    a: np.ndarray,
    b: np.ndarray,
    zeta: float,
    *,
    intercept: bool,
    init: np.ndarray | None = None,
    min_decrease: float = 1e-3,
    max_iter: int = 1000,
) -> np.ndarray:
    """The reference ``synthdid`` solver: Frank-Wolfe with exact line search, stopped when the objective
    falls by less than ``min_decrease^2``. Kept so published figures can be reproduced to the digit."""
    if intercept:
        a = a - a.mean(axis=0, keepdims=True)
        b = b - b.mean()
    n, k = a.shape
    x = np.full(k, 1.0 / k) if init is None else init.astype(float).copy()
    eta = n * zeta * zeta
    vals: list[float] = []
    while len(vals) < max_iter and (len(vals) < 2 or vals[-2] - vals[-1] > min_decrease**2):
        ax = a @ x
        half_grad = (ax - b) @ a + eta * x
        i = int(np.argmin(half_grad))
        d_x = -x.copy()
        d_x[i] = 1.0 - x[i]
        if np.all(d_x == 0):
            vals.append(vals[-1] if vals else 0.0)
            break
        d_err = a[:, i] - ax
        step = -(half_grad @ d_x) / (d_err @ d_err + eta * (d_x @ d_x))
        x = x + min(1.0, max(0.0, step)) * d_x
        err = a @ x - b
        vals.append(zeta * zeta * (x @ x) + (err @ err) / n)
    return x


def _sparsify(v: np.ndarray) -> np.ndarray:
    v = np.where(v <= v.max() / 4, 0.0, v)
    return v / v.sum()


def _fw_two_stage(
    a: np.ndarray, b: np.ndarray, zeta: float, intercept: bool, min_decrease: float
) -> np.ndarray:
    first = frank_wolfe(a, b, zeta, intercept=intercept, min_decrease=min_decrease, max_iter=100)
    return frank_wolfe(
        a, b, zeta, intercept=intercept, init=_sparsify(first), min_decrease=min_decrease, max_iter=10000
    )


def simplex_nnls(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Minimise |a w - b| over the simplex by Lawson-Hanson NNLS, with the adding-up constraint enforced by a
    heavily weighted extra row. Exact and fast for unregularised synthetic control, whose solutions are
    sparse (at most one more donor than pre-periods)."""
    big = 1e4 * max(float(np.abs(a).max()), float(np.abs(b).max()), 1e-12)
    aa = np.vstack([a, np.full(a.shape[1], big)])
    w, _ = nnls(aa, np.append(b, big), maxiter=50 * max(a.shape[1], 10))
    total = w.sum()
    if total <= 0:
        raise AnalysisError("synthetic control weights could not be found (degenerate donor outcomes)")
    return w / total


def noise_level(donor_pre: np.ndarray) -> float:
    """SD of first differences of the controls' pre-treatment outcomes (the synthdid noise level)."""
    if donor_pre.shape[1] < 2:
        return 0.0
    return float(np.std(np.diff(donor_pre, axis=1), ddof=1))


@dataclass(frozen=True)
class BatchFit:
    """Estimates for a batch of targets against one donor matrix: one column per target."""

    tau: np.ndarray  # (p,)
    omega: np.ndarray  # (J, p)
    lam: np.ndarray  # (T0, p); zeros for "sc"
    offset: np.ndarray  # (p,) level shift of the synthetic path (0 for "sc")
    synthetic: np.ndarray  # (p, T) counterfactual path
    pre_rmspe: np.ndarray  # (p,)
    post_rmspe: np.ndarray  # (p,)


def fit_batch(
    donors: np.ndarray,
    targets: np.ndarray,
    t0: int,
    method: Method,
    *,
    allowed: np.ndarray | None = None,
    zeta_omega: float | None = None,
    n_treated: int = 1,
    solver: str = "exact",
    omega: np.ndarray | None = None,
) -> BatchFit:
    """Fit SC, SDID or DiD weights for each target row against the allowed donors.

    ``donors`` is (J, T); ``targets`` is (p, T) (the mean of the treated units for each target); ``allowed``
    (J, p) marks the donors each target may use (placebo targets exclude their own units). ``solver`` is
    "exact" (accelerated projected gradient to convergence) or "synthdid" (the reference package's
    Frank-Wolfe with sparsification, which stops earlier and so reproduces its published numbers).
    """
    if solver not in ("exact", "synthdid"):
        raise AnalysisError(f"solver must be 'exact' or 'synthdid', not {solver!r}")
    j, t = donors.shape
    p = targets.shape[0]
    if allowed is None:
        allowed = np.ones((j, p), dtype=bool)
    if (allowed.sum(axis=0) < 1).any():
        raise AnalysisError("a target has no donor to draw on")
    pre, post = donors[:, :t0], donors[:, t0:]
    post_mean = post.mean(axis=1)
    sigma = noise_level(pre)
    t1 = t - t0
    if method not in ("sc", "sdid", "did"):
        raise AnalysisError(f"unknown synthetic method {method!r}")
    if omega is None and method == "did":
        omega = allowed / allowed.sum(axis=0)
    elif omega is None:
        intercept = method == "sdid"
        if zeta_omega is None:
            zeta_omega = (n_treated * t1) ** 0.25 * sigma if method == "sdid" else 1e-6 * sigma
        a = pre.T  # (T0, J): rows are periods
        b = targets[:, :t0].T  # (T0, p)
        if intercept:
            a = a - a.mean(axis=0, keepdims=True)
            b = b - b.mean(axis=0, keepdims=True)
        if solver == "exact" and method == "sc":
            omega = np.zeros((j, p))
            for col in range(p):
                rows = allowed[:, col]
                omega[rows, col] = simplex_nnls(a[:, rows], b[:, col])
        elif solver == "exact":
            q = _SharedQ(a, zeta_omega)
            omega = simplex_qp(q, a.T @ b / t0, q.lipschitz(), allowed=allowed)
        else:
            omega = np.zeros((j, p))
            for col in range(p):
                rows = allowed[:, col]
                omega[rows, col] = _fw_two_stage(a[:, rows], b[:, col], zeta_omega, False, 1e-5 * sigma)

    if method == "sc":
        lam = np.zeros((t0, p))
    elif method == "did":
        lam = np.full((t0, p), 1.0 / t0)
    elif solver == "exact":
        lam = _time_weights(pre, post_mean, allowed)
    else:
        lam = np.empty((t0, p))
        for col in range(p):
            rows = allowed[:, col]
            lam[:, col] = _fw_two_stage(pre[rows], post_mean[rows], 1e-6 * sigma, True, 1e-5 * sigma)

    target_pre_w = np.einsum("pt,tp->p", targets[:, :t0], lam)
    donor_pre_w = pre @ lam  # (J, p)
    target_post = targets[:, t0:].mean(axis=1)
    tau = (target_post - target_pre_w) - np.einsum("jp,jp->p", omega, post_mean[:, None] - donor_pre_w)
    synth_raw = omega.T @ donors  # (p, T)
    # SDID and DiD shift the synthetic path by the time-weighted pre-period gap, so the mean post-period gap
    # between the treated and counterfactual paths is the estimate itself.
    offset = np.zeros(p) if method == "sc" else target_pre_w - np.einsum("jp,jp->p", omega, donor_pre_w)
    synthetic = synth_raw + offset[:, None]
    gap = targets - synthetic
    pre_rmspe = np.sqrt((gap[:, :t0] ** 2).mean(axis=1))
    post_rmspe = np.sqrt((gap[:, t0:] ** 2).mean(axis=1))
    return BatchFit(tau, omega, lam, offset, synthetic, pre_rmspe, post_rmspe)


def _time_weights(pre: np.ndarray, post_mean: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """SDID time weights: pre-periods whose donor outcomes, centred across donors (the intercept), best
    predict the donors' post-period mean. The synthdid ridge here is 1e-6 sigma, negligible, so the problem is
    solved as an exact simplex least squares."""
    t0 = pre.shape[1]
    p = allowed.shape[1]
    out = np.empty((t0, p))
    for col in range(p):
        rows = allowed[:, col]
        a = pre[rows]
        b = post_mean[rows]
        out[:, col] = simplex_nnls(a - a.mean(axis=0), b - b.mean())
    return out


def predictor_weights(
    donor_x: np.ndarray,
    target_x: np.ndarray,
    donor_pre: np.ndarray,
    target_pre: np.ndarray,
    *,
    max_iter: int = 200,
) -> tuple[np.ndarray, np.ndarray]:
    """Abadie's nested problem: donor weights matching predictors under a diagonal V chosen to minimise the
    pre-period outcome MSPE. Predictors are standardised; returns (w, v)."""
    scale = donor_x.std(axis=1, ddof=1, keepdims=True)
    scale[scale == 0] = 1.0
    x0 = donor_x / scale
    x1 = target_x / scale[:, 0]
    k = x0.shape[0]

    def weights_for(v: np.ndarray) -> np.ndarray:
        root = np.sqrt(v)
        return simplex_nnls(root[:, None] * x0, root * x1)

    def loss(z: np.ndarray) -> float:
        v = np.exp(np.append(z, 0.0))
        w = weights_for(v / v.sum())
        return float(np.mean((target_pre - w @ donor_pre) ** 2))

    if k == 1:
        v = np.ones(1)
    else:
        res = optimize.minimize(loss, np.zeros(k - 1), method="Nelder-Mead", options={"maxiter": max_iter})
        v = np.exp(np.append(res.x, 0.0))
        v = v / v.sum()
    return weights_for(v), v
