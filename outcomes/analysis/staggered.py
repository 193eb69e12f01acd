"""Callaway and Sant'Anna (2021) group-time average treatment effects for staggered starts.

Unconditional (no covariates) form: each ATT(g, t) is the 2x2 DiD of cohort g against the comparison units
between period t and the base period (g - 1 after the start; t - 1 before it, the "varying" base of the
R ``did`` package). Standard errors come from the analytical influence function, as in ``did::att_gt`` with
``bstrap = FALSE``; an optional multiplier bootstrap (Mammen weights) is offered for comparison.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .area_inference import AreaImpact, permutation_p, placebo_draws, placebo_kind
from .constants import Z95
from .errors import AnalysisError
from .fanout import Mapper, chunk_bounds, serial_map
from .panel import _align_key, to_matrix
from .results import ResultMixin

MIN_GROUP = 10
# Placebo refits of the estimator per chunk (each a few milliseconds on a data frame of the donors).
CS_CHUNK = 50


@dataclass(frozen=True)
class GroupTimeEffects(ResultMixin):
    """ATT(g, t) cells and their simple, group and dynamic aggregations."""

    att_gt: tuple[dict[str, Any], ...]
    simple: dict[str, Any]
    group: dict[str, Any]
    dynamic: dict[str, Any]
    pretrend: dict[str, Any] | None
    control_group: str
    inference: str
    n_units: int
    n_periods: int
    n_treated: int
    n_controls: int
    groups: dict[str, int]
    warnings: tuple[str, ...]


def _summary(estimate: float, influence: np.ndarray, se_of: Any) -> dict[str, Any]:
    se = se_of(influence)
    low, high = estimate - Z95 * se, estimate + Z95 * se
    p = float(2 * stats.norm.sf(abs(estimate) / se)) if se > 0 else None
    return {
        "estimate": float(estimate),
        "se": float(se),
        "ci_low": float(low),
        "ci_high": float(high),
        "p_value": p,
    }


def _wif(keep: list[int], pg: np.ndarray, member: np.ndarray) -> np.ndarray:
    """Influence of estimating the aggregation weights pg / sum(pg) (did::wif). ``member`` is (n, K)."""
    pk = pg[keep]
    total = pk.sum()
    dev = member[:, keep] - pk  # (n, k)
    if1 = dev / total
    if2 = dev.sum(axis=1, keepdims=True) * (pk / total**2)[None, :]
    return if1 - if2


def att_gt(
    panel: pd.DataFrame,
    treated: Mapping[str, Any],
    *,
    donors: list[str] | None = None,
    control_group: str = "never",
    bootstrap: int | None = None,
    seed: int = 0,
) -> GroupTimeEffects:
    """Group-time ATTs for a long (unit, period, value) panel with starts in ``treated`` {unit: start}.

    ``control_group`` is "never" (units never treated: every unit not in ``treated``, or ``donors``) or
    "not-yet" (also units whose start is after both t and the base period). ``bootstrap`` replaces the
    analytical standard errors with a Mammen multiplier bootstrap of that many draws.
    """
    if control_group not in ("never", "not-yet"):
        raise AnalysisError(f"control_group must be 'never' or 'not-yet', not {control_group!r}")
    if not isinstance(treated, Mapping) or not treated:
        raise AnalysisError("treated must be a non-empty mapping {unit: start period}")
    y, units, keys = to_matrix(panel)
    n, t_count = y.shape
    if t_count < 2:
        raise AnalysisError(f"{t_count} period(s): at least 2 needed")
    index = {u: i for i, u in enumerate(units)}
    g = np.full(n, -1, dtype=int)
    warnings: list[str] = []
    dropped_first: list[str] = []
    for unit, start in treated.items():
        unit = str(unit)
        if unit not in index:
            raise AnalysisError(f"treated unit {unit!r} is not in the panel")
        key = _align_key(start, keys[0])
        pos = bisect.bisect_left(keys, key)
        if pos >= t_count:
            warnings.append(f"unit {unit!r} starts after the last period and is treated as never treated")
            continue
        if pos == 0:
            dropped_first.append(unit)
            continue
        g[index[unit]] = pos
    keep_units = np.ones(n, dtype=bool)
    if dropped_first:
        warnings.append(
            f"{len(dropped_first)} unit(s) treated in the first period have no pre-period and are dropped "
            f"(e.g. {dropped_first[0]!r})"
        )
        for u in dropped_first:
            keep_units[index[u]] = False
    if donors is not None:
        donor_set = {str(d) for d in donors}
        for d in donor_set:
            if d not in index:
                raise AnalysisError(f"donor {d!r} is not in the panel")
        for i, u in enumerate(units):
            if g[i] < 0 and u not in donor_set:
                keep_units[i] = False
    y, g = y[keep_units], g[keep_units]
    n = y.shape[0]
    glist = sorted(set(g[g >= 0].tolist()))
    if not glist:
        raise AnalysisError("no treated unit starts inside the panel: nothing to estimate")
    never = g < 0
    if control_group == "never" and never.sum() < 2:
        raise AnalysisError(f"{int(never.sum())} never-treated unit(s); at least 2 needed as controls")
    member = np.column_stack([(g == gg).astype(float) for gg in glist])  # (n, G)
    pgg = member.mean(axis=0)

    cells: list[dict[str, Any]] = []
    infl: list[np.ndarray] = []
    for gi, gg in enumerate(glist):
        in_g = g == gg
        for t in range(1, t_count):
            base = gg - 1 if t >= gg else t - 1
            # Not-yet-treated comparisons must be untreated in both t and the base period.
            ctrl = never if control_group == "never" else never | ((g > max(t, base)) & (g != gg))
            n_c = int(ctrl.sum())
            if n_c == 0:
                warnings.append(f"no comparison unit for group {keys[gg]} at {keys[t]}: cell skipped")
                continue
            dy = y[:, t] - y[:, base]
            m_g, m_c = dy[in_g].mean(), dy[ctrl].mean()
            n_g = int(in_g.sum())
            inf = np.zeros(n)
            inf[in_g] = (n / n_g) * (dy[in_g] - m_g)
            inf[ctrl] -= (n / n_c) * (dy[ctrl] - m_c)
            cells.append({"g": gg, "gi": gi, "t": t, "att": m_g - m_c, "n_treated": n_g, "n_control": n_c})
            infl.append(inf)
    big = np.column_stack(infl)  # (n, cells)
    att = np.array([c["att"] for c in cells])

    if bootstrap is not None:
        if bootstrap < 50:
            raise AnalysisError("bootstrap needs at least 50 draws")
        rng = np.random.default_rng(seed)
        golden = (1 + np.sqrt(5)) / 2
        prob = golden / np.sqrt(5)
        v = np.where(rng.random((bootstrap, n)) < prob, (1 - np.sqrt(5)) / 2, golden)
        q_scale = stats.norm.ppf(0.75) - stats.norm.ppf(0.25)

        def se_of(inf: np.ndarray) -> float:
            draws = v @ inf / n
            q75, q25 = np.quantile(draws, [0.75, 0.25])
            return float((q75 - q25) / q_scale)

        se_text = f"multiplier bootstrap ({bootstrap} Mammen draws, IQR-based SE)"
    else:

        def se_of(inf: np.ndarray) -> float:
            return float(np.sqrt(np.mean(inf**2) / n))

        se_text = "analytical influence-function standard errors"

    att_rows = []
    for c, inf in zip(cells, big.T, strict=True):
        row = _summary(c["att"], inf, se_of)
        row.update(
            group=str(keys[c["g"]]),
            time=str(keys[c["t"]]),
            event_time=c["t"] - c["g"],
            post=c["t"] >= c["g"],
            n_treated=c["n_treated"],
            n_control=c["n_control"],
        )
        att_rows.append(row)

    pg_cell = np.array([pgg[c["gi"]] for c in cells])
    member_cell = member[:, [c["gi"] for c in cells]]
    post = [k for k, c in enumerate(cells) if c["t"] >= c["g"]]
    w = pg_cell[post] / pg_cell[post].sum()
    simple_est = float(att[post] @ w)
    simple_inf = big[:, post] @ w + _wif(post, pg_cell, member_cell) @ att[post]
    simple = _summary(simple_est, simple_inf, se_of)

    by_group = []
    g_est, g_inf = [], []
    for gi, gg in enumerate(glist):
        ks = [k for k in post if cells[k]["gi"] == gi]
        if not ks:
            continue
        est = float(att[ks].mean())
        inf = big[:, ks].mean(axis=1)
        g_est.append(est)
        g_inf.append(inf)
        by_group.append({"group": str(keys[gg]), **_summary(est, inf, se_of)})
    g_arr = np.array(g_est)
    pg_groups = pgg
    overall_g = float(g_arr @ (pg_groups / pg_groups.sum()))
    overall_g_inf = (
        np.column_stack(g_inf) @ (pg_groups / pg_groups.sum())
        + _wif(list(range(len(glist))), pgg, member) @ g_arr
    )
    group = {"overall": _summary(overall_g, overall_g_inf, se_of), "by_group": by_group}

    events = sorted({c["t"] - c["g"] for c in cells})
    by_event = []
    e_est, e_inf = {}, {}
    for e in events:
        ks = [k for k, c in enumerate(cells) if c["t"] - c["g"] == e]
        we = pg_cell[ks] / pg_cell[ks].sum()
        est = float(att[ks] @ we)
        inf = big[:, ks] @ we + _wif(ks, pg_cell, member_cell) @ att[ks]
        e_est[e], e_inf[e] = est, inf
        by_event.append({"event_time": int(e), **_summary(est, inf, se_of)})
    post_e = [e for e in events if e >= 0]
    dyn_est = float(np.mean([e_est[e] for e in post_e]))
    dyn_inf = np.mean([e_inf[e] for e in post_e], axis=0)
    dynamic = {"overall": _summary(dyn_est, dyn_inf, se_of), "by_event_time": by_event}

    pre = [k for k, c in enumerate(cells) if c["t"] < c["g"]]
    pretrend = None
    if pre:
        vcov = big[:, pre].T @ big[:, pre] / n**2
        stat = float(att[pre] @ np.linalg.pinv(vcov) @ att[pre])
        df = int(np.linalg.matrix_rank(vcov))
        p_pre = float(stats.chi2.sf(stat, df)) if df > 0 else None
        pretrend = {
            "statistic": stat,
            "df": df,
            "p_value": p_pre,
            "test": "Wald test that all pre-start ATT(g,t) are zero, influence-function covariance, chi-squared; "
            "over-rejects when groups are small relative to the number of lead cells",
        }
        if p_pre is not None and p_pre < 0.05:
            warnings.append(f"failed pre-trend test: pre-start ATT(g,t) jointly non-zero (p = {p_pre:.3f})")

    sizes = {str(keys[gg]): int((g == gg).sum()) for gg in glist}
    small = [k for k, v in sizes.items() if v < MIN_GROUP]
    if small:
        warnings.append(
            f"group(s) below n={MIN_GROUP} units ({', '.join(small)}): influence-function SEs rest on few "
            "treated areas and are unreliable; prefer placebo-based methods (sc, sdid, did)"
        )
    if int(never.sum()) < MIN_GROUP and control_group == "never":
        warnings.append(f"only {int(never.sum())} never-treated comparison units")
    inference = (
        f"Callaway and Sant'Anna (2021) unconditional DiD per (group, period) with {control_group}-treated "
        f"comparison units, {se_text}, pointwise 95% normal intervals; aggregations carry the influence of "
        "their estimated group-share weights"
    )
    return GroupTimeEffects(
        att_gt=tuple(att_rows),
        simple=simple,
        group=group,
        dynamic=dynamic,
        pretrend=pretrend,
        control_group=control_group,
        inference=inference,
        n_units=n,
        n_periods=t_count,
        n_treated=int((g >= 0).sum()),
        n_controls=int(never.sum()),
        groups=sizes,
        warnings=tuple(warnings),
    )


def placebo_interval(estimate: float, placebo: np.ndarray) -> tuple[float, float]:
    """Estimate +/- the k-th largest |placebo| estimate, k = floor(0.05 (P + 1)): zero lies outside it
    exactly when the rank p-value of |estimate| among the placebos is at most 0.05, so the interval and the
    p-value never disagree. Read as Conley and Taber (2011): the placebos give the distribution of the
    estimator's error under a constant additive effect. Unbounded when there are fewer than 19 placebos."""
    k = math.floor(0.05 * (placebo.size + 1))
    if k < 1:
        return -math.inf, math.inf
    c = float(np.sort(np.abs(placebo))[::-1][k - 1])
    return estimate - c, estimate + c


