"""Dependency and benefits: each household-month's chance of out-of-work dependency, with and without the
task force, the monthly benefit records it leads to, scaled to the wards' 2009 bill, and the wards'
statistics computed from those records.

A household is dependent in a month (a member receives an out-of-work benefit) with probability
alpha_i + gamma_t + effect * treated_it: household propensity, a common time shock (the 2008-09 recession,
seasonality) and, once a co-located task-force intervention starts (from 2010-09), the planted effect.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .casework import Treatment
from .households import Households, People
from .world import CALIBRATION_YEAR, N_MONTHS, START_YEAR

TARGET_BILL = 48_000_000.0

# Monthly amounts in 2009 prices before calibration.
OUT_OF_WORK_AMOUNT = {"jsa": 280.0, "esa": 420.0, "ib": 400.0, "is": 300.0, "uc-sfw": 320.0}
HB_AMOUNT = np.array([480.0, 340.0, 0.0, 760.0, 850.0])
HB_HMO_AMOUNT = 300.0
CTR_AMOUNT = 75.0
PIP_AMOUNT = 320.0
CARERS_AMOUNT = 230.0
OTHER_BASE, OTHER_PER_CHILD = 350.0, 120.0
UPRATING = 0.02

HB_IF_DEPENDENT, HB_IF_NOT = 0.95, 0.35


@dataclass(frozen=True)
class Panel:
    """Household-months in the wards: dependency drawn with the effect, and its chance without it."""

    household: np.ndarray
    month: np.ndarray
    post: np.ndarray  # on or after the household's first intervention
    p_cf: np.ndarray  # chance of dependency without the task force
    p_act: np.ndarray  # and with it
    dependent: np.ndarray
    head_present: np.ndarray  # the head, who receives the household's benefits, lives there that month
    uprate: np.ndarray  # price level relative to 2009


def draw_dependency(
    rng: np.random.Generator,
    hh: Households,
    people: People,
    treatment: Treatment,
    *,
    gamma: np.ndarray,
    effect: float,
) -> Panel:
    hm_hh = np.repeat(np.arange(hh.n), hh.last_m - hh.first_m + 1)
    hm_m = np.concatenate([np.arange(a, b + 1) for a, b in zip(hh.first_m, hh.last_m, strict=True)])
    post = treatment.treated[hm_hh] & (hm_m >= treatment.start[hm_hh])
    p_cf = np.clip(hh.alpha[hm_hh] + gamma[hm_m], 0.01, 0.99)
    p_act = np.clip(hh.alpha[hm_hh] + gamma[hm_m] + effect * post, 0.01, 0.99)
    dependent = rng.random(len(hm_hh)) < p_act
    head = people.head[hm_hh]
    return Panel(
        household=hm_hh,
        month=hm_m,
        post=post,
        p_cf=p_cf,
        p_act=p_act,
        dependent=dependent,
        head_present=(hm_m >= people.first_m[head]) & (hm_m <= people.last_m[head]),
        uprate=(1 + UPRATING) ** (START_YEAR + hm_m // 12 - CALIBRATION_YEAR),
    )


def housing_benefit_amount(hh: Households) -> np.ndarray:
    """Each household's monthly housing benefit in 2009 prices, before calibration."""
    return np.where(hh.is_hmo, HB_HMO_AMOUNT, HB_AMOUNT[hh.tenure])


@dataclass(frozen=True)
class Records:
    """Monthly benefit records, by person row, month index and benefit code; amounts calibrated."""

    person: np.ndarray
    month: np.ndarray
    code: np.ndarray
    amount: np.ndarray
    scale: float  # the calibration to the 2009 bill


