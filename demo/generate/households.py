"""Households and the people in them: who arrives in which home slot when, stays how long, and with whom.

Households occupy "slots" of fixed tenure and ward. When a household leaves, a new one arrives the next
month, so the wards' tenure mix is stationary while the people in them turn over (transience).
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .world import N_MONTHS, TENURES, WARD_SHARE, day_in_month, month_end, month_index, month_start

SLOT_SHARE = np.array([0.40, 0.22, 0.26, 0.07, 0.05])
EXIT_RATE = np.array([0.009, 0.0025, 0.002, 0.02, 0.01])  # a month
ALPHA_BASE = np.array([0.40, 0.50, 0.10, 0.66, 0.62])
COUPLE_SHARE = np.array([0.35, 0.40, 0.60, 0.30, 0.10])
CHILDREN_MEAN = np.array([0.6, 1.0, 0.5, 1.2, 0.1])
PLACED_SHARE = np.array([0.08, 0.03, 0.0, 0.65, 0.50])
HMO_SHARE_OF_PRIVATE = 0.35

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


@dataclass(frozen=True)
class Households:
    """Every household case of the ten years, by row number, and the slots they held."""

    slot_tenure: np.ndarray
    slot_ward: np.ndarray
    arrive: np.ndarray  # month index of arrival; negative before 2006
    tenure: np.ndarray
    ward: np.ndarray
    closed: np.ndarray
    first_m: np.ndarray  # first and last month present within 2006-2015
    last_m: np.ndarray
    placed: np.ndarray
    alpha: np.ndarray  # propensity to be dependent on out-of-work benefits
    is_hmo: np.ndarray
    opened_on: list[date]
    closed_on: list[date | None]

    @property
    def n(self) -> int:
        return len(self.tenure)


def draw_households(rng: np.random.Generator, *, households: int) -> Households:
    """Fill the slots, one household after another, over 2006-2015."""
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
    closed = depart < N_MONTHS

    placed = rng.random(n_hh) < PLACED_SHARE[tenure]
    alpha = np.clip(ALPHA_BASE[tenure] + 0.08 * placed + rng.normal(0, 0.12, n_hh), 0.02, 0.92)
    is_hmo = (tenure == 0) & (rng.random(n_hh) < HMO_SHARE_OF_PRIVATE)
    opened_on = day_in_month(arrive, rng)
    closed_on = [(month_end(int(d)) if c else None) for d, c in zip(depart, closed, strict=True)]
    return Households(
        slot_tenure=slot_tenure,
        slot_ward=slot_ward,
        arrive=arrive,
        tenure=tenure,
        ward=slot_ward[slot],
        closed=closed,
        first_m=np.maximum(arrive, 0),
        last_m=np.minimum(depart, N_MONTHS - 1),
        placed=placed,
        alpha=alpha,
        is_hmo=is_hmo,
        opened_on=opened_on,
        closed_on=closed_on,
    )


@dataclass(frozen=True)
class People:
    """Every person, by row number, with the household-level facts that shape their benefits."""

    household: list[int]
    relationship: list[str]
    date_of_birth: list[date]
    joined_on: list[date]
    left_on: list[date | None]
    sex: list[str]
    given: np.ndarray
    family: np.ndarray
    nino: np.ndarray
    adult: np.ndarray
    first_m: np.ndarray  # months present: in the household, born, not yet left
    last_m: np.ndarray
    dob_m: np.ndarray
    head: np.ndarray  # each household's head, by household row
    couple: np.ndarray  # by household row
    n_children: np.ndarray  # at arrival, by household row

    @property
    def n(self) -> int:
        return len(self.household)


def draw_people(rng: np.random.Generator, hh: Households) -> People:
    """Members at arrival (head, perhaps a partner, children); some partners leave, some babies arrive."""
    n_hh = hh.n
    couple = rng.random(n_hh) < np.where(hh.is_hmo, 0.05, COUPLE_SHARE[hh.tenure])
    n_children = np.minimum(rng.poisson(np.where(hh.is_hmo, 0.05, CHILDREN_MEAN[hh.tenure])), 4)
    # Ages are drawn at arrival, so each year's newcomers look alike and the wards' age mix stays steady.
    head_age = np.where(hh.tenure == 2, rng.integers(28, 82, n_hh), rng.integers(19, 62, n_hh))
    first_m, last_m = hh.first_m, hh.last_m
    p_hh, p_rel, p_dob, p_join, p_left, p_sex = [], [], [], [], [], []
    for i in range(n_hh):
        join = hh.opened_on[i]
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
            left = hh.closed_on[i]
            if rel == "partner" and rng.random() < 0.12 and last_m[i] > first_m[i]:
                left = month_end(int(rng.integers(first_m[i], last_m[i] + 1)))
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
            p_left.append(hh.closed_on[i])
            p_sex.append("F" if rng.random() < 0.5 else "M")
    p_hh_a = np.array(p_hh)
    n_people = len(p_hh_a)
    adult = np.array([r != "child" for r in p_rel])
    given = rng.choice(GIVEN, n_people)
    family_by_hh = rng.choice(FAMILY, n_hh)
    nino = np.full(n_people, None, dtype=object)
    with_nino = np.flatnonzero(adult & (rng.random(n_people) < 0.85))
    nino[with_nino] = valid_ninos(len(with_nino), rng)

    head_of = {}
    for idx in range(n_people):
        if p_rel[idx] == "head":
            head_of[p_hh[idx]] = idx
    return People(
        household=p_hh,
        relationship=p_rel,
        date_of_birth=p_dob,
        joined_on=p_join,
        left_on=p_left,
        sex=p_sex,
        given=given,
        family=family_by_hh[p_hh_a],
        nino=nino,
        adult=adult,
        first_m=np.array([month_index(d, 0) for d in p_join]),
        last_m=np.array([month_index(d, N_MONTHS + 10_000) for d in p_left]),
        dob_m=np.array([month_index(d, 0) for d in p_dob]),
        head=np.array([head_of[i] for i in range(n_hh)]),
        couple=couple,
        n_children=n_children,
    )


def valid_ninos(n: int, rng: np.random.Generator) -> list[str]:
    """`n` distinct National Insurance numbers of a valid format (no reserved or unused prefixes)."""
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


def household_table(hh: Households, *, treated: np.ndarray, treat_start: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case_reference": [f"MTF-{i + 1:06d}" for i in range(hh.n)],
            "ward": hh.ward,
            "tenure": np.array(TENURES)[hh.tenure],
            "opened_on": hh.opened_on,
            "closed_on": hh.closed_on,
            "status": np.where(hh.closed, "closed", "open"),
            "placed": hh.placed,
            "treated": treated,
            "treat_start": treat_start,
        }
    )


def people_table(people: People) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "household": people.household,
            "relationship": people.relationship,
            "date_of_birth": people.date_of_birth,
            "joined_on": people.joined_on,
            "left_on": people.left_on,
            "sex": people.sex,
            "given_name": people.given,
            "family_name": people.family,
            "nino": people.nino,
        }
    )
