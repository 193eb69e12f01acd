"""Homes and private sector housing: properties, the moves between them, HMO licences, inspections,
HHSRS hazards and enforcement."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from .households import HMO_SHARE_OF_PRIVATE, Households
from .world import TENURES, month_start

MOVE_RATE = np.array([0.018, 0.004, 0.002, 0.03, 0.01])  # internal moves a month

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


@dataclass(frozen=True)
class Homes:
    """Properties by row number, and the pool of them each (tenure, ward, is HMO) draws its homes from."""

    tenure: np.ndarray
    ward: np.ndarray
    is_hmo: np.ndarray
    pools: dict[tuple[int, int, bool], np.ndarray]


def plan_homes(hh: Households) -> Homes:
    """HMOs shared by several households; other homes drawn from a pool per tenure and ward."""
    rows: list[tuple[int, int, bool]] = []  # (tenure, ward, is_hmo)
    pools: dict[tuple[int, int, bool], np.ndarray] = {}
    for k in range(len(TENURES)):
        for w in (0, 1):
            for hmo in (False, True):
                if hmo and k != 0:
                    continue
                slots_here = int(np.sum((hh.slot_tenure == k) & (hh.slot_ward == w)))
                share = HMO_SHARE_OF_PRIVATE if hmo else (1 - HMO_SHARE_OF_PRIVATE if k == 0 else 1.0)
                size = max(2, int(slots_here * share * (0.35 if hmo else 1.5)))
                start = len(rows)
                rows.extend([(k, w, hmo)] * size)
                pools[(k, w, hmo)] = np.arange(start, start + size)
    return Homes(
        tenure=np.array([r[0] for r in rows]),
        ward=np.array([r[1] for r in rows]),
        is_hmo=np.array([r[2] for r in rows]),
        pools=pools,
    )


def draw_residences(rng: np.random.Generator, hh: Households, homes: Homes) -> pd.DataFrame:
    """Each household's first home, then its internal moves within the wards."""
    res_hh, res_prop, res_in, res_out = [], [], [], []
    first_m, last_m = hh.first_m, hh.last_m
    for i in range(hh.n):
        pool = homes.pools[(int(hh.tenure[i]), int(hh.ward[i]), bool(hh.is_hmo[i]))]
        span = int(last_m[i] - first_m[i] + 1)
        n_moves = min(int(rng.poisson(MOVE_RATE[hh.tenure[i]] * span)), max(0, span - 1))
        move_months: np.ndarray | list[int] = (
            np.sort(rng.choice(np.arange(first_m[i] + 1, last_m[i] + 1), n_moves, replace=False))
            if n_moves
            else []
        )
        starts = [hh.opened_on[i]] + [
            month_start(int(m)) + timedelta(days=int(rng.integers(0, 28))) for m in move_months
        ]
        for j, moved_in in enumerate(starts):
            res_hh.append(i)
            res_prop.append(int(rng.choice(pool)))
            res_in.append(moved_in)
            res_out.append(starts[j + 1] if j + 1 < len(starts) else hh.closed_on[i])
    return pd.DataFrame({"household": res_hh, "property": res_prop, "moved_in": res_in, "moved_out": res_out})


def _postcode(ward: int, rng: np.random.Generator) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    district = "CT9 1" if ward == 1 else "CT9 2"
    return f"{district}{letters[rng.integers(len(letters))]}{letters[rng.integers(len(letters))]}"


def property_table(rng: np.random.Generator, homes: Homes, *, seed: int) -> pd.DataFrame:
    """Addresses on made-up streets, UPRNs from 900,000,000,000, and demo landlords."""
    properties = pd.DataFrame(
        {
            "tenure": np.array(TENURES)[homes.tenure],
            "ward": homes.ward,
            "is_hmo": homes.is_hmo,
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
    return properties


def private_sector_housing(rng: np.random.Generator, properties: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """HMO licences, inspections, hazards and enforcement on private rented homes."""
    lic_rows: list[dict[str, Any]] = []
    insp_rows: list[dict[str, Any]] = []
    find_rows: list[dict[str, Any]] = []
    enf_rows: list[dict[str, Any]] = []
    landlord, is_hmo = properties["landlord"].tolist(), properties["is_hmo"].tolist()
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
                        "holder": landlord[p],
                    }
                )
                start = start + timedelta(days=5 * 365 - 1)
    private_like = np.flatnonzero(properties["tenure"].isin(["private", "temporary"]).to_numpy())
    hazard_scores = np.round(np.exp(rng.normal(6.4, 1.3, 20_000))).astype(int)
    for p in private_like:
        if rng.random() > (0.75 if is_hmo[p] else 0.4):
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
    return {
        "licences": pd.DataFrame(lic_rows),
        "inspections": pd.DataFrame(insp_rows),
        "findings": pd.DataFrame(find_rows),
        "enforcement": pd.DataFrame(enf_rows),
    }
