"""Area statistics: the two wards' own, and for Kent and 250 synthetic comparator wards a factor model on
the same common shock, so synthetic control has donors to use.

Kent's per-head spend is set so that the wards' population at Kent-average rates costs £11m.
"""

import numpy as np
import pandas as pd

from .benefits import UPRATING, Panel, WardStatistics
from .households import Households
from .world import CALIBRATION_YEAR, KENT, N_MONTHS, START_YEAR, TARGET_WARDS

TARGET_KENT_EQUIVALENT = 11_000_000.0
KENT_POPULATION = 1_400_000
N_COMPARATORS = 250


def shock_loading(hh: Households, panel: Panel, wards: WardStatistics) -> float:
    """How far the wards' claimant rate moves (in points) per unit of the common shock: comparator wards
    load on the same scale, so a weighted set of them can track the wards' path."""
    heads = np.zeros((2, N_MONTHS))
    np.add.at(heads, (hh.ward[panel.household], panel.month), panel.head_present)
    return float(100 * heads.sum() / wards.working_age.sum())


def area_statistics(
    rng: np.random.Generator,
    *,
    source: str,
    wards: WardStatistics,
    gamma: np.ndarray,
    loading: float,
) -> pd.DataFrame:
    """Area statistics in long form: (code, frequency, period index, measure, value, source)."""
    claimants, wap, pop, spend = wards.claimants, wards.working_age, wards.population, wards.spend
    kent_per_head_2009 = TARGET_KENT_EQUIVALENT / wards.population_2009
    rows: list[tuple[str, str, int, str, float]] = []  # code, frequency, index, measure, value

    def monthly(code: str, measure: str, values: np.ndarray) -> None:
        rows.extend((code, "month", m, measure, float(v)) for m, v in enumerate(values))

    def yearly(code: str, measure: str, values: np.ndarray) -> None:
        rows.extend((code, "year", y, measure, float(v)) for y, v in enumerate(values))

    years = N_MONTHS // 12
    for w, code in enumerate(TARGET_WARDS):
        monthly(code, "out_of_work_claimants", claimants[w])
        monthly(code, "working_age_population", wap[w])
        monthly(code, "out_of_work_rate", np.round(100 * claimants[w] / np.maximum(wap[w], 1), 3))
        yearly(code, "population", pop[w].reshape(years, 12)[:, 5])
        yearly(code, "benefit_spend", np.round(spend[w], 2))

    shock_pp = loading * gamma
    year_shock = gamma.reshape(years, 12).mean(1)
    growth = (1 + UPRATING) ** (np.arange(years) + START_YEAR - CALIBRATION_YEAR)

    def comparator(code: str, mu: float, lam: float, population: float) -> None:
        wap_c = np.round(population * 0.63 * (1 + 0.002 * np.arange(N_MONTHS) / 12))
        expected = np.clip(mu + lam * shock_pp, 0.2, 95)
        # Sampling noise of a count of claimants among this many working-age residents.
        noise = 100 * np.sqrt(expected / 100 * (1 - expected / 100) / wap_c)
        rate = np.clip(expected + rng.normal(0, 1, N_MONTHS) * noise, 0.2, 95)
        monthly(code, "out_of_work_rate", np.round(rate, 3))
        monthly(code, "working_age_population", wap_c)
        monthly(code, "out_of_work_claimants", np.round(rate / 100 * wap_c))
        pop_y = np.round(population * (1 + 0.004 * np.arange(years)))
        yearly(code, "population", pop_y)
        per_head = kent_per_head_2009 * (mu / 9.0) ** 0.9 * growth * (1 + 4 * (year_shock - year_shock[3]))
        yearly(code, "benefit_spend", np.round(per_head * pop_y, 2))

    comparator(KENT, 9.0, 0.45, KENT_POPULATION)
    mus = np.concatenate([rng.uniform(3, 16, N_COMPARATORS - 30), rng.uniform(20, 42, 30)])
    lams = np.concatenate([rng.uniform(0.15, 0.7, N_COMPARATORS - 30), rng.uniform(0.6, 1.5, 30)])
    for j in range(N_COMPARATORS):
        comparator(f"E059{j + 1:05d}", float(mus[j]), float(lams[j]), float(rng.integers(3000, 9500)))
    frame = pd.DataFrame(rows, columns=["code", "frequency", "index", "measure", "value"])
    frame["source"] = source
    return frame
