"""Green Book layer: turn an impact estimate into annual savings and a net present value.

Benefit payments are transfers: a fall in benefit spend is an Exchequer (AME) saving, not a gain to society.
So Exchequer savings, social value (extra output from employment, administration avoided) and cashable local
savings are reported as separate lines and never added together.

Discounting follows the HM Treasury Green Book (2022) declining schedule: 3.5% real for years 0-30, 3.0% for
31-75 and 2.5% for 76-125; the discount factor of a year is the product of the yearly factors up to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .constants import Z95
from .errors import AnalysisError
from .results import ResultMixin

LINES = ("exchequer", "social", "cashable")


@dataclass(frozen=True)
class UnitCost:
    """Cost per case per year avoided, with its source and price year."""

    name: str
    amount: float
    source: str
    price_year: int
    line: str = "exchequer"


@dataclass(frozen=True)
class Additionality:
    """Shares of the gross effect that would have happened anyway or are lost elsewhere (each 0-1)."""

    deadweight: float = 0.0
    displacement: float = 0.0
    leakage: float = 0.0
    substitution: float = 0.0

    def factor(self) -> float:
        return (1 - self.deadweight) * (1 - self.displacement) * (1 - self.leakage) * (1 - self.substitution)


@dataclass(frozen=True)
class Savings(ResultMixin):
    """Annual and discounted savings per line, their interval, the year-by-year flows and a sensitivity table."""

    label: str
    effect: float
    effect_se: float | None
    cases_per_year: float
    lines: tuple[dict[str, Any], ...]
    years: tuple[dict[str, Any], ...]
    sensitivity: tuple[dict[str, Any], ...]
    assumptions: dict[str, Any]
    unit_costs: tuple[dict[str, Any], ...]
    inference: str
    note: str
    warnings: tuple[str, ...] = ()


def yearly_rate(year: int) -> float:
    """The Green Book real discount rate applying to the step into ``year`` (year 0 is undiscounted)."""
    if year <= 30:
        return 0.035
    if year <= 75:
        return 0.030
    if year <= 125:
        return 0.025
    raise AnalysisError(f"year {year} is beyond the Green Book schedule (125 years)")


def discount_factors(n_years: int) -> np.ndarray:
    """Discount factors for years 0..n_years-1 under the declining schedule."""
    if n_years < 1:
        raise AnalysisError("n_years must be at least 1")
    steps = np.array([1.0] + [1.0 / (1.0 + yearly_rate(y)) for y in range(1, n_years)])
    return np.cumprod(steps)


def present_value(flows: Sequence[float]) -> float:
    """Net present value of yearly flows, the first in year 0."""
    arr = np.asarray(flows, dtype=float)
    if arr.ndim != 1 or arr.size == 0 or not np.isfinite(arr).all():
        raise AnalysisError("flows must be a non-empty sequence of finite numbers")
    return float(arr @ discount_factors(arr.size))


def persistence_profile(horizon: int, persistence_years: int | None, decay: float) -> np.ndarray:
    """Share of the first-year effect still present each year: full for ``persistence_years``, then falling by
    ``decay`` (a share) each year."""
    years = np.arange(horizon)
    if persistence_years is None:
        return np.ones(horizon)
    after = np.maximum(0, years - persistence_years + 1)
    return np.where(years < persistence_years, 1.0, (1.0 - decay) ** after)


def _check_share(name: str, value: float) -> None:
    if not 0 <= value < 1:
        raise AnalysisError(f"{name} must be a share in [0, 1); got {value}")


def _npv_per_line(
    *,
    effect: float,
    population: float,
    effect_scale: float,
    costs: Sequence[UnitCost],
    additionality: Additionality,
    optimism_bias: float,
    horizon: int,
    persistence_years: int | None,
    decay: float,
    cost_scale: float = 1.0,
) -> tuple[dict[str, float], dict[str, float], float, np.ndarray]:
    cases = -effect * effect_scale * population
    net = additionality.factor() * (1 - optimism_bias)
    profile = persistence_profile(horizon, persistence_years, decay)
    factors = discount_factors(horizon)
    annual, npv = {}, {}
    for line in LINES:
        per_case = sum(c.amount for c in costs if c.line == line) * cost_scale
        annual[line] = cases * per_case * net
        npv[line] = float(annual[line] * (profile @ factors))
    return annual, npv, cases, profile


def savings_npv(
    *,
    effect: float,
    population: float,
    unit_costs: Iterable[UnitCost],
    effect_se: float | None = None,
    effect_interval: tuple[float, float] | None = None,
    effect_basis: str = "counterfactual",
    effect_scale: float = 0.01,
    additionality: Additionality | None = None,
    optimism_bias: float = 0.0,
    horizon_years: int = 10,
    persistence_years: int | None = None,
    decay: float = 1.0,
    headline: str = "exchequer",
    ranges: Mapping[str, tuple[float, float]] | None = None,
    deflators: Mapping[int, float] | None = None,
    price_base_year: int | None = None,
    fixed: Iterable[str] = (),
) -> Savings:
    """Annual savings and NPV of an estimated effect on a rate.

    ``effect`` is the change in the outcome rate (negative = fewer cases) in units that ``effect_scale`` turns
    into a share of ``population`` (0.01 for percentage points), so cases avoided a year are
    ``-effect * effect_scale * population``. Each ``UnitCost`` is a cost per case per year on one line.
    ``persistence_years`` at full effect (None = the whole horizon), then falling by ``decay`` a year.
    ``ranges`` overrides the low/high values of the sensitivity table (keys as in its rows); ``fixed`` names
    parameters that do not apply to this appraisal and are left out of it (deadweight on an effect measured
    against a counterfactual, optimism bias when it is an uplift on costs elsewhere).

    ``effect_interval`` is the 95% interval the effect's analysis reported (for synthetic control and
    synthetic DiD, the inverted placebo test); when given, the NPV intervals and the effect's sensitivity
    row use it rather than effect +/- 1.96 ``effect_se``. ``effect_basis`` says what the effect is measured
    against: "counterfactual" (a comparison group or synthetic control: the default, and deadweight is then
    refused, since the counterfactual already nets it out) or "gross" (a before/after change, where
    deadweight applies).
    """
    costs = list(unit_costs)
    if not costs:
        raise AnalysisError("unit_costs must list at least one UnitCost")
    for c in costs:
        if c.line not in LINES:
            raise AnalysisError(f"unit cost {c.name!r} has line {c.line!r}; use one of {', '.join(LINES)}")
        if not np.isfinite(c.amount) or c.amount < 0:
            raise AnalysisError(f"unit cost {c.name!r} must be a non-negative amount")
        if not c.source:
            raise AnalysisError(f"unit cost {c.name!r} has no source")
    if headline not in LINES:
        raise AnalysisError(f"headline must be one of {', '.join(LINES)}")
    if population <= 0:
        raise AnalysisError("population must be positive")
    if not np.isfinite(effect):
        raise AnalysisError("effect must be a finite number")
    if effect_se is not None and (not np.isfinite(effect_se) or effect_se < 0):
        raise AnalysisError("effect_se must be a non-negative number")
    if not 1 <= horizon_years <= 126:
        raise AnalysisError("horizon_years must be between 1 and 126 (Green Book schedule)")
    add = additionality or Additionality()
    for name in ("deadweight", "displacement", "leakage", "substitution"):
        _check_share(name, getattr(add, name))
    _check_share("optimism_bias", optimism_bias)
    if effect_basis not in ("counterfactual", "gross"):
        raise AnalysisError(f"effect_basis must be 'counterfactual' or 'gross'; got {effect_basis!r}")
    if effect_basis == "counterfactual":
        if add.deadweight or "deadweight" in (ranges or {}):
            raise AnalysisError(
                "deadweight: the effect is measured against a counterfactual, which already nets out what "
                "would have happened anyway; applying deadweight again counts it twice (pass "
                "effect_basis='gross' for a before/after change)"
            )
        fixed = (*fixed, "deadweight")
    if effect_interval is not None:
        low, high = sorted(float(v) for v in effect_interval)
        effect_interval = None if not (np.isfinite(low) and np.isfinite(high)) else (low, high)
    if not 0 <= decay <= 1:
        raise AnalysisError("decay must be a share in [0, 1]")
    warnings: list[str] = [
        f"{name} is zero: say why no such loss is expected, or set it"
        for name in ("displacement", "leakage", "substitution")
        if getattr(add, name) == 0
    ]
    if persistence_years is None or persistence_years >= horizon_years or decay == 0:
        warnings.append(
            f"the effect is assumed to persist in full for all {horizon_years} years (no drop-off): state the "
            "evidence, or set persistence_years and decay"
        )
    price_years = sorted({c.price_year for c in costs})
    if deflators is not None:
        base = price_base_year if price_base_year is not None else max(price_years)
        missing = [y for y in [*price_years, base] if y not in deflators]
        if missing:
            raise AnalysisError(f"deflators lack price year(s) {missing}")
        costs = [
            replace(c, amount=c.amount * deflators[base] / deflators[c.price_year], price_year=base)
            for c in costs
        ]
    elif len(price_years) > 1:
        warnings.append(
            f"unit costs are in different price years ({', '.join(map(str, price_years))}); "
            "pass deflators to rebase them before adding"
        )
    kwargs: dict[str, Any] = dict(
        population=population,
        effect_scale=effect_scale,
        costs=costs,
        additionality=add,
        optimism_bias=optimism_bias,
        horizon=horizon_years,
        persistence_years=persistence_years,
        decay=decay,
    )
    annual, npv, cases, profile = _npv_per_line(effect=effect, **kwargs)
    factors = discount_factors(horizon_years)
    gross_factor = 1.0 / (add.factor() * (1 - optimism_bias)) if add.factor() * (1 - optimism_bias) else 0.0
    lines = []
    for line in LINES:
        if not any(c.line == line for c in costs):
            continue
        row: dict[str, Any] = {
            "line": line,
            "annual_gross": annual[line] * gross_factor,
            "annual_net": annual[line],
            "npv": npv[line],
            "costs": [c.name for c in costs if c.line == line],
        }
        if effect_interval is not None or effect_se is not None:
            # NPV is linear in the effect, so its interval is the effect's interval scaled.
            per_unit = npv[line] / effect if effect else _npv_per_line(effect=1.0, **kwargs)[1][line]
            ends = effect_interval or (effect - Z95 * effect_se, effect + Z95 * effect_se)  # type: ignore[operator]
            bounds = sorted([per_unit * ends[0], per_unit * ends[1]])
            row.update(npv_ci_low=bounds[0], npv_ci_high=bounds[1])
            if effect_se is not None:
                row["npv_se"] = abs(per_unit) * effect_se
        lines.append(row)
    years = tuple(
        {
            "year": y,
            "discount_rate": 0.0 if y == 0 else yearly_rate(y),
            "discount_factor": float(factors[y]),
            "persistence": float(profile[y]),
            **{f"{line}_flow": float(annual[line] * profile[y]) for line in LINES},
        }
        for y in range(horizon_years)
    )
    sensitivity = _sensitivity(
        effect=effect,
        effect_se=effect_se,
        effect_interval=effect_interval,
        kwargs=kwargs,
        headline=headline,
        ranges=ranges or {},
        base=npv[headline],
        fixed=set(fixed),
    )
    if effect_interval is not None:
        inference = (
            "NPV interval from the 95% interval the effect's own analysis reported (for synthetic control and "
            "synthetic DiD, the interval that inverts the placebo test): NPV is linear in the effect, so the "
            "NPV interval is that interval scaled; other parameters are fixed and varied one at a time in the "
            "sensitivity table"
        )
    elif effect_se is not None:
        inference = (
            "NPV interval from the effect's 95% normal interval (estimate +/- 1.96 SE): NPV is linear in the "
            "effect, so the interval is exact under the estimate's normal approximation; other parameters "
            "are fixed and varied one at a time in the sensitivity table"
        )
    else:
        inference = "no standard error given: point values only; see the sensitivity table"
    return Savings(
        label="Green Book appraisal of an estimated impact",
        effect=effect,
        effect_se=effect_se,
        cases_per_year=cases,
        lines=tuple(lines),
        years=years,
        sensitivity=sensitivity,
        assumptions={
            "population": population,
            "effect_basis": effect_basis,
            "effect_scale": effect_scale,
            "additionality": {
                k: getattr(add, k) for k in ("deadweight", "displacement", "leakage", "substitution")
            },
            "additionality_factor": add.factor(),
            "optimism_bias": optimism_bias,
            "horizon_years": horizon_years,
            "persistence_years": persistence_years,
            "decay": decay,
            "discounting": "Green Book: 3.5% years 0-30, 3.0% years 31-75, 2.5% years 76-125; year 0 undiscounted",
        },
        unit_costs=tuple(
            {
                "name": c.name,
                "amount": c.amount,
                "source": c.source,
                "price_year": c.price_year,
                "line": c.line,
            }
            for c in costs
        ),
        inference=inference,
        note=(
            "Benefit payments are transfers: the Exchequer line is a saving to government, not social value; "
            "social value and cashable local savings are separate lines and are not added to it."
        ),
        warnings=tuple(warnings),
    )


def _sensitivity(
    *,
    effect: float,
    effect_se: float | None,
    effect_interval: tuple[float, float] | None,
    kwargs: dict[str, Any],
    headline: str,
    ranges: Mapping[str, tuple[float, float]],
    base: float,
    fixed: set[str],
) -> tuple[dict[str, Any], ...]:
    add: Additionality = kwargs["additionality"]
    ob: float = kwargs["optimism_bias"]
    horizon: int = kwargs["horizon"]
    persist = kwargs["persistence_years"] if kwargs["persistence_years"] is not None else horizon
    decay: float = kwargs["decay"]

    def clip(v: float) -> float:
        return float(min(0.95, max(0.0, v)))

    defaults: dict[str, tuple[float, float]] = {
        "deadweight": (clip(add.deadweight - 0.1), clip(add.deadweight + 0.1)),
        "displacement": (clip(add.displacement - 0.1), clip(add.displacement + 0.1)),
        "leakage": (clip(add.leakage - 0.1), clip(add.leakage + 0.1)),
        "substitution": (clip(add.substitution - 0.1), clip(add.substitution + 0.1)),
        "optimism_bias": (clip(ob - 0.1), clip(ob + 0.1)),
        "persistence_years": (max(1, persist // 2), min(horizon, persist * 2)),
        "decay": (max(0.0, decay - 0.25), min(1.0, decay + 0.25)),
        "unit_costs": (0.8, 1.2),
    }
    if effect_interval is not None:
        defaults["effect"] = effect_interval
    elif effect_se is not None:
        defaults["effect"] = (effect - Z95 * effect_se, effect + Z95 * effect_se)
    unknown = set(ranges) - set(defaults) - {"effect"}
    if unknown:
        raise AnalysisError(f"unknown sensitivity parameter(s) {sorted(unknown)}; use {sorted(defaults)}")
    settings = {k: v for k, v in {**defaults, **ranges}.items() if k not in fixed}
    rows: list[dict[str, Any]] = []
    for name, (low, high) in settings.items():
        values = []
        for v in (low, high):
            kw = dict(kwargs)
            eff = effect
            if name == "effect":
                eff = v
            elif name in ("deadweight", "displacement", "leakage", "substitution"):
                kw["additionality"] = replace(add, **{name: v})
            elif name == "optimism_bias":
                kw["optimism_bias"] = v
            elif name == "persistence_years":
                kw["persistence_years"] = int(v)
            elif name == "decay":
                kw["decay"] = v
            elif name == "unit_costs":
                kw["cost_scale"] = v
            values.append(_npv_per_line(effect=eff, **kw)[1][headline])
        rows.append(
            {
                "parameter": name,
                "low": low,
                "high": high,
                "npv_at_low": values[0],
                "npv_at_high": values[1],
                "swing": abs(values[1] - values[0]),
                "base_npv": base,
            }
        )
    rows.sort(key=lambda r: -float(r["swing"]))
    return tuple(rows)