def _placebo_simple(
    panel: pd.DataFrame,
    treated: Mapping[str, Any],
    *,
    donors: list[str] | None,
    control_group: str,
    placebos: int | None,
    rng: np.random.Generator,
    map_chunks: Mapper = serial_map,
) -> tuple[np.ndarray, bool]:
    """The simple aggregation re-estimated with the treated units' starts given to sets of never-treated
    units, the real treated units left out. The sets are drawn here; their fits run in chunks of
    ``CS_CHUNK`` through ``map_chunks``, each chunk given the never-treated units' outcome matrix and the
    starts as period positions."""
    treated_units = {str(u) for u in treated}
    pool = sorted({str(u) for u in panel["unit"].unique()} - treated_units)
    if donors is not None:
        pool = sorted(set(pool) & {str(d) for d in donors})
    own = panel[panel["unit"].astype(str).isin(pool)]
    y, units, keys = to_matrix(own)
    starts = [bisect.bisect_left(keys, _align_key(start, keys[0])) for start in treated.values()]
    draws, exhaustive = placebo_draws(len(units), len(starts), placebos, rng)
    tasks = [
        {"y": y, "units": units, "starts": starts, "sets": draws[lo:hi], "control_group": control_group}
        for lo, hi in chunk_bounds(draws.shape[0], CS_CHUNK)
    ]
    values = np.concatenate([o["simple"] for o in map_chunks(cs_placebo_chunk, tasks)])
    return values, exhaustive


