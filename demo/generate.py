"""A deterministic, plainly synthetic Margate: households, people, homes, placements, interventions,
benefit records and area statistics, 2006-01 to 2015-12, with planted effects for estimators to recover.

Pure numpy/pandas: `generate()` returns tables keyed by local row numbers; `load.py` writes them.

How the world is built (see docs/demo-data.md):
- Households occupy "slots" of fixed tenure and ward. When a household leaves, a new one arrives the next
  month, so the wards' tenure mix is stationary while the people in them turn over (transience).
- A household is dependent in a month (a member receives an out-of-work benefit) with probability
  alpha_i + gamma_t + effect * treated_it: household propensity, a common time shock (the 2008-09
  recession, seasonality) and, once a co-located task-force intervention starts (from 2010-09), the planted
  effect. The same shock drives the comparator wards and Kent, so synthetic control has donors to use.
- Amounts are scaled so that the wards' 2009 benefits bill is the source papers' £48m, and Kent's per-head
  spend is set so the same population at Kent-average rates costs £11m (a gap of £37m).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

START_YEAR = 2006
N_MONTHS = 120  # 2006-01 .. 2015-12
TASK_FORCE_START = 56  # 2010-09
CALIBRATION_YEAR = 2009
TARGET_BILL = 48_000_000.0
TARGET_KENT_EQUIVALENT = 11_000_000.0
KENT_POPULATION = 1_400_000
N_COMPARATORS = 250

TARGET_WARDS = ("E05005088", "E05005093")  # Cliftonville West, Margate Central
WARD_SHARE = (0.56, 0.44)
KENT = "E10000016"

TENURES = ("private", "social", "owner", "temporary", "supported")
SLOT_SHARE = np.array([0.40, 0.22, 0.26, 0.07, 0.05])
EXIT_RATE = np.array([0.009, 0.0025, 0.002, 0.02, 0.01])  # a month
MOVE_RATE = np.array([0.018, 0.004, 0.002, 0.03, 0.01])  # internal moves a month
ALPHA_BASE = np.array([0.40, 0.50, 0.10, 0.66, 0.62])
COUPLE_SHARE = np.array([0.35, 0.40, 0.60, 0.30, 0.10])
CHILDREN_MEAN = np.array([0.6, 1.0, 0.5, 1.2, 0.1])
PLACED_SHARE = np.array([0.08, 0.03, 0.0, 0.65, 0.50])
HMO_SHARE_OF_PRIVATE = 0.35

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

PLACING_AUTHORITIES = (
    *(f"Demo London Borough {c}" for c in "ABCDEFGH"),
    *(f"Demo Kent District {c}" for c in "ABCD"),
    "Demo County Council Children's Services",
)

SERVICES = (
    # agency code, category code, name, affects dependency
    ("jcp", "employment", "Co-located work coach", True),
    ("jcp", "employment", "Work Programme referral", True),
    ("tdc", "housing", "Housing options", True),
    ("tdc", "housing", "Private sector housing", False),
    ("kcc", "family-support", "Family intervention project", True),
    ("kcc", "education", "Adult learning", True),
    ("nhs", "mental-health", "Community mental health team", True),
    ("nhs", "substance-misuse", "Drug and alcohol service", True),
    ("police", "community-safety", "Neighbourhood policing team", False),
    ("fire", "community-safety", "Home safety visit", False),
    ("probation", "other", "Offender management", True),
    ("vcs", "debt-benefits", "Debt and benefits advice", True),
)

GIVEN = [
    "Alex",
    "Sam",
    "Jordan",
    "Casey",
    "Taylor",
    "Morgan",
    "Jamie",
    "Charlie",
    "Robin",
    "Drew",
    "Avery",
    "Riley",
    "Quinn",
    "Rowan",
    "Sky",
    "Jules",
    "Ellis",
    "Frankie",
    "Harley",
    "Kit",
    "Lee",
    "Max",
    "Noel",
    "Reese",
    "Sasha",
    "Toby",
    "Val",
    "Wren",
    "Aiden",
    "Bea",
    "Cleo",
    "Dara",
    "Eden",
    "Finn",
    "Gale",
    "Hana",
    "Ivo",
]
FAMILY = [
    "Example",
    "Sample",
    "Demo",
    "Testwell",
    "Placeholder",
    "Fictive",
    "Mockford",
    "Dummett",
    "Synthe",
    "Notreal",
    "Madeup",
    "Specimen",
    "Pattern",
    "Modelson",
    "Trialby",
    "Proxy",
    "Standin",
    "Surrogate",
    "Lookalike",
    "Templeton",
    "Draftley",
    "Sketcher",
    "Outline",
    "Figment",
    "Pretend",
]
STREETS = (
    "Demo Parade",
    "Sample Terrace",
    "Example Road",
    "Synthetic Street",
    "Model Crescent",
    "Fictional Avenue",
    "Specimen Square",
    "Pattern Place",
    "Placeholder Gardens",
    "Mock Lane",
    "Trial Close",
    "Template Row",
)
OUTCOMES_POSITIVE = ("entered_work", "training", "tenancy_sustained", "debt_resolved", "health_improved")


@dataclass
class DemoData:
    tables: dict[str, pd.DataFrame]
    truths: dict[str, Any]
    staff: list[dict[str, Any]] = field(default_factory=list)

    def row_count(self) -> int:
        return sum(len(t) for t in self.tables.values())


def month_start(m: int) -> date:
    return date(START_YEAR + m // 12, m % 12 + 1, 1)


def _month_end(m: int) -> date:
    return month_start(m + 1) - timedelta(days=1)


def _day_in_month(m: np.ndarray, rng: np.random.Generator) -> list[date]:
    """A random day in each month index (months may be negative: before 2006)."""
    days = rng.integers(0, 28, size=len(m))
    return [month_start(int(mi)) + timedelta(days=int(d)) for mi, d in zip(m, days, strict=True)]


def common_shock(months: np.ndarray) -> np.ndarray:
    """The shared time shock (probability units): the 2008-09 recession, seasonality and a slow drift."""
    t = months.astype(float)
    recession = np.exp(-0.5 * ((t - 44) / 12.0) ** 2)  # peaks 2009-09
    season = np.cos(2 * np.pi * (t % 12) / 12)  # higher in winter
    return 0.05 * recession + 0.008 * season - 0.0002 * t


def _valid_ninos(n: int, rng: np.random.Generator) -> list[str]:
    first = np.array(list("ABCEGHJKLMNOPRSTWXYZ"))
    second = np.array(list("ABCEGHJKLMNPRSTWXYZ"))
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        k = n - len(out)
        a = rng.choice(first, k)
        b = rng.choice(second, k)
        num = rng.integers(0, 1_000_000, k)
        suf = rng.choice(np.array(list("ABCD")), k)
        for x, y, z, s in zip(a, b, num, suf, strict=True):
            prefix = f"{x}{y}"
            if prefix in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
                continue
            nino = f"{prefix}{z:06d}{s}"
            if nino not in seen:
                seen.add(nino)
                out.append(nino)
    return out


def _postcode(ward: int, rng: np.random.Generator) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    district = "CT9 1" if ward == 1 else "CT9 2"
    return f"{district}{letters[rng.integers(len(letters))]}{letters[rng.integers(len(letters))]}"


def generate(*, seed: int = 2010, households: int = 6000, effect: float = -0.10) -> DemoData:
    """Build the demo world with `households` living in the wards at any one time (more cases over ten years)."""
    rng = np.random.default_rng(seed)
    months = np.arange(N_MONTHS)
    gamma = common_shock(months)

    # Slots: a slot is a home-tenure position in a ward, held by one household after another.
    n_slots = max(20, households)
    slot_tenure = rng.choice(len(TENURES), size=n_slots, p=SLOT_SHARE)
    slot_ward = rng.choice(2, size=n_slots, p=WARD_SHARE)

    hh_slot, hh_arrive, hh_depart = [], [], []
    for s in range(n_slots):
        k = slot_tenure[s]
        arrives = -int(rng.integers(1, 72))  # already there in 2006: arrived up to six years before
        while arrives < N_MONTHS:
            spell = int(rng.geometric(EXIT_RATE[k]))
            departs = arrives + spell - 1  # last month present
            if departs >= 0:  # gone before 2006: never seen
                hh_slot.append(s)
                hh_arrive.append(arrives)
                hh_depart.append(departs if departs < N_MONTHS else N_MONTHS + 10_000)
            arrives = departs + 1
    slot = np.array(hh_slot)
    arrive = np.array(hh_arrive)
    depart = np.array(hh_depart)
    n_hh = len(slot)
    tenure = slot_tenure[slot]
    ward = slot_ward[slot]
    closed = depart < N_MONTHS
    first_m = np.maximum(arrive, 0)
    last_m = np.minimum(depart, N_MONTHS - 1)

    placed = rng.random(n_hh) < PLACED_SHARE[tenure]
    alpha = np.clip(ALPHA_BASE[tenure] + 0.08 * placed + rng.normal(0, 0.12, n_hh), 0.02, 0.92)

    # Properties: HMOs shared by several households; other homes drawn from a pool per tenure and ward.
    is_hmo_hh = (tenure == 0) & (rng.random(n_hh) < HMO_SHARE_OF_PRIVATE)
    prop_rows: list[tuple[int, int, bool]] = []  # (tenure, ward, is_hmo)
    pools: dict[tuple[int, int, bool], np.ndarray] = {}
    for k in range(len(TENURES)):
        for w in (0, 1):
            for hmo in (False, True):
                if hmo and k != 0:
                    continue
                slots_here = int(np.sum((slot_tenure == k) & (slot_ward == w)))
                share = HMO_SHARE_OF_PRIVATE if hmo else (1 - HMO_SHARE_OF_PRIVATE if k == 0 else 1.0)
                size = max(2, int(slots_here * share * (0.35 if hmo else 1.5)))
                start = len(prop_rows)
                prop_rows.extend([(k, w, hmo)] * size)
                pools[(k, w, hmo)] = np.arange(start, start + size)
    n_props = len(prop_rows)
    prop_tenure = np.array([r[0] for r in prop_rows])
    prop_ward = np.array([r[1] for r in prop_rows])
    prop_hmo = np.array([r[2] for r in prop_rows])

    # Residences: the first home, then internal moves within the wards.
    res_hh, res_prop, res_in, res_out = [], [], [], []
    opened_on = _day_in_month(arrive, rng)
    closed_on = [(_month_end(int(d)) if c else None) for d, c in zip(depart, closed, strict=True)]
    for i in range(n_hh):
        pool = pools[(int(tenure[i]), int(ward[i]), bool(is_hmo_hh[i]))]
        span = int(last_m[i] - first_m[i] + 1)
        n_moves = min(int(rng.poisson(MOVE_RATE[tenure[i]] * span)), max(0, span - 1))
        move_months: np.ndarray | list[int] = (
            np.sort(rng.choice(np.arange(first_m[i] + 1, last_m[i] + 1), n_moves, replace=False))
            if n_moves
            else []
        )
        starts = [opened_on[i]] + [
            month_start(int(m)) + timedelta(days=int(rng.integers(0, 28))) for m in move_months
        ]
        for j, moved_in in enumerate(starts):
            res_hh.append(i)
            res_prop.append(int(rng.choice(pool)))
            res_in.append(moved_in)
            res_out.append(starts[j + 1] if j + 1 < len(starts) else closed_on[i])

    # People and membership.
    couple = rng.random(n_hh) < np.where(is_hmo_hh, 0.05, COUPLE_SHARE[tenure])
    n_children = np.minimum(rng.poisson(np.where(is_hmo_hh, 0.05, CHILDREN_MEAN[tenure])), 4)
    # Ages are drawn at arrival, so each year's newcomers look alike and the wards' age mix stays steady.
    head_age = np.where(tenure == 2, rng.integers(28, 82, n_hh), rng.integers(19, 62, n_hh))
    p_hh, p_rel, p_dob, p_join, p_left, p_sex = [], [], [], [], [], []
    for i in range(n_hh):
        join = opened_on[i]
        base = date(join.year - int(head_age[i]), 1, 1)
        members = [("head", base + timedelta(days=int(rng.integers(0, 365))))]
        if couple[i]:
            members.append(("partner", base + timedelta(days=int(rng.integers(-1500, 1500)))))
        for _ in range(int(n_children[i])):
            age = int(rng.integers(0, 17))
            members.append(("child", date(join.year - age, 1, 1) + timedelta(days=int(rng.integers(0, 365)))))
        for rel, dob in members:
            p_hh.append(i)
            p_rel.append(rel)
            p_dob.append(dob)
            p_join.append(max(join, dob))
            left = closed_on[i]
            if rel == "partner" and rng.random() < 0.12 and last_m[i] > first_m[i]:
                left = _month_end(int(rng.integers(first_m[i], last_m[i] + 1)))
            p_left.append(left if left is None or left >= max(join, dob) else max(join, dob))
            p_sex.append("F" if rng.random() < 0.5 else "M")
        if head_age[i] < 40 and rng.random() < 0.08 and last_m[i] > first_m[i] + 1:
            born = month_start(int(rng.integers(first_m[i] + 1, last_m[i] + 1))) + timedelta(
                days=int(rng.integers(0, 27))
            )
            p_hh.append(i)
            p_rel.append("child")
            p_dob.append(born)
            p_join.append(born)
            p_left.append(closed_on[i])
            p_sex.append("F" if rng.random() < 0.5 else "M")
    p_hh_a = np.array(p_hh)
    n_people = len(p_hh_a)
    adult = np.array([r != "child" for r in p_rel])
    given = rng.choice(GIVEN, n_people)
    family_by_hh = rng.choice(FAMILY, n_hh)
    family = family_by_hh[p_hh_a]
    nino = np.full(n_people, None, dtype=object)
    with_nino = np.flatnonzero(adult & (rng.random(n_people) < 0.85))
    nino[with_nino] = _valid_ninos(len(with_nino), rng)

    # Month presence of each person: in the household, born, not yet left.
    def month_index(d: date | None, default: int) -> int:
        return default if d is None else (d.year - START_YEAR) * 12 + d.month - 1

    p_first = np.array([month_index(d, 0) for d in p_join])
    p_last = np.array([month_index(d, N_MONTHS + 10_000) for d in p_left])
    p_dob_m = np.array([month_index(d, 0) for d in p_dob])

    # Task-force interventions and their planted effect on dependency.
    present_at_start = (first_m <= TASK_FORCE_START) & (last_m >= TASK_FORCE_START)
    eligible = last_m >= TASK_FORCE_START
    treat_p = np.clip(0.25 + 0.6 * alpha, 0, 0.85)
    treated = eligible & (rng.random(n_hh) < treat_p)
    delay = rng.geometric(np.where(present_at_start, 1 / 10, 1 / 5))
    treat_start = (
        np.where(present_at_start, TASK_FORCE_START, np.maximum(first_m, TASK_FORCE_START)) + delay - 1
    )
    treated &= treat_start <= np.minimum(last_m, N_MONTHS - 7)
    treat_start = np.where(treated, treat_start, -1)

    # Household-month panel of dependency.
    hm_hh = np.repeat(np.arange(n_hh), last_m - first_m + 1)
    hm_m = np.concatenate([np.arange(a, b + 1) for a, b in zip(first_m, last_m, strict=True)])
    post = treated[hm_hh] & (hm_m >= treat_start[hm_hh])
    p_cf = np.clip(alpha[hm_hh] + gamma[hm_m], 0.01, 0.99)
    p_act = np.clip(alpha[hm_hh] + gamma[hm_m] + effect * post, 0.01, 0.99)
    dependent = rng.random(len(hm_hh)) < p_act

    # Benefit records.
    uprate = (1 + UPRATING) ** (START_YEAR + hm_m // 12 - CALIBRATION_YEAR)
    lone_parent = (~couple) & (n_children > 0)
    oow_kind = np.where(lone_parent, "is", np.where(alpha > 0.6, "esa", "jsa")).astype(object)
    head_of = {}
    for idx in range(n_people):
        if p_rel[idx] == "head":
            head_of[p_hh[idx]] = idx
    head = np.array([head_of[i] for i in range(n_hh)])
    renter = tenure != 2
    hb_u = rng.random(n_hh)
    hb_amount_hh = np.where(is_hmo_hh, HB_HMO_AMOUNT, HB_AMOUNT[tenure])

    recs_person: list[np.ndarray] = []
    recs_month: list[np.ndarray] = []
    recs_code: list[np.ndarray] = []
    recs_amount: list[np.ndarray] = []

    def add(person: np.ndarray, month: np.ndarray, code: np.ndarray | str, amount: np.ndarray) -> None:
        recs_person.append(person)
        recs_month.append(month)
        recs_code.append(np.broadcast_to(np.asarray(code, dtype=object), person.shape).copy())
        recs_amount.append(amount)

    head_present = (hm_m >= p_first[head[hm_hh]]) & (hm_m <= p_last[head[hm_hh]])
    dep_rows = np.flatnonzero(dependent & head_present)
    kind = oow_kind[hm_hh[dep_rows]].copy()
    kind[(kind == "esa") & (hm_m[dep_rows] < 33)] = "ib"  # ESA replaced IB for new claims from 2008-10
    kind[(kind == "jsa") & (arrive[hm_hh[dep_rows]] >= 108)] = "uc-sfw"  # new claims from 2015
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
    child_idx = np.flatnonzero(~adult)
    for c in child_idx:
        i = p_hh[c]
        lo, hi = max(p_first[c], first_m[i]), min(p_last[c], last_m[i])
        if lo <= hi:
            offset = np.searchsorted(hm_hh, i)
            kids_now[offset + lo - first_m[i] : offset + hi - first_m[i] + 1] += 1
    rows = np.flatnonzero((kids_now > 0) & head_present)
    add(
        head[hm_hh[rows]], hm_m[rows], "other", (OTHER_BASE + OTHER_PER_CHILD * kids_now[rows]) * uprate[rows]
    )
    for code, share, amount_2009 in (("pip-dla", 0.10, PIP_AMOUNT), ("carers", 0.04, CARERS_AMOUNT)):
        people = np.flatnonzero(adult & (rng.random(n_people) < share))
        for claimant in people:
            lo, hi = max(p_first[claimant], 0), min(p_last[claimant], N_MONTHS - 1)
            if lo <= hi:
                m = np.arange(lo, hi + 1)
                add(
                    np.full(len(m), claimant),
                    m,
                    code,
                    amount_2009 * (1 + UPRATING) ** (START_YEAR + m // 12 - CALIBRATION_YEAR),
                )

    r_person = np.concatenate(recs_person)
    r_month = np.concatenate(recs_month)
    r_code = np.concatenate(recs_code)
    r_amount = np.concatenate(recs_amount)

    # Calibrate: the wards' 2009 bill is £48m.
    in_2009 = (r_month // 12 + START_YEAR) == CALIBRATION_YEAR
    scale = TARGET_BILL / float(r_amount[in_2009].sum())
    r_amount = np.round(r_amount * scale, 2)

    # Ward statistics from the records themselves.
    r_ward = ward[p_hh_a[r_person]]
    oow_codes = set(OUT_OF_WORK_AMOUNT)
    is_oow = np.isin(r_code, list(oow_codes))
    wap = np.zeros((2, N_MONTHS))
    pop = np.zeros((2, N_MONTHS))
    for person in range(n_people):
        lo, hi = max(p_first[person], 0), min(p_last[person], N_MONTHS - 1)
        if lo > hi:
            continue
        m = np.arange(lo, hi + 1)
        age = (m - p_dob_m[person]) // 12
        w = ward[p_hh[person]]
        np.add.at(pop[w], m, 1)
        np.add.at(wap[w], m[(age >= 16) & (age <= 64)], 1)
    claimants = np.zeros((2, N_MONTHS))
    np.add.at(claimants, (r_ward[is_oow], r_month[is_oow]), 1)
    spend = np.zeros((2, N_MONTHS // 12))
    np.add.at(spend, (r_ward, r_month // 12), r_amount)

    # Planted truths: expected claimants with and without the intervention.
    hm_ward = ward[hm_hh]
    exp_act = np.zeros((2, N_MONTHS))
    exp_cf = np.zeros((2, N_MONTHS))
    np.add.at(exp_act, (hm_ward, hm_m), p_act * head_present)
    np.add.at(exp_cf, (hm_ward, hm_m), p_cf * head_present)
    # How far the wards' claimant rate moves (in points) per unit of the common shock: comparator wards
    # load on the same scale, so a weighted set of them can track the wards' path.
    heads = np.zeros((2, N_MONTHS))
    np.add.at(heads, (hm_ward, hm_m), head_present)
    loading = float(100 * heads.sum() / wap.sum())
    post_m = slice(TASK_FORCE_START, N_MONTHS)
    rate_effect_by_ward = (100 * (exp_act - exp_cf) / np.maximum(wap, 1))[:, post_m].mean(axis=1)
    rate_effect_combined = float((100 * (exp_act - exp_cf).sum(0) / wap.sum(0))[post_m].mean())
    oow_mean_amount = float(np.mean(list(OUT_OF_WORK_AMOUNT.values())))
    hb_gain = np.where(renter[hm_hh], (HB_IF_DEPENDENT - HB_IF_NOT) * (hb_amount_hh[hm_hh] + CTR_AMOUNT), 0.0)
    pound_effect = (p_act - p_cf) * (oow_mean_amount + hb_gain) * uprate * scale
    mid_year = 5  # June
    pop_2009 = float(pop[:, (CALIBRATION_YEAR - START_YEAR) * 12 + mid_year].sum())
    kent_per_head_2009 = TARGET_KENT_EQUIVALENT / pop_2009
    truths: dict[str, Any] = {
        "seed": seed,
        "start": "2010-09",
        "household_effect_dependent": float((p_act - p_cf)[post].mean()),
        "household_effect_dependent_nominal": effect,
        "household_effect_benefit_monthly": float(pound_effect[post].mean()),
        "area_effect_out_of_work_rate": {TARGET_WARDS[w]: float(rate_effect_by_ward[w]) for w in (0, 1)},
        "area_effect_out_of_work_rate_combined": rate_effect_combined,
        "bill_2009": float(spend[:, CALIBRATION_YEAR - START_YEAR].sum()),
        "population_2009": pop_2009,
        "kent_equivalent_2009": TARGET_KENT_EQUIVALENT,
        "gap_2009": float(spend[:, CALIBRATION_YEAR - START_YEAR].sum()) - TARGET_KENT_EQUIVALENT,
        "households": int(n_hh),
        "treated_households": int(treated.sum()),
        "placed_households": int(placed.sum()),
        "calibration_scale": scale,
        "notes": (
            "Dependency is drawn each month with probability alpha_i + gamma_t + effect once a household's "
            "first task-force intervention starts; area effects are expected claimants with minus without "
            "the effect, over working-age population, averaged over 2010-09 to 2015-12."
        ),
    }

    tables = _tables(
        rng=rng,
        seed=seed,
        n_hh=n_hh,
        tenure=tenure,
        ward=ward,
        placed=placed,
        opened_on=opened_on,
        closed_on=closed_on,
        closed=closed,
        arrive=arrive,
        first_m=first_m,
        last_m=last_m,
        n_props=n_props,
        prop_tenure=prop_tenure,
        prop_ward=prop_ward,
        prop_hmo=prop_hmo,
        res=(res_hh, res_prop, res_in, res_out),
        people=(p_hh, p_rel, p_dob, p_join, p_left, p_sex, given, family, nino),
        treated=treated,
        treat_start=treat_start,
        records=(r_person, r_month, r_code, r_amount),
        ward_stats=(claimants, wap, pop, spend),
        loading=loading,
        gamma=gamma,
        kent_per_head_2009=kent_per_head_2009,
    )
    return DemoData(tables=tables, truths=truths)


def _tables(*, rng: np.random.Generator, seed: int, **k: Any) -> dict[str, pd.DataFrame]:
    n_hh = k["n_hh"]
    tenure_names = np.array(TENURES)
    source = f"Synthetic demo data (seed {seed}): not real figures"

    properties = pd.DataFrame(
        {
            "tenure": tenure_names[k["prop_tenure"]],
            "ward": k["prop_ward"],
            "is_hmo": k["prop_hmo"],
        }
    )
    properties["uprn"] = 900_000_000_000 + seed * 100_000 + np.arange(len(properties))
    numbers = rng.integers(1, 240, len(properties))
    streets = rng.choice(len(STREETS), len(properties))
    properties["address_line_1"] = [f"{n} {STREETS[s]}" for n, s in zip(numbers, streets, strict=True)]
    properties["address_line_2"] = np.where(properties["is_hmo"], "Rooms (HMO)", "")
    properties["postcode"] = [_postcode(int(w), rng) for w in properties["ward"]]
    properties["landlord"] = np.where(
        properties["tenure"].isin(["private", "temporary", "supported"]),
        [f"Demo Lettings {i % 90 + 1} Ltd" for i in range(len(properties))],
        np.where(properties["tenure"] == "social", "Demo Housing Association", ""),
    )

    households = pd.DataFrame(
        {
            "case_reference": [f"MTF-{i + 1:06d}" for i in range(n_hh)],
            "ward": k["ward"],
            "tenure": tenure_names[k["tenure"]],
            "opened_on": k["opened_on"],
            "closed_on": k["closed_on"],
            "status": np.where(k["closed"], "closed", "open"),
            "placed": k["placed"],
            "treated": k["treated"],
            "treat_start": k["treat_start"],
        }
    )

    res_hh, res_prop, res_in, res_out = k["res"]
    residences = pd.DataFrame(
        {"household": res_hh, "property": res_prop, "moved_in": res_in, "moved_out": res_out}
    )

    p_hh, p_rel, p_dob, p_join, p_left, p_sex, given, family, nino = k["people"]
    people = pd.DataFrame(
        {
            "household": p_hh,
            "relationship": p_rel,
            "date_of_birth": p_dob,
            "joined_on": p_join,
            "left_on": p_left,
            "sex": p_sex,
            "given_name": given,
            "family_name": family,
            "nino": nino,
        }
    )

    # Placements: one for each placed household, by a demo placing authority.
    placed_idx = np.flatnonzero(k["placed"])
    type_by_tenure = {
        "temporary": (["ta-s188", "ta-s193"], [0.5, 0.5]),
        "private": (["prso", "other"], [0.8, 0.2]),
        "supported": (["lac", "care-leaver", "cas3", "supported", "asylum"], [0.15, 0.2, 0.3, 0.25, 0.1]),
        "social": (["other"], [1.0]),
        "owner": (["other"], [1.0]),
    }
    basis_by_type = {
        "ta-s188": "ha_s188",
        "ta-s193": "ha_s193",
        "prso": "ha_s193_7aa",
        "lac": "ca_s20",
        "care-leaver": "ca_s23c",
        "cas3": "cja_s13",
        "asylum": "iaa_s95",
        "supported": "other",
        "other": "other",
    }
    p_types, p_auth, p_on, p_notice, p_end, p_prop = [], [], [], [], [], []
    first_home = residences.groupby("household")["property"].first()
    for i in placed_idx:
        codes, weights = type_by_tenure[households.at[i, "tenure"]]
        code = str(rng.choice(codes, p=weights))
        placed_on: date = households.at[i, "opened_on"]
        p_types.append(code)
        p_auth.append(
            int(rng.integers(0, len(PLACING_AUTHORITIES) - 1))
            if code != "lac"
            else len(PLACING_AUTHORITIES) - 1
        )
        p_on.append(placed_on)
        p_end.append(households.at[i, "closed_on"])
        p_prop.append(int(first_home[i]))
        u = rng.random()
        if code in {"ta-s188", "ta-s193", "prso"}:
            notice = (
                placed_on + timedelta(days=int(rng.integers(0, 15)))
                if u < 0.6
                else (placed_on + timedelta(days=int(rng.integers(15, 120))) if u < 0.85 else None)
            )
        elif code == "lac":
            notice = (
                placed_on - timedelta(days=int(rng.integers(0, 10)))
                if u < 0.7
                else (placed_on + timedelta(days=int(rng.integers(8, 60))) if u < 0.9 else None)
            )
        else:
            notice = placed_on + timedelta(days=int(rng.integers(0, 60))) if u < 0.5 else None
        p_notice.append(notice)
    placements = pd.DataFrame(
        {
            "household": placed_idx,
            "type": p_types,
            "authority": p_auth,
            "placed_on": p_on,
            "ended_on": p_end,
            "property": p_prop,
            "notification_received_on": p_notice,
            "legal_basis": [basis_by_type[t] for t in p_types],
        }
    )

    # Interventions: each treated household gets one to three, the first at its treatment start.
    iv_rows: list[dict[str, Any]] = []
    effective = [s for s in range(len(SERVICES)) if SERVICES[s][3]]
    for i in np.flatnonzero(k["treated"]):
        start_m = int(k["treat_start"][i])
        for j in range(int(rng.integers(1, 4))):
            m = start_m + (0 if j == 0 else int(rng.integers(1, 18)))
            if m >= N_MONTHS:
                continue
            started = month_start(m) + timedelta(days=int(rng.integers(0, 27)))
            referred = started - timedelta(days=int(rng.integers(0, 21)))
            length = int(rng.integers(60, 330))
            ended = started + timedelta(days=length)
            ongoing = ended > date(2015, 12, 31)
            status = "active" if ongoing else ("withdrawn" if rng.random() < 0.12 else "completed")
            outcome = "" if status != "completed" else str(rng.choice([*OUTCOMES_POSITIVE, "no_change"]))
            iv_rows.append(
                {
                    "household": i,
                    "service": int(rng.choice(effective)) if j == 0 else int(rng.integers(len(SERVICES))),
                    "referred_on": referred,
                    "started_on": started,
                    "ended_on": None if ongoing else ended,
                    "status": status,
                    "outcome": outcome,
                    "cost": float(round(rng.uniform(250, 3500), 2)),
                }
            )
    interventions = pd.DataFrame(iv_rows)

    agencies = [s[0] for s in SERVICES]
    ref_rows = []
    for row in iv_rows[::2]:
        frm, to = rng.choice(sorted(set(agencies)), 2, replace=False)
        sent = row["referred_on"] - timedelta(days=int(rng.integers(0, 30)))
        status = str(rng.choice(["accepted", "declined", "completed", "sent"], p=[0.45, 0.1, 0.35, 0.1]))
        ref_rows.append(
            {
                "household": row["household"],
                "from": str(frm),
                "to": str(to),
                "sent_on": sent,
                "status": status,
                "responded_on": None if status == "sent" else sent + timedelta(days=int(rng.integers(1, 20))),
                "reason": "Co-located task force case review",
            }
        )
    referrals = pd.DataFrame(ref_rows)

    # Data-sharing basis for every case.
    bases = rng.choice(
        ["consent", "public_task", "dea_s35", "ca_s17", "ha_s213b"], n_hh, p=[0.55, 0.25, 0.1, 0.05, 0.05]
    )
    u = rng.random(n_hh)
    expires = [
        None
        if (b != "consent" or uu < 0.8)
        else (date(2026, 1, 1) + timedelta(days=int(rng.integers(-400, 700))))
        for b, uu in zip(bases, u, strict=True)
    ]
    withdrawn = [
        date(2016, 3, 1) + timedelta(days=int(rng.integers(0, 3000))) if uu > 0.97 else None for uu in u
    ]
    sharing = pd.DataFrame(
        {
            "household": np.arange(n_hh),
            "basis": bases,
            "starts_on": [max(d, date(2005, 1, 1)) for d in households["opened_on"]],
            "expires_on": expires,
            "withdrawn_on": withdrawn,
            "all_partners": rng.random(n_hh) < 0.85,
        }
    )

    # HMO licences, inspections, hazards and enforcement on private rented homes.
    lic_rows: list[dict[str, Any]] = []
    insp_rows: list[dict[str, Any]] = []
    find_rows: list[dict[str, Any]] = []
    enf_rows: list[dict[str, Any]] = []
    for p in np.flatnonzero(properties["is_hmo"].to_numpy()):
        if rng.random() < 0.62:
            start = date(2006, 7, 1) + timedelta(days=int(rng.integers(0, 1500)))
            while start < date(2016, 1, 1):
                occupiers = int(rng.integers(5, 12))
                lic_rows.append(
                    {
                        "property": p,
                        "number": f"DEMO-HMO-{len(lic_rows) + 1:05d}",
                        "starts_on": start,
                        "expires_on": start + timedelta(days=5 * 365 - 2),
                        "max_occupiers": occupiers,
                        "max_households": int(rng.integers(2, min(occupiers, 7) + 1)),
                        "holder": properties.at[p, "landlord"],
                    }
                )
                start = start + timedelta(days=5 * 365 - 1)
    private_like = np.flatnonzero(properties["tenure"].isin(["private", "temporary"]).to_numpy())
    hazard_scores = np.round(np.exp(rng.normal(6.4, 1.3, 20_000))).astype(int)
    for p in private_like:
        if rng.random() > (0.75 if properties.at[p, "is_hmo"] else 0.4):
            continue
        for _ in range(int(rng.integers(1, 3))):
            on = date(2006, 2, 1) + timedelta(days=int(rng.integers(0, 3550)))
            insp = len(insp_rows)
            insp_rows.append(
                {
                    "property": p,
                    "inspected_on": on,
                    "reason": str(rng.choice(["complaint", "licence", "proactive"], p=[0.5, 0.2, 0.3])),
                }
            )
            for hz in rng.choice(np.arange(1, 30), int(rng.integers(0, 4)), replace=False):
                score = int(hazard_scores[len(find_rows) % len(hazard_scores)])
                remedied = rng.random() < 0.6
                rem_on = on + timedelta(days=int(rng.integers(20, 500))) if remedied else None
                find_rows.append(
                    {
                        "inspection": insp,
                        "hazard": int(hz),
                        "score": score,
                        "status": "remedied" if remedied else "open",
                        "remedied_on": rem_on,
                    }
                )
                if score >= 1000 and rng.random() < 0.6:
                    kind = str(
                        rng.choice(
                            ["improvement_notice", "prohibition_order", "emergency_remedial", "prosecution"],
                            p=[0.7, 0.15, 0.1, 0.05],
                        )
                    )
                    served = on + timedelta(days=int(rng.integers(7, 60)))
                    complied = rem_on if remedied and rem_on and rem_on >= served else None
                    enf_rows.append(
                        {
                            "property": p,
                            "finding": len(find_rows) - 1,
                            "type": kind,
                            "served_on": served,
                            "status": "complied" if complied else "served",
                            "complied_on": complied,
                        }
                    )

    r_person, r_month, r_code, r_amount = k["records"]
    benefits = pd.DataFrame({"person": r_person, "month": r_month, "benefit": r_code, "amount": r_amount})
    # In index order, so the unique (person, month, benefit) index grows at its end while loading.
    benefits = benefits.sort_values(["person", "month", "benefit"], ignore_index=True)

    statistics = _area_statistics(
        rng=rng,
        source=source,
        **{key: k[key] for key in ("ward_stats", "gamma", "kent_per_head_2009", "loading")},
    )

    return {
        "properties": properties,
        "households": households,
        "residences": residences,
        "people": people,
        "placements": placements,
        "interventions": interventions,
        "referrals": referrals,
        "sharing": sharing,
        "licences": pd.DataFrame(lic_rows),
        "inspections": pd.DataFrame(insp_rows),
        "findings": pd.DataFrame(find_rows),
        "enforcement": pd.DataFrame(enf_rows),
        "benefits": benefits,
        "statistics": statistics,
    }


def _area_statistics(
    *,
    rng: np.random.Generator,
    source: str,
    ward_stats: tuple,
    gamma: np.ndarray,
    kent_per_head_2009: float,
    loading: float,
) -> pd.DataFrame:
    """Area statistics in long form: (code, name, frequency, period index, measure, value, source)."""
    claimants, wap, pop, spend = ward_stats
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