def draw_benefit_records(rng: np.random.Generator, hh: Households, people: People, panel: Panel) -> Records:
    """Dependent households' heads receive JSA, ESA (IB before 2008-10), IS for lone parents, or Universal
    Credit for new claims from 2015; renters housing benefit and council tax support; some adults
    disability and carer's benefits; households with children child-related support."""
    hm_hh, hm_m, uprate = panel.household, panel.month, panel.uprate
    dependent, head_present = panel.dependent, panel.head_present
    head = people.head
    lone_parent = (~people.couple) & (people.n_children > 0)
    oow_kind = np.where(lone_parent, "is", np.where(hh.alpha > 0.6, "esa", "jsa")).astype(object)
    renter = hh.tenure != 2
    hb_u = rng.random(hh.n)
    hb_amount_hh = housing_benefit_amount(hh)

    recs_person: list[np.ndarray] = []
    recs_month: list[np.ndarray] = []
    recs_code: list[np.ndarray] = []
    recs_amount: list[np.ndarray] = []

    def add(person: np.ndarray, month: np.ndarray, code: np.ndarray | str, amount: np.ndarray) -> None:
        recs_person.append(person)
        recs_month.append(month)
        recs_code.append(np.broadcast_to(np.asarray(code, dtype=object), person.shape).copy())
        recs_amount.append(amount)

    dep_rows = np.flatnonzero(dependent & head_present)
    kind = oow_kind[hm_hh[dep_rows]].copy()
    kind[(kind == "esa") & (hm_m[dep_rows] < 33)] = "ib"  # ESA replaced IB for new claims from 2008-10
    kind[(kind == "jsa") & (hh.arrive[hm_hh[dep_rows]] >= 108)] = "uc-sfw"  # new claims from 2015
    amount = np.array([OUT_OF_WORK_AMOUNT[k] for k in kind]) * uprate[dep_rows]
    add(head[hm_hh[dep_rows]], hm_m[dep_rows], kind, amount)

    gets_hb = (
        renter[hm_hh]
        & np.where(dependent, hb_u[hm_hh] < HB_IF_DEPENDENT, hb_u[hm_hh] < HB_IF_NOT)
        & head_present
    )
    rows = np.flatnonzero(gets_hb)
    add(head[hm_hh[rows]], hm_m[rows], "hb", hb_amount_hh[hm_hh[rows]] * uprate[rows])
    gets_ctr = (gets_hb | (dependent & ~renter[hm_hh])) & head_present
    rows = np.flatnonzero(gets_ctr)
    add(head[hm_hh[rows]], hm_m[rows], "ctr", CTR_AMOUNT * uprate[rows])
    kids_now = np.zeros(len(hm_hh))
    child_idx = np.flatnonzero(~people.adult)
    for c in child_idx:
        i = people.household[c]
        lo, hi = max(people.first_m[c], hh.first_m[i]), min(people.last_m[c], hh.last_m[i])
        if lo <= hi:
            offset = np.searchsorted(hm_hh, i)
            kids_now[offset + lo - hh.first_m[i] : offset + hi - hh.first_m[i] + 1] += 1
    rows = np.flatnonzero((kids_now > 0) & head_present)
    add(
        head[hm_hh[rows]], hm_m[rows], "other", (OTHER_BASE + OTHER_PER_CHILD * kids_now[rows]) * uprate[rows]
    )
    for code, share, amount_2009 in (("pip-dla", 0.10, PIP_AMOUNT), ("carers", 0.04, CARERS_AMOUNT)):
        claimants = np.flatnonzero(people.adult & (rng.random(people.n) < share))
        for claimant in claimants:
            lo, hi = max(people.first_m[claimant], 0), min(people.last_m[claimant], N_MONTHS - 1)
            if lo <= hi:
                m = np.arange(lo, hi + 1)
                add(
                    np.full(len(m), claimant),
                    m,
                    code,
                    amount_2009 * (1 + UPRATING) ** (START_YEAR + m // 12 - CALIBRATION_YEAR),
                )

    r_month = np.concatenate(recs_month)
    r_amount = np.concatenate(recs_amount)
    # Calibrate: the wards' 2009 bill is £48m.
    in_2009 = (r_month // 12 + START_YEAR) == CALIBRATION_YEAR
    scale = TARGET_BILL / float(r_amount[in_2009].sum())
    return Records(
        person=np.concatenate(recs_person),
        month=r_month,
        code=np.concatenate(recs_code),
        amount=np.round(r_amount * scale, 2),
        scale=scale,
    )


def benefit_table(records: Records) -> pd.DataFrame:
    benefits = pd.DataFrame(
        {"person": records.person, "month": records.month, "benefit": records.code, "amount": records.amount}
    )
    # In index order, so the unique (person, month, benefit) index grows at its end while loading.
    return benefits.sort_values(["person", "month", "benefit"], ignore_index=True)


@dataclass(frozen=True)
class WardStatistics:
    """The two wards' statistics, computed from the people and records themselves, by ward and month
    (spend by ward and year)."""

    claimants: np.ndarray
    working_age: np.ndarray
    population: np.ndarray
    spend: np.ndarray

    @property
    def population_2009(self) -> float:
        mid_year = 5  # June
        return float(self.population[:, (CALIBRATION_YEAR - START_YEAR) * 12 + mid_year].sum())

    @property
    def bill_2009(self) -> float:
        return float(self.spend[:, CALIBRATION_YEAR - START_YEAR].sum())


def ward_statistics(hh: Households, people: People, records: Records) -> WardStatistics:
    r_ward = hh.ward[np.asarray(people.household)[records.person]]
    is_oow = np.isin(records.code, list(OUT_OF_WORK_AMOUNT))
    # Every person-month present within 2006-2015, counted by ward and month.
    lo = np.maximum(people.first_m, 0)
    length = np.maximum(np.minimum(people.last_m, N_MONTHS - 1) - lo + 1, 0)
    person = np.repeat(np.arange(people.n), length)
    m = lo[person] + np.arange(len(person)) - np.repeat(np.cumsum(length) - length, length)
    age = (m - people.dob_m[person]) // 12
    w = hh.ward[np.asarray(people.household)[person]]
    working_age = (age >= 16) & (age <= 64)
    wap = np.zeros((2, N_MONTHS))
    pop = np.zeros((2, N_MONTHS))
    np.add.at(pop, (w, m), 1)
    np.add.at(wap, (w[working_age], m[working_age]), 1)
    claimants = np.zeros((2, N_MONTHS))
    np.add.at(claimants, (r_ward[is_oow], records.month[is_oow]), 1)
    spend = np.zeros((2, N_MONTHS // 12))
    np.add.at(spend, (r_ward, records.month // 12), records.amount)
    return WardStatistics(claimants=claimants, working_age=wap, population=pop, spend=spend)
