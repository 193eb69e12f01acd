"""Household TWFE with household-clustered errors: the project's absorber against pyfixest and linearmodels.

Builds an unbalanced household-month panel (default 1M rows: 50,000 households over 60 months; --rows
sets the size with 20 rows per household, --big is 10M rows and 500,000 households), fits
``dependent ~ treated | household + month`` with CRV1 errors clustered by household in each library, after
one warm-up run each, and prints times, ratios and the largest differences in estimate and standard error.

``--case person-property`` instead fits two high-dimensional effects and the month,
``dependent ~ treated | person + property + month`` clustered by person, on people who move home over the
window (each of them lives in one to three properties, each property houses several people over time):
here the project's absorber eliminates the person effects by their means and finds the property and month
effects by conjugate gradients (``absorb._reduced_conjugate_gradient``), not its exact two-way pass.

pyfixest is timed twice: as called by default (its backend is printed: since 0.60 the default demeaner is
its Rust implementation of alternating projections, "rust MAP", not numba) and with ``lean=True,
copy_data=False`` (no copy of the data, nothing kept beyond the estimates).

    .venv/bin/python bench/twfe.py [--rows N | --big] [--case household|person-property] [--area] [--repeats N]
        [--only project,pyfixest,pyfixest-lean,linearmodels]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from outcomes.analysis.fe import feols
from outcomes.analysis.household import household_did


def pyfixest_backend() -> str:
    """The demeaner pyfixest resolves to when none is named (what its default runs on this install)."""
    try:
        from pyfixest.estimation.internals.demeaner_options import _resolve_demeaner

        chosen = _resolve_demeaner(demeaner=None, demeaner_backend=None, fixef_tol=None, fixef_maxiter=None)
        return f"{type(chosen).__name__} {getattr(chosen, 'backend', '')}".strip()
    except (ImportError, TypeError):
        return "unknown (pyfixest < 0.60 defaults to numba)"


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def build_panel(households: int, months: int, rows: int, seed: int = 0) -> pd.DataFrame:
    """Households observed over random windows so that the panel has about ``rows`` rows."""
    rng = np.random.default_rng(seed)
    mean_length = rows / households
    length = np.clip(rng.poisson(mean_length, households), 2, months)
    first = rng.integers(0, months - length + 1)
    household = np.repeat(np.arange(households), length)
    offsets = np.arange(household.size) - np.repeat(np.cumsum(length) - length, length)
    month = np.repeat(first, length) + offsets
    area = household % 20
    start = np.where(area < 2, 30.0, np.nan)
    treated = (month >= start).astype(float)
    base = rng.uniform(0.1, 0.6, households)[household]
    prob = np.clip(base - 0.002 * month - 0.08 * treated, 0, 1)
    return pd.DataFrame(
        {
            "household": household,
            "area": area,
            "period": month,
            "start": start,
            "treated": treated,
            "dependent": (rng.random(household.size) < prob).astype(float),
        }
    )


def build_movers(people: int, months: int, rows: int, seed: int = 0) -> pd.DataFrame:
    """People observed over random windows, each living in one to three properties in turn; about
    ``rows`` rows, and a property for every ten people (so each property sees several residents)."""
    panel = build_panel(people, months, rows, seed)
    rng = np.random.default_rng(seed + 1)
    person = panel["household"].to_numpy()
    properties = max(2, people // 10)
    homes = rng.integers(0, properties, size=(people, 3))
    moves = rng.integers(1, 4, size=people)  # homes lived in over the window
    first = np.r_[0, np.flatnonzero(np.diff(person)) + 1]
    length = np.diff(np.r_[first, person.size])
    position = np.arange(person.size) - np.repeat(first, length)
    which = np.minimum(position * moves[person] // np.repeat(length, length), 2)
    return panel.rename(columns={"household": "person"}).assign(property=homes[person, which])


def timed(fn: Callable[[], tuple[float, float]], repeats: int) -> tuple[float, tuple[float, float]]:
    best, value = float("inf"), (np.nan, np.nan)
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="10M rows, 500,000 households")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows (20 per household or person)")
    parser.add_argument("--case", choices=["household", "person-property"], default="household")
    parser.add_argument("--area", action="store_true", help="also time the area-level wild bootstrap and RI")
    parser.add_argument("--repeats", type=int, default=1, help="timed runs per library (best is kept)")
    parser.add_argument(
        "--only",
        default="project,pyfixest,pyfixest-lean,linearmodels",
        help="comma-separated libraries to time (project is always timed: it is the base of the ratios)",
    )
    args = parser.parse_args()
    rows = 10_000_000 if args.big else args.rows
    households = rows // 20
    wanted = {"project", *args.only.split(",")}
    movers = args.case == "person-property"
    if movers:
        wanted.discard("linearmodels")  # PanelOLS absorbs two effects at most
    print("load average at start (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))

    progress(
        f"building panel: {households:,} {'people' if movers else 'households'}, 60 months, ~{rows:,} rows"
    )
    panel = build_movers(households, 60, rows) if movers else build_panel(households, 60, rows)
    progress(f"panel has {len(panel):,} rows")

    def ours() -> tuple[float, float]:
        if movers:
            m = feols(panel, "dependent", ["treated"], ["person", "property", "period"], cluster="person")
            return m.coef("treated").estimate, m.coef("treated").se
        r = household_did(panel, outcome="dependent", area_inference=False)
        return r.estimate, r.se

    import pyfixest

    formula = (
        "dependent ~ treated | person + property + period"
        if movers
        else "dependent ~ treated | household + period"
    )
    vcov = {"CRV1": "person" if movers else "household"}

    def fixest() -> tuple[float, float]:
        m = pyfixest.feols(formula, panel, vcov=vcov)
        return float(m.coef().iloc[0]), float(m.se().iloc[0])

    def fixest_lean() -> tuple[float, float]:
        m = pyfixest.feols(formula, panel, vcov=vcov, lean=True, copy_data=False)
        return float(m.coef().iloc[0]), float(m.se().iloc[0])

    from linearmodels.panel import PanelOLS

    indexed = panel.set_index(["household", "period"]) if "linearmodels" in wanted else panel

    def linear() -> tuple[float, float]:
        m = PanelOLS(indexed["dependent"], indexed[["treated"]], entity_effects=True, time_effects=True)
        fitted = m.fit(cov_type="clustered", cluster_entity=True)
        return float(fitted.params.iloc[0]), float(fitted.std_errors.iloc[0])

    runs = [
        ("project", "project (fe.feols)", ours),
        ("pyfixest", "pyfixest", fixest),
        ("pyfixest-lean", "pyfixest lean, no copy", fixest_lean),
        ("linearmodels", "linearmodels PanelOLS", linear),
    ]
    results = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, name, fn in runs:
            if key not in wanted:
                continue
            progress(f"{name}: warm-up")
            fn()
            progress(f"{name}: timing")
            results[name] = timed(fn, args.repeats)
            progress(f"{name}: {results[name][0]:.2f}s")

    base_time, (base_est, base_se) = results["project (fe.feols)"]
    print()
    unit = "person" if movers else "household"
    if movers:
        print(f"properties {panel['property'].nunique():,}")
    print(f"case {args.case}; pyfixest {pyfixest.__version__}, demeaner {pyfixest_backend()}")
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"rows {len(panel):,}  {unit}s {panel[unit].nunique():,}  months {panel['period'].nunique()}")
    print(
        f"{'library':<24}{'seconds':>9}{'vs project':>12}{'estimate':>14}{'SE':>12}{'d estimate':>12}{'d SE':>11}"
    )
    for name, (seconds, (est, se)) in results.items():
        print(
            f"{name:<24}{seconds:>9.2f}{seconds / base_time:>11.2f}x{est:>14.8f}{se:>12.8f}"
            f"{est - base_est:>12.1e}{se - base_se:>11.1e}"
        )
    if args.area:
        progress("project with area-level wild bootstrap and randomisation inference")
        start = time.perf_counter()
        r = household_did(panel, outcome="dependent")
        seconds = time.perf_counter() - start
        assert r.area is not None
        print(
            f"area-level inference: {seconds:.1f}s (wild p = {r.area.wild_p_value:.4f}, "
            f"RI p = {r.area.randomisation_p_value:.4f}, {r.area.randomisation_assignments} assignments)"
        )


if __name__ == "__main__":
    main()
