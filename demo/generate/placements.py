"""Placements into the wards by other authorities: one for each placed household, by type with its legal
basis, and when (if ever) the placing authority's notice arrived."""

from datetime import date, timedelta

import numpy as np
import pandas as pd

PLACING_AUTHORITIES = (
    *(f"Demo London Borough {c}" for c in "ABCDEFGH"),
    *(f"Demo Kent District {c}" for c in "ABCD"),
    "Demo County Council Children's Services",
)

TYPE_BY_TENURE = {
    "temporary": (["ta-s188", "ta-s193"], [0.5, 0.5]),
    "private": (["prso", "other"], [0.8, 0.2]),
    "supported": (["lac", "care-leaver", "cas3", "supported", "asylum"], [0.15, 0.2, 0.3, 0.25, 0.1]),
    "social": (["other"], [1.0]),
    "owner": (["other"], [1.0]),
}
BASIS_BY_TYPE = {
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


def placement_table(
    rng: np.random.Generator, *, households: pd.DataFrame, residences: pd.DataFrame
) -> pd.DataFrame:
    """Looked-after children are placed by the county's children's services, the rest by a borough or
    district; s208 notices mostly arrive within 14 days, some late and some never."""
    placed_idx = np.flatnonzero(households["placed"])
    p_types, p_auth, p_on, p_notice, p_end, p_prop = [], [], [], [], [], []
    first_home = residences.groupby("household")["property"].first().to_dict()
    tenure, opened_on, closed_on = (households[c].tolist() for c in ("tenure", "opened_on", "closed_on"))
    for i in placed_idx:
        codes, weights = TYPE_BY_TENURE[tenure[i]]
        code = str(rng.choice(codes, p=weights))
        placed_on: date = opened_on[i]
        p_types.append(code)
        p_auth.append(
            int(rng.integers(0, len(PLACING_AUTHORITIES) - 1))
            if code != "lac"
            else len(PLACING_AUTHORITIES) - 1
        )
        p_on.append(placed_on)
        p_end.append(closed_on[i])
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
    return pd.DataFrame(
        {
            "household": placed_idx,
            "type": p_types,
            "authority": p_auth,
            "placed_on": p_on,
            "ended_on": p_end,
            "property": p_prop,
            "notification_received_on": p_notice,
            "legal_basis": [BASIS_BY_TYPE[t] for t in p_types],
        }
    )
