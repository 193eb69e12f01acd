"""Green Book social cost-benefit appraisal of an impact on a rate: costs against benefits by who pays and
who gains, additionality, persistence, NPSV, BCR, switching value, payback year and a Monte Carlo interval.

The effect is read as already measured against a counterfactual (a synthetic control or a comparison
group), so deadweight is already netted out of it: applying deadweight again would count it twice, and is
refused. Benefit payments are transfers: they appear in who-gains but never in social value, NPSV or BCR.
Optimism bias is an uplift on costs (Green Book 2022, chapter 5, optimism bias; generic values in the
supplementary guidance), not a cut to benefits. Each default parameter below names its source and where.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .constants import Z95
from .errors import AnalysisError
from .results import ResultMixin
from .savings import discount_factors, persistence_profile

# Default appraisal parameters, each with its source and where in it. "Checked" means the figure was read
# against the source's table; the others are the source's stated levels as this module applies them, to be
# confirmed against the document before an appraisal is published (docs/analysis.md, "Appraisal defaults").
OPTIMISM_BIAS = (
    0.41,
    "HM Treasury (2003) Supplementary Green Book Guidance: Optimism Bias, Table 1, from Mott MacDonald (2002) "
    "Review of Large Public Procurement in the UK, Table 2: upper bound for outsourcing projects, measured on "
    "operating expenditure (lower bound 0%); the programme's costs are operating costs (staff, office), the "
    "only operating-expenditure category the guidance gives. An upper-bound starting value, to be reduced "
    "only with evidence that the risks behind it are managed (Green Book 2022, chapter 5, optimism bias). "
    "Checked.",
)
DISPLACEMENT = (
    0.25,
    "HCA Additionality Guide, 4th edition (2014), section 4.3 Displacement (from p. 28), ready reckoner "
    "level 'low' (25%): some jobs the participants take would otherwise have gone to other local claimants",
)
LEAKAGE = (
    0.10,
    "HCA Additionality Guide, 4th edition (2014), section 4.2 Leakage (from p. 22), ready reckoner level "
    "'low' (10%): a few of the benefits go to people outside the target wards",
)
SUBSTITUTION = (
    0.0,
    "HCA Additionality Guide, 4th edition (2014), section 4.4 Substitution (from p. 31): the guide gives no "
    "ready reckoner; none assumed because the task force pays no wage or hiring subsidy an employer could "
    "substitute for; warned as a zero",
)
PERSISTENCE = (
    1,
    0.5,
    "An assumption, not a published default: the effect held in full for one year, then halving each year "
    "(drop-off 50%). HCA Additionality Guide, 4th edition (2014), section 2.6 Persistence of outputs and "
    "outcomes (p. 13), asks for persistence to be stated and evidenced; the demo has no follow-up beyond "
    "the post-period to estimate it, so the sensitivity table and the Monte Carlo vary it (half to twice)",
)
ZERO_REASONS = {
    "displacement": "no displacement of other local jobseekers",
    "leakage": "no benefit going outside the target wards",
    "substitution": "no employer substituting a subsidised hire for another",
}


@dataclass(frozen=True)
class BenefitLine:
    """Value per case per year avoided (a claimant off out-of-work benefit), to one payer."""

    name: str
    amount: float
    payer: str  # e.g. "DWP", "council", "NHS", "police"
    level: str  # "central" or "local"
    social: bool  # False for a transfer (benefit payments), True for a resource saving or output gained
    source: str


@dataclass(frozen=True)
class Estimate:
    """One method's estimate of the effect with the interval it reported. The Monte Carlo draws from that
    interval, not from a normal approximation around a standard error: a synthetic-control or synthetic-DiD
    interval inverts its placebo test and is wider (and may be lopsided) where the placebo SE is not."""

    method: str
    estimate: float
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None

    @property
    def spreads(self) -> tuple[float, float] | None:
        """The SDs below and above the estimate that put the interval's ends at -/+ 1.96 SD (a split normal),
        from the interval when it is finite and contains the estimate, else the SE on both sides."""
        low, high = self.ci_low, self.ci_high
        if (
            low is not None
            and high is not None
            and np.isfinite(low)
            and np.isfinite(high)
            and low <= self.estimate <= high
        ):
            return (self.estimate - low) / Z95, (high - self.estimate) / Z95
        if self.se is not None and np.isfinite(self.se):
            return self.se, self.se
        return None

    @property
    def basis(self) -> str:
        low, high = self.ci_low, self.ci_high
        if low is not None and high is not None and np.isfinite(low) and np.isfinite(high):
            return "its reported 95% interval"
        return "its standard error" if self.se is not None else "no uncertainty"

    def draw(self, rng: np.random.Generator) -> float:
        spreads = self.spreads or (0.0, 0.0)
        z = float(rng.standard_normal())
        return self.estimate + z * (spreads[1] if z > 0 else spreads[0])


def as_estimate(value: Estimate | tuple[Any, ...]) -> Estimate:
    """An `Estimate`, from itself or from (method, estimate, se) or (method, estimate, se, ci_low, ci_high)."""
    if isinstance(value, Estimate):
        return value
    method, estimate, se, *interval = value
    low, high = ([*interval, None, None])[:2]
    return Estimate(str(method), float(estimate), se, low, high)


@dataclass(frozen=True)
class CostLine:
    """A programme cost in one year (year 0 is the first), before the optimism-bias uplift."""

    name: str
    amount: float
    year: int
    source: str


@dataclass(frozen=True)
class Appraisal(ResultMixin):
    label: str
    effect: float
    unit: str
    cases_per_year: float
    pv_costs: float
    pv_social_benefits: float
    npsv: float
    bcr: float | None
    switching_effect: float | None
    payback_year: int | None
    npsv_interval: tuple[float, float] | None
    bcr_interval: tuple[float, float] | None
    probability_npsv_positive: float | None
    benefits: tuple[dict[str, Any], ...]
    by_payer: tuple[dict[str, Any], ...]
    costs: tuple[dict[str, Any], ...]
    years: tuple[dict[str, Any], ...]
    assumptions: dict[str, Any]
    inference: str
    note: str
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _flows(
    effect: float,
    population: float,
    lines: Sequence[BenefitLine],
    profile: np.ndarray,
    net: float,
) -> np.ndarray:
    """Yearly value of each benefit line: lines x years."""
    cases = -effect / 100 * population * net
    return np.array([[line.amount * cases * p for p in profile] for line in lines])


def appraise(
    *,
    effect: float,
    population: float,
    benefits: Sequence[BenefitLine],
    costs: Sequence[CostLine],
    effect_se: float | None = None,
    effect_interval: tuple[float, float] | None = None,
    other_estimates: Sequence[Estimate | tuple[Any, ...]] = (),
    deadweight: float = 0.0,
    displacement: float = DISPLACEMENT[0],
    leakage: float = LEAKAGE[0],
    substitution: float = SUBSTITUTION[0],
    optimism_bias: float = OPTIMISM_BIAS[0],
    horizon_years: int = 10,
    persistence_years: int = PERSISTENCE[0],
    decay: float = PERSISTENCE[1],
    draws: int = 2000,
    seed: int = 0,
    price_base_year: int | None = None,
) -> Appraisal:
    """Appraise an effect in percentage points of a rate over ``population`` (negative = fewer cases).

    ``effect_interval`` is the 95% interval the effect's own analysis reported (for synthetic control and
    synthetic DiD, the interval that inverts the placebo test); the Monte Carlo draws the effect from it (a
    split normal with its ends at the 2.5th and 97.5th percentiles), falling back on ``effect_se``.
    ``other_estimates`` are the same outcome by other methods (`Estimate`, or (method, estimate, se[, ci_low,
    ci_high])); each draw takes a method at random, so the interval carries their disagreement too.
    """
    if deadweight:
        raise AnalysisError(
            "deadweight: the effect is measured against a counterfactual, which already nets out what would "
            "have happened anyway; applying deadweight again counts it twice"
        )
    for name, share in (("displacement", displacement), ("leakage", leakage), ("substitution", substitution)):
        if not 0 <= share < 1:
            raise AnalysisError(f"{name} must be a share in [0, 1); got {share}")
    if not 0 <= optimism_bias <= 2:
        raise AnalysisError("optimism_bias is an uplift on costs between 0 and 2 (0% to 200%)")
    if population <= 0 or not np.isfinite(effect):
        raise AnalysisError("population must be positive and effect finite")
    if not benefits or not costs:
        raise AnalysisError("give at least one benefit line and one cost line")
    for line in benefits:
        if line.level not in ("central", "local") or not line.source:
            raise AnalysisError(f"benefit {line.name!r}: level must be central or local, with a source")
    if any(c.year < 0 or c.year >= horizon_years or c.amount < 0 for c in costs):
        raise AnalysisError("costs must be non-negative and fall within the horizon")
    warnings = [
        f"{name} is zero: the appraisal assumes {ZERO_REASONS[name]}; say why, or set it"
        for name, share in (
            ("displacement", displacement),
            ("leakage", leakage),
            ("substitution", substitution),
        )
        if share == 0
    ]
    if optimism_bias == 0:
        warnings.append("optimism bias is zero: costs are taken as certain; the Green Book expects an uplift")
    net = (1 - displacement) * (1 - leakage) * (1 - substitution)
    factors = discount_factors(horizon_years)
    profile = persistence_profile(horizon_years, persistence_years, decay)
    social = np.array([line.social for line in benefits])
    cost_flow = np.zeros(horizon_years)
    for c in costs:
        cost_flow[c.year] += c.amount * (1 + optimism_bias)
    pv_costs = float(cost_flow @ factors)
    flows = _flows(effect, population, benefits, profile, net)
    pv_lines = flows @ factors
    pv_social = float(pv_lines[social].sum())
    npsv = pv_social - pv_costs
    # NPSV is linear in the effect, so it crosses zero at one effect.
    per_point = float(_flows(-1.0, population, benefits, profile, net)[social].sum(axis=0) @ factors)
    switching = -pv_costs / per_point if per_point > 0 else None
    cumulative = np.cumsum((flows[social].sum(axis=0) - cost_flow) * factors)
    # Payback is the year from which the cumulative discounted net stays non-negative to the horizon.
    short = np.nonzero(cumulative < 0)[0]
    payback = 0 if short.size == 0 else int(short[-1]) + 1 if short[-1] + 1 < horizon_years else None

    low, high = effect_interval if effect_interval is not None else (None, None)
    estimates = [Estimate("plan", effect, effect_se, low, high)] + [as_estimate(o) for o in other_estimates]
    mc = None
    if estimates[0].spreads is not None:
        mc = _monte_carlo(
            estimates=estimates,
            population=population,
            benefits=benefits,
            social=social,
            cost_flow=cost_flow / (1 + optimism_bias),
            shares=(displacement, leakage, substitution),
            optimism_bias=optimism_bias,
            horizon=horizon_years,
            persistence_years=persistence_years,
            decay=decay,
            draws=draws,
            seed=seed,
        )
    else:
        warnings.append("no interval or standard error for the effect: point values only, no interval")
    if other_estimates:
        spread = [e.estimate for e in estimates]
        warnings.append(
            f"the methods estimate between {min(spread):+.3g} and {max(spread):+.3g} points; the interval draws "
            "from each method in turn"
        )
    by_payer: dict[tuple[str, str], dict[str, float]] = {}
    for line, pv in zip(benefits, pv_lines, strict=True):
        row = by_payer.setdefault((line.payer, line.level), {"transfers": 0.0, "social_value": 0.0})
        row["social_value" if line.social else "transfers"] += float(pv)
    return Appraisal(
        label="Green Book social cost-benefit appraisal of the plan's headline effect",
        effect=effect,
        unit="percentage points",
        cases_per_year=-effect / 100 * population * net,
        pv_costs=pv_costs,
        pv_social_benefits=pv_social,
        npsv=npsv,
        bcr=pv_social / pv_costs if pv_costs > 0 else None,
        switching_effect=switching,
        payback_year=payback,
        npsv_interval=mc["npsv"] if mc else None,
        bcr_interval=mc["bcr"] if mc else None,
        probability_npsv_positive=mc["positive"] if mc else None,
        benefits=tuple(
            {
                "name": line.name,
                "payer": line.payer,
                "level": line.level,
                "kind": "social value" if line.social else "transfer",
                "amount_per_case_year": line.amount,
                "pv": float(pv),
                "source": line.source,
            }
            for line, pv in zip(benefits, pv_lines, strict=True)
        ),
        by_payer=tuple({"payer": p, "level": lv, **v} for (p, lv), v in sorted(by_payer.items())),
        costs=tuple(
            {
                "name": c.name,
                "year": c.year,
                "amount": c.amount,
                "uplifted": c.amount * (1 + optimism_bias),
                "source": c.source,
            }
            for c in costs
        ),
        years=tuple(
            {
                "year": y,
                "discount_factor": float(factors[y]),
                "persistence": float(profile[y]),
                "social_benefit": float(flows[social, y].sum()),
                "cost": float(cost_flow[y]),
                "cumulative_discounted_net": float(cumulative[y]),
            }
            for y in range(horizon_years)
        ),
        assumptions={
            "deadweight": {"value": 0.0, "source": "netted out by the counterfactual estimate"},
            "displacement": {"value": displacement, "default": DISPLACEMENT[0], "source": DISPLACEMENT[1]},
            "leakage": {"value": leakage, "default": LEAKAGE[0], "source": LEAKAGE[1]},
            "substitution": {"value": substitution, "default": SUBSTITUTION[0], "source": SUBSTITUTION[1]},
            "optimism_bias_uplift_on_costs": {
                "value": optimism_bias,
                "default": OPTIMISM_BIAS[0],
                "source": OPTIMISM_BIAS[1],
            },
            "persistence": {"full_years": persistence_years, "decay": decay, "source": PERSISTENCE[2]},
            "horizon_years": horizon_years,
            "population": population,
            "price_base_year": price_base_year,
            "discounting": "Green Book: 3.5% real years 0-30, then 3.0%; year 0 undiscounted",
        },
        inference=(
            f"95% interval from {draws} Monte Carlo draws (seed {seed}): a method drawn at random from those "
            "given, then the effect from that method's own reported 95% interval (a split normal with the "
            "interval's ends at its 2.5th and 97.5th percentiles; the standard error where no interval was "
            f"reported; the headline's from {estimates[0].basis}), displacement, leakage and "
            "substitution +-0.1, optimism bias from 0 to twice its value, benefit values x0.8-1.2 and "
            "persistence from half to twice its years"
            if mc
            else "point values only"
        ),
        note=(
            "NPSV and BCR count social value only (resource savings and output); benefit payments are "
            "transfers, shown by payer but not counted. Central and local government are kept apart."
        ),
        warnings=tuple(warnings),
    )


def _monte_carlo(
    *,
    estimates: Sequence[Estimate],
    population: float,
    benefits: Sequence[BenefitLine],
    social: np.ndarray,
    cost_flow: np.ndarray,
    shares: tuple[float, float, float],
    optimism_bias: float,
    horizon: int,
    persistence_years: int,
    decay: float,
    draws: int,
    seed: int,
) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    factors = discount_factors(horizon)
    value = float(sum(line.amount for line, s in zip(benefits, social, strict=True) if s))
    npsv, bcr = np.empty(draws), np.empty(draws)
    for i in range(draws):
        effect = estimates[int(rng.integers(len(estimates)))].draw(rng)
        net = np.prod([1 - float(np.clip(s + rng.uniform(-0.1, 0.1), 0, 0.95)) for s in shares])
        years = max(1, round(persistence_years * rng.uniform(0.5, 2.0)))
        profile = persistence_profile(horizon, years, decay)
        benefit = -effect / 100 * population * net * value * rng.uniform(0.8, 1.2) * float(profile @ factors)
        cost = float(cost_flow @ factors) * (1 + rng.uniform(0, 2 * optimism_bias))
        npsv[i], bcr[i] = benefit - cost, benefit / cost if cost > 0 else np.nan
    return {
        "npsv": (float(np.percentile(npsv, 2.5)), float(np.percentile(npsv, 97.5))),
        "bcr": (float(np.nanpercentile(bcr, 2.5)), float(np.nanpercentile(bcr, 97.5))),
        "positive": float((npsv > 0).mean()),
    }
