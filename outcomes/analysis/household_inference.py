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
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from .absorb import demean
from .covariance import group_sums
from .fanout import Mapper, chunk_bounds, chunk_rng, chunk_seed, serial_map
from .fe import Design

ENUMERATE_RADEMACHER_UP_TO = 13
ENUMERATE_WEBB_UP_TO = 5
# Resampling statistics need far less precision than the point estimate.
AUXILIARY_TOLERANCE = 1e-8
# Bootstrap draws and permutations per chunk: fixed, so a seed's draws do not depend on the number of
# workers; large enough that a chunk's work outweighs sending it (a chunk of draws is a few G x G products).
BOOTSTRAP_CHUNK = 1000
PERMUTATION_CHUNK = 1000
WEBB = np.array([-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)])


def wild_cluster_bootstrap(
    design: Design,
    clusters: np.ndarray,
    estimate: float,
    draws: int,
    seed: np.random.SeedSequence,
    map_chunks: Mapper = serial_map,
) -> tuple[float, float, float, str, int, bool]:
    """WCR p-value for the first coefficient and its 95% interval by inverting the test.

    Uses the algebra of Roodman et al. (2019): with residuals under the null linear in the null value
    b0, every bootstrap t statistic is a ratio of small matrices, so each draw costs O(G^2) whatever the
    number of rows. Its numerator is linear in b0 and its squared denominator quadratic, so each draw is
    reduced once to five numbers (``wild_chunk``) and the null can then be moved cheaply to find the
    interval's ends. The draws run in chunks of ``BOOTSTRAP_CHUNK`` through ``map_chunks``; chunk k's sign
    vectors come from ``seed``'s child k, so the result does not depend on where the chunks run.
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
        weights, total = "webb", len(WEBB) ** g
        label, enumerated = "Webb six-point", True
    elif g <= ENUMERATE_RADEMACHER_UP_TO:
        weights, total = "rademacher", 2**g
        label, enumerated = "Rademacher", True
    else:
        weights, total = "random", draws
        label, enumerated = "Rademacher", False
    common: dict[str, Any] = {"q0": q0, "qm": qm, "r0": r0, "rm": rm, "weights": weights}
    tasks = [
        {**common, "start": start, "stop": stop, "seed": chunk_seed(seed, k)}
        for k, (start, stop) in enumerate(chunk_bounds(total, BOOTSTRAP_CHUNK))
    ]
    out = map_chunks(wild_chunk, tasks)
    num_0, num_m, slope, centre, floor = (np.concatenate([o[k] for o in out]) for k in WILD_PARTS)

    def p_value(b0: float) -> float:
        num = num_0 - b0 * num_m
        den = np.sqrt(slope * (b0 - centre) ** 2 + floor)
        t_star = np.divide(np.abs(num), den, out=np.full(num.shape, np.inf), where=den > 0)
        t_obs = abs(estimate - b0) / se_obs if se_obs > 0 else math.inf
        return float(np.mean(t_star >= t_obs - 1e-12 * max(1.0, t_obs)))

    p = p_value(0.0)
    step = max(se_obs * math.sqrt(g / max(g - 1, 1)), abs(estimate) * 1e-3, 1e-12)
    low = _invert(p_value, estimate, -step)
    high = _invert(p_value, estimate, step)
    return p, low, high, label, total, enumerated


WILD_PARTS = ("num_0", "num_m", "slope", "centre", "floor")


def wild_chunk(task: dict[str, Any]) -> dict[str, np.ndarray]:
    """Draws ``start`` to ``stop`` of a wild cluster bootstrap, each reduced to five numbers (a plain dict
    in and out, so a chunk can travel to another process or machine).

    Draw d's sign vector v gives the statistic |num(b0)| / den(b0) at null value b0, with
    num(b0) = v r0 - b0 v rm and den(b0)^2 = |u - b0 w|^2, u = Q0 v, w = Qm v. Written as
    slope (b0 - centre)^2 + floor, with slope = |w|^2, centre = u.w / |w|^2 and floor = |u - centre w|^2
    (both terms non-negative, as u - centre w is orthogonal to w), the denominator is evaluated at any b0
    without the cancellation of expanding the square. Enumerated weights are rows ``start`` to ``stop`` of
    every sign vector in ``itertools.product`` order; random ones come from the chunk's own seed.
    """
    q0, qm = np.asarray(task["q0"], dtype=float), np.asarray(task["qm"], dtype=float)
    r0, rm = np.asarray(task["r0"], dtype=float), np.asarray(task["rm"], dtype=float)
    g = r0.size
    start, stop = int(task["start"]), int(task["stop"])
    if task["weights"] == "random":
        v = chunk_rng(task["seed"]).choice([-1.0, 1.0], size=(stop - start, g))
    else:
        values = WEBB if task["weights"] == "webb" else np.array([-1.0, 1.0])
        base = values.size
        rows = np.arange(start, stop, dtype=np.int64)[:, None]
        digits = (rows // base ** np.arange(g - 1, -1, -1, dtype=np.int64)[None, :]) % base
        v = values[digits]
    u, w = v @ q0.T, v @ qm.T
    slope = np.einsum("dg,dg->d", w, w)
    cross = np.einsum("dg,dg->d", u, w)
    centre = np.divide(cross, slope, out=np.zeros_like(cross), where=slope > 0)
    rest = u - centre[:, None] * w
    floor = np.einsum("dg,dg->d", rest, rest)
    return {"num_0": v @ r0, "num_m": v @ rm, "slope": slope, "centre": centre, "floor": floor}


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
    seed: np.random.SeedSequence,
    map_chunks: Mapper = serial_map,
) -> tuple[float, int, bool]:
    """Two-sided p-value of the DiD coefficient over reassignments of the areas' start months.

    The coefficient for any assignment is sum(c) / sum(Gram) over the demeaned indicators
    1[area = a, month >= s], so only one demeaning per (area, start) pair is needed. Every assignment when
    there are at most ``permutations`` of them; else the observed one and ``permutations`` - 1 random
    ones, drawn in chunks of ``PERMUTATION_CHUNK`` through ``map_chunks``, chunk k from ``seed``'s child k,
    so the result does not depend on where the chunks run.
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

    # Each area's start as an index into ``starts``, -1 for never treated; pair_of[a, k] is (a, starts[k]).
    observed = [area_starts[a] for a in areas]
    labels = np.array([-1 if pd.isna(s) else starts.index(float(s)) for s in observed], dtype=np.intp)
    pair_of = np.array([[pair_index[(a, s)] for s in starts] for a in range(n_a)], dtype=np.intp)
    common: dict[str, Any] = {"c": c, "gram": gram, "pair_of": pair_of.reshape(n_a, len(starts))}
    beta_obs = float(randomisation_chunk({**common, "assignments": labels[None, :]})["beta"][0])
    total = _count_assignments(labels.tolist())
    if total <= permutations:
        every = np.array(list(_multiset_permutations(labels.tolist())), dtype=np.intp)
        tasks = [{**common, "assignments": every[lo:hi]} for lo, hi in chunk_bounds(total, PERMUTATION_CHUNK)]
        enumerated = True
    else:
        tasks = [
            {**common, "labels": labels, "size": hi - lo, "seed": chunk_seed(seed, k)}
            for k, (lo, hi) in enumerate(chunk_bounds(permutations - 1, PERMUTATION_CHUNK))
        ]
        enumerated = False
    out = map_chunks(randomisation_chunk, tasks)
    draws = np.concatenate(
        [o["beta"] for o in out] if enumerated else [[beta_obs], *(o["beta"] for o in out)]
    )
    draws = draws[~np.isnan(draws)]
    p = float(np.mean(np.abs(draws) >= abs(beta_obs) - 1e-12 * max(1.0, abs(beta_obs))))
    return p, int(draws.size), enumerated