def cs_placebo_chunk(task: dict[str, Any]) -> dict[str, np.ndarray]:
    """Simple aggregations for a chunk of placebo sets (a plain dict in and out, so it can travel to another
    process or machine): set k's row r takes start position ``starts[r]`` in the units x periods matrix
    ``y``, whose periods are numbered 0, 1, ... (the estimator uses only their order)."""
    y = np.asarray(task["y"], dtype=float)
    units = [str(u) for u in task["units"]]
    starts = [int(s) for s in task["starts"]]
    sets = np.asarray(task["sets"], dtype=np.intp).reshape(-1, len(starts))
    t_count = y.shape[1]
    frame = pd.DataFrame(
        {
            "unit": np.repeat(units, t_count),
            "period": np.tile(np.arange(t_count), len(units)),
            "value": y.ravel(),
        }
    )
    simple = np.empty(sets.shape[0])
    for i, rows in enumerate(sets):
        fake = {units[r]: start for r, start in zip(rows, starts, strict=True)}
        simple[i] = att_gt(frame, fake, control_group=str(task["control_group"])).simple["estimate"]
    return {"simple": simple}


def att_gt_to_impact(
    panel: pd.DataFrame,
    treated: Mapping[str, Any],
    *,
    donors: list[str] | None,
    control_group: str,
    placebos: int | None = None,
    rng: np.random.Generator | None = None,
    map_chunks: Mapper = serial_map,
) -> AreaImpact:
    """Callaway-Sant'Anna as an AreaImpact: headline is the simple aggregation.

    When any start cohort has fewer than ``MIN_GROUP`` units, the influence-function standard errors rest
    on a handful of treated areas and are not valid; the headline SE, interval and p-value then come from
    placebo fits (the same starts given to sets of never-treated units) and the analytic ones stay in
    ``aggregations``, labelled as not valid.
    """
    res = att_gt(panel, treated, donors=donors, control_group=control_group)
    s = res.simple
    aggregations: dict[str, Any] = {
        "simple": res.simple,
        "group": res.group,
        "dynamic": res.dynamic,
        "att_gt": res.att_gt,
    }
    warnings = list(res.warnings)
    pretrend = res.pretrend
    if min(res.groups.values()) >= MIN_GROUP:
        return AreaImpact(
            method="cs",
            estimate=s["estimate"],
            se=s["se"],
            ci_low=s["ci_low"],
            ci_high=s["ci_high"],
            p_value=s["p_value"],
            inference=res.inference,
            n_treated=res.n_treated,
            n_donors=res.n_controls,
            sample={"n_units": res.n_units, "n_periods": res.n_periods, "groups": res.groups},
            event_study=tuple(res.dynamic["by_event_time"]),
            pretrend=pretrend,
            aggregations=aggregations,
            warnings=res.warnings,
        )
    placebo, exhaustive = _placebo_simple(
        panel,
        treated,
        donors=donors,
        control_group=control_group,
        placebos=placebos,
        rng=rng if rng is not None else np.random.default_rng(0),
        map_chunks=map_chunks,
    )
    estimate = s["estimate"]
    se = float(placebo.std(ddof=0))
    p_value = permutation_p(abs(estimate), np.abs(placebo))
    ci_low, ci_high = placebo_interval(estimate, placebo)
    kind = placebo_kind(exhaustive, placebo.size, res.n_treated)
    not_valid = (
        f"analytic (influence-function) SEs, intervals and p-values: NOT VALID with {res.n_treated} treated "
        f"unit(s) in cohorts below {MIN_GROUP} units; shown for comparison only, the headline is the placebo one"
    )
    aggregations["analytic_inference"] = not_valid
    if pretrend is not None:
        pretrend = {**pretrend, "valid": False, "note": not_valid}
    if math.isinf(ci_low):
        warnings.append(f"only {placebo.size} placebo fits: too few for a 95% interval, which is unbounded")
    inference = (
        f"Callaway and Sant'Anna (2021) simple aggregation, unconditional DiD per (group, period) with "
        f"{control_group}-treated comparison units; SE is the SD of the same estimate with the real starts "
        f"given to {kind} of never-treated units (the real treated units left out), the p-value the rank of "
        "|estimate| among them and the 95% interval the estimate +/- the placebo |estimate| at that rank "
        "(Conley and Taber 2011), so it excludes zero exactly when p <= 0.05; assumes parallel trends and "
        "that the placebo units' errors are distributed like the treated units'; event-study rows and "
        "aggregations keep analytic intervals that are not valid here"
    )
    return AreaImpact(
        method="cs",
        estimate=estimate,
        se=se,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        inference=inference,
        n_treated=res.n_treated,
        n_donors=res.n_controls,
        sample={"n_units": res.n_units, "n_periods": res.n_periods, "groups": res.groups},
        event_study=tuple(res.dynamic["by_event_time"]),
        pretrend=pretrend,
        placebo={"n": int(placebo.size), "exhaustive": exhaustive, "se": se, "p_value": p_value},
        aggregations=aggregations,
        warnings=tuple(warnings),
    )
