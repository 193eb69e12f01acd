"""Area-level inference for a household DiD whose treatment was assigned by place.

Household-clustered errors treat households as independent draws; when every household in an area shares
its start, the effective sample is the number of areas. Two tests treat areas as the units: a restricted
wild cluster bootstrap (WCR) over areas with its test-inverted interval, and randomisation inference that
reassigns the areas' start months.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import pandas as pd

from .absorb import demean
from .covariance import group_sums
from .fe import Design

ENUMERATE_RADEMACHER_UP_TO = 13
ENUMERATE_WEBB_UP_TO = 5
# Resampling statistics need far less precision than the point estimate.
AUXILIARY_TOLERANCE = 1e-8
WEBB = np.array([-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)])


def wild_cluster_bootstrap(
    design: Design, clusters: np.ndarray, estimate: float, draws: int, rng: np.random.Generator
) -> tuple[float, float, float, str, int, bool]:
    """WCR p-value for the first coefficient and its 95% interval by inverting the test.

    Uses the algebra of Roodman et al. (2019): with residuals under the null linear in the null value
    b0, every bootstrap t statistic is a ratio of small matrices, so each draw costs O(G^2) whatever the
    number of rows; the null can then be moved cheaply to find the interval's ends.
    """
    x = design.x
    y = design.y
    codes = design.codes
    g = int(clusters.max()) + 1
    bread = np.linalg.inv(x.T @ x)
    a = bread[:, 0]
    others = x[:, 1:]
    if others.shape[1]:
        proj = np.linalg.solve(others.T @ others, others.T)
        e0 = y - others @ (proj @ y)
        m = x[:, 0] - others @ (proj @ x[:, 0])
    else:
        e0, m = y.copy(), x[:, 0].copy()
    xa = x @ a
    p_mat = group_sums(xa[:, None] * x, clusters)

    # Q[g, h] = (xa 1_g)' M (e 1_h) with M the fixed-effect annihilator; M is symmetric, so one
    # demeaning per cluster of xa 1_g serves both e0 and m.
    cross_0, cross_m = np.empty((g, g)), np.empty((g, g))
    for h in range(g):
        z = demean(np.where(clusters == h, xa, 0.0), codes, tol=AUXILIARY_TOLERANCE)[0]
        cross_0[h] = np.bincount(clusters, weights=e0 * z, minlength=g)
        cross_m[h] = np.bincount(clusters, weights=m * z, minlength=g)

    def pieces(e: np.ndarray, cross: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s = group_sums(x * e[:, None], clusters)
        return cross - p_mat @ bread @ s.T, s @ a

    q0, r0 = pieces(e0, cross_0)
    qm, rm = pieces(m, cross_m)
    resid = y - x @ (bread @ (x.T @ y))
    se_obs = math.sqrt(float(np.sum(np.bincount(clusters, weights=xa * resid, minlength=g) ** 2)))

    if g <= ENUMERATE_WEBB_UP_TO:
        v = np.array(list(itertools.product(WEBB, repeat=g)))
        label, enumerated = "Webb six-point", True
    elif g <= ENUMERATE_RADEMACHER_UP_TO:
        v = np.array(list(itertools.product([-1.0, 1.0], repeat=g)))
        label, enumerated = "Rademacher", True
    else:
        v = rng.choice([-1.0, 1.0], size=(draws, g))
        label, enumerated = "Rademacher", False

    def p_value(b0: float) -> float:
        q, r = q0 - b0 * qm, r0 - b0 * rm
        num = v @ r
        den = np.sqrt(np.sum((v @ q.T) ** 2, axis=1))
        t_star = np.divide(np.abs(num), den, out=np.full(num.shape, np.inf), where=den > 0)
        t_obs = abs(estimate - b0) / se_obs if se_obs > 0 else math.inf
        return float(np.mean(t_star >= t_obs - 1e-12 * max(1.0, t_obs)))

    p = p_value(0.0)
    step = max(se_obs * math.sqrt(g / max(g - 1, 1)), abs(estimate) * 1e-3, 1e-12)
    low = _invert(p_value, estimate, -step)
    high = _invert(p_value, estimate, step)
    return p, low, high, label, int(v.shape[0]), enumerated


def _invert(p_value: Callable[[float], float], centre: float, step: float) -> float:
    """The null value where the bootstrap p-value falls to 0.05, searching from ``centre`` by ``step``."""
    inside, outside = centre, centre + step
    for _ in range(40):
        if p_value(outside) < 0.05:
            break
        inside, outside = outside, centre + 2 * (outside - centre)
    else:
        return math.copysign(math.inf, step)
    for _ in range(60):
        mid = (inside + outside) / 2
        if p_value(mid) < 0.05:
            outside = mid
        else:
            inside = mid
    return (inside + outside) / 2


def randomisation(
    design: Design,
    data: pd.DataFrame,
    area: str,
    area_starts: dict[object, float],
    permutations: int,
    rng: np.random.Generator,
) -> tuple[float, int, bool]:
    """Two-sided p-value of the DiD coefficient over reassignments of the areas' start months.

    The coefficient for any assignment is sum(c) / sum(Gram) over the demeaned indicators
    1[area = a, month >= s], so only one demeaning per (area, start) pair is needed.
    """
    keep = design.keep
    codes = design.codes
    y = design.y
    areas = list(area_starts)
    area_index = {a: i for i, a in enumerate(areas)}
    row_area = data[area].map(area_index).to_numpy()[keep].astype(np.intp)
    months = data["_period"].to_numpy()[keep]
    month_values, month_codes = np.unique(months, return_inverse=True)
    n_a, n_m = len(areas), len(month_values)
    starts = sorted({float(s) for s in area_starts.values() if not pd.isna(s)})

    def by_area_month(values: np.ndarray) -> np.ndarray:
        cells = np.bincount(row_area * n_m + month_codes, weights=values, minlength=n_a * n_m)
        # Reverse cumulative sums give sums over months >= each start.
        return np.cumsum(cells.reshape(n_a, n_m)[:, ::-1], axis=1)[:, ::-1]

    def at_start(tail: np.ndarray, s: float) -> np.ndarray:
        i = int(np.searchsorted(month_values, s))
        return tail[:, i] if i < n_m else np.zeros(n_a)

    y_tail = by_area_month(y)
    pairs = [(a, s) for a in range(n_a) for s in starts]
    pair_index = {p: i for i, p in enumerate(pairs)}
    c = np.array([at_start(y_tail, s)[a] for a, s in pairs])
    gram = np.zeros((len(pairs), len(pairs)))
    for j, (a, s) in enumerate(pairs):
        indicator = ((row_area == a) & (months >= s)).astype(np.float64)
        if indicator.sum() == 0:
            continue
        tail = by_area_month(demean(indicator, codes, tol=AUXILIARY_TOLERANCE)[0])
        for s2 in starts:
            values = at_start(tail, s2)
            for a2 in range(n_a):
                gram[pair_index[(a2, s2)], j] = values[a2]

    observed = [area_starts[a] for a in areas]

    def coefficient(assignment: Sequence[float]) -> float:
        idx = [pair_index[(a, s)] for a, s in enumerate(assignment) if not math.isinf(s)]
        denominator = gram[np.ix_(idx, idx)].sum()
        return float(c[idx].sum() / denominator) if denominator > 0 else math.nan

    # Never-treated areas carry an infinite start: unlike NaN it compares equal to itself.
    labels = [math.inf if pd.isna(s) else float(s) for s in observed]
    beta_obs = coefficient(labels)
    total = _count_assignments(labels)
    if total <= permutations:
        assignments: Iterator[Sequence[float]] = _multiset_permutations(labels)
        enumerated = True
    else:
        assignments = itertools.chain(
            [labels], ([labels[i] for i in rng.permutation(n_a)] for _ in range(permutations - 1))
        )
        enumerated = False
    draws = np.array([coefficient(assignment) for assignment in assignments])
    draws = draws[~np.isnan(draws)]
    p = float(np.mean(np.abs(draws) >= abs(beta_obs) - 1e-12 * max(1.0, abs(beta_obs))))
    return p, int(draws.size), enumerated


def _count_assignments(labels: list[float]) -> int:
    total = math.factorial(len(labels))
    for count in Counter(labels).values():
        total //= math.factorial(count)
    return total


def _multiset_permutations(labels: list[float]) -> Iterator[list[float]]:
    """Every distinct arrangement of ``labels`` (choose positions for each value in turn)."""
    counts = list(Counter(labels).items())

    def place(free: tuple[int, ...], rest: list[tuple[float, int]]) -> Iterator[dict[int, float]]:
        if not rest:
            yield {}
            return
        (value, k), tail = rest[0], rest[1:]
        for chosen in itertools.combinations(free, k):
            remaining = tuple(i for i in free if i not in chosen)
            for partial in place(remaining, tail):
                yield {**dict.fromkeys(chosen, value), **partial}

    n = len(labels)
    for mapping in place(tuple(range(n)), counts):
        yield [mapping[i] for i in range(n)]
