"""Synthetic area panels with a known (planted) effect, for tests, validation and benchmarks.

Outcomes follow an interactive fixed-effects (factor) model, the data-generating process under which
synthetic control and synthetic DiD are justified:
``y_it = level_i + trend_t + loadings_i . factors_t + noise_it + effect * treated_it``.
Treated units' levels and loadings are convex combinations of donors', so a perfect synthetic exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import AnalysisError
from .results import ResultMixin


@dataclass(frozen=True)
class SimulatedPanel(ResultMixin):
    """A long panel (unit, period, value), the treated starts and the true effect."""

    panel: pd.DataFrame
    treated: dict[str, Any]
    effect: float


def simulate_area_panel(
    *,
    n_donors: int = 100,
    n_treated: int = 2,
    n_periods: int = 120,
    start: int | None = None,
    starts: list[int] | None = None,
    effect: float = -2.0,
    n_factors: int = 2,
    noise: float = 0.5,
    treated_noise: float | None = None,
    factor_scale: float = 1.0,
    monthly: bool = True,
    first_month: str = "2005-01",
    seed: int = 0,
) -> SimulatedPanel:
    """Build a factor-model panel with ``effect`` added to the treated units from their start.

    ``start`` is a period position (default: two thirds of the way through); ``starts`` gives one position
    per treated unit for staggered designs. Periods are months from ``first_month`` or integer years.
    ``treated_noise`` gives the treated units their own noise SD (default ``noise``), for designs in which
    the treated areas are noisier than the comparators.
    """
    if n_donors < 2 or n_treated < 1 or n_periods < 4:
        raise AnalysisError("need at least 2 donors, 1 treated unit and 4 periods")
    rng = np.random.default_rng(seed)
    if starts is None:
        s = start if start is not None else (2 * n_periods) // 3
        starts = [s] * n_treated
    if len(starts) != n_treated or min(starts) < 2 or max(starts) >= n_periods:
        raise AnalysisError("starts must give one position per treated unit, within the panel after period 1")
    t = np.arange(n_periods)
    factors = np.cumsum(rng.normal(0, 0.3 * factor_scale, (n_factors, n_periods)), axis=1)
    factors += factor_scale * np.sin(2 * np.pi * t / 12)[None, :] * rng.uniform(0.2, 1.0, (n_factors, 1))
    trend = 0.01 * t + np.cumsum(rng.normal(0, 0.1, n_periods))
    level_d = rng.normal(10.0, 3.0, n_donors)
    load_d = rng.normal(1.0, 0.5, (n_donors, n_factors))
    mix = rng.dirichlet(np.full(n_donors, 0.3), n_treated)  # sparse convex combinations of donors
    level_t = mix @ level_d
    load_t = mix @ load_d
    level = np.concatenate([level_t, level_d])
    load = np.vstack([load_t, load_d])
    sd = np.full(n_treated + n_donors, float(noise))
    sd[:n_treated] = noise if treated_noise is None else treated_noise
    y = (
        level[:, None]
        + trend[None, :]
        + load @ factors
        + sd[:, None] * rng.standard_normal((n_treated + n_donors, n_periods))
    )
    for i, s in enumerate(starts):
        y[i, s:] += effect
    units = [f"T{i + 1:02d}" for i in range(n_treated)] + [f"D{j + 1:04d}" for j in range(n_donors)]
    if monthly:
        labels: list[Any] = [str(p) for p in pd.period_range(first_month, periods=n_periods, freq="M")]
    else:
        labels = list(range(2000, 2000 + n_periods))
    panel = pd.DataFrame(
        {
            "unit": np.repeat(units, n_periods),
            "period": labels * len(units),
            "value": y.ravel(),
        }
    )
    treated = {units[i]: labels[s] for i, s in enumerate(starts)}
    return SimulatedPanel(panel=panel, treated=treated, effect=effect)


def simulate_area_households(
    *,
    areas: int,
    treated: tuple[int, ...],
    per_area: int,
    months: int,
    effect: float = -0.08,
    seed: int = 0,
) -> pd.DataFrame:
    """Household-months of a 0/1 dependency flag (household, area, period, dependent, start) with
    treatment assigned by area: the households of the ``treated`` areas start at mid-panel, when their
    probability of the flag moves by ``effect``; each area-month has its own shock (SD 0.02). Area a's
    households are a, a + areas, ..., so areas first appear in the order 0, 1, 2, ..."""
    rng = np.random.default_rng(seed)
    n = areas * per_area
    hh = np.repeat(np.arange(n), months)
    t = np.tile(np.arange(months), n)
    a = hh % areas
    begins = np.where(np.isin(a, treated), months // 2, np.nan)
    shock = rng.normal(0, 0.02, (areas, months))[a, t]
    prob = np.clip(rng.uniform(0.2, 0.6, n)[hh] + shock + effect * (t >= begins), 0, 1)
    flag = (rng.random(hh.size) < prob).astype(float)
    return pd.DataFrame({"household": hh, "area": a, "period": t, "dependent": flag, "start": begins})