def randomisation_chunk(task: dict[str, Any]) -> dict[str, np.ndarray]:
    """DiD coefficients for a chunk of assignments of start months to areas (a plain dict in and out, so a
    chunk can travel to another process or machine): the given ``assignments`` (rows of start indices per
    area, -1 never treated) or ``size`` random reorderings of ``labels`` from the chunk's own seed.
    NaN where an assignment leaves no treated variation."""
    c = np.asarray(task["c"], dtype=float)
    gram = np.asarray(task["gram"], dtype=float)
    pair_of = np.asarray(task["pair_of"], dtype=np.intp)
    if "assignments" in task:
        assigned = np.asarray(task["assignments"], dtype=np.intp).reshape(-1, pair_of.shape[0])
    else:
        labels = np.asarray(task["labels"], dtype=np.intp)
        assigned = chunk_rng(task["seed"]).permuted(np.tile(labels, (int(task["size"]), 1)), axis=1)
    n = assigned.shape[0]
    # One row per assignment, a 1 at each (area, start) pair it treats.
    z = np.zeros((n, c.size))
    rows, areas = np.nonzero(assigned >= 0)
    z[rows, pair_of[areas, assigned[rows, areas]]] = 1.0
    numerator = z @ c
    denominator = np.einsum("ij,ij->i", z @ gram, z)
    beta = np.divide(numerator, denominator, out=np.full(n, np.nan), where=denominator > 0)
    return {"beta": beta}


def _count_assignments(labels: list[int]) -> int:
    total = math.factorial(len(labels))
    for count in Counter(labels).values():
        total //= math.factorial(count)
    return total


def _multiset_permutations(labels: list[int]) -> Iterator[list[int]]:
    """Every distinct arrangement of ``labels`` (choose positions for each value in turn)."""
    counts = list(Counter(labels).items())

    def place(free: tuple[int, ...], rest: list[tuple[int, int]]) -> Iterator[dict[int, int]]:
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
