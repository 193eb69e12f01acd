"""Licensing in the demo's present: two designations and recent licences, so the housing officer's work
queue and the public register have rows whatever day the demo is loaded.

The rest of the demo world ends in 2015; these tables are dated from `today` (the day of loading) and drawn
from their own generator, so they change no other table. Pure numpy/pandas, like the rest of the package.
"""

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from taskforce.org.dates import years_after

from .world import TARGET_WARDS

CLIFTONVILLE_WEST = TARGET_WARDS[0]
CONDITIONS = (
    "Keep smoke alarms working on every storey; give the council the gas safety certificate each year; "
    "provide tenants with a written statement of the terms of occupation. "
    "(Housing Act 2004 Sch 4; synthetic demo conditions.)"
)


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def designation_table(today: date) -> pd.DataFrame:
    """An additional HMO designation over both wards from two years ago, a selective one over Cliftonville
    West from a year ago; each five years less a day."""
    rows = []
    for name, scheme, wards, began in (
        ("Margate additional HMO licensing (demo)", "additional", list(TARGET_WARDS), 2),
        ("Cliftonville West selective licensing (demo)", "selective", [CLIFTONVILLE_WEST], 1),
    ):
        starts = _first_of_month(years_after(today, -began))
        rows.append(
            {
                "name": name,
                "scheme": scheme,
                "wards": wards,
                "starts_on": starts,
                "ends_on": years_after(starts, 5) - timedelta(days=1),
                "description": "Synthetic designation for the demo (Housing Act 2004 s56 / s80).",
            }
        )
    return pd.DataFrame(rows)


def licence_table(properties: pd.DataFrame, *, today: date, seed: int) -> pd.DataFrame:
    """Licences for HMOs (additional) and for privately rented homes in Cliftonville West (selective):
    most in force (a tenth of them expiring within 90 days), some revoked, some expired, a few pending or
    refused, and the rest unlicensed. `properties` is the demo's property table (uprn, tenure, ward index,
    is_hmo, landlord)."""
    rng = np.random.default_rng(seed + 2004)
    uprns, landlords = properties["uprn"].to_numpy(), properties["landlord"].to_numpy()
    hmo = properties["is_hmo"].to_numpy()
    selective = (properties["tenure"].to_numpy() == "private") & (properties["ward"].to_numpy() == 0) & ~hmo
    rows: list[dict[str, Any]] = []
    for i in np.flatnonzero(hmo | selective):
        draw = rng.random()
        scheme = "additional" if hmo[i] else "selective"
        if draw < 0.08:
            kind, start = "expiring", today - timedelta(days=5 * 365 - int(rng.integers(10, 85)))
        elif draw < 0.58:
            kind, start = "in_force", today - timedelta(days=int(rng.integers(30, 1400)))
        elif draw < 0.66:
            kind, start = "revoked", today - timedelta(days=int(rng.integers(400, 1200)))
        elif draw < 0.74:
            kind, start = "expired", today - timedelta(days=int(rng.integers(5 * 365 + 30, 7 * 365)))
        elif draw < 0.78:
            kind, start = "pending", today + timedelta(days=int(rng.integers(14, 60)))
        elif draw < 0.80:
            kind, start = "refused", today - timedelta(days=int(rng.integers(30, 300)))
        else:
            continue  # unlicensed: it stays in the work queue
        expires = years_after(start, 5) - timedelta(days=1)
        occupiers = int(rng.integers(3, 9)) if hmo[i] else int(rng.integers(2, 7))
        rows.append(
            {
                "uprn": int(uprns[i]),
                "scheme": scheme,
                "number": f"DEMO-{scheme[:3].upper()}-{len(rows) + 1:05d}",
                "holder": str(landlords[i]) or "Demo Lettings 1 Ltd",
                "manager": f"Demo Managing Agents {int(rng.integers(1, 12))}" if rng.random() < 0.4 else "",
                "starts_on": start,
                "expires_on": expires,
                "max_occupiers": occupiers,
                "max_households": int(rng.integers(2, occupiers + 1)) if hmo[i] else 1,
                "conditions": CONDITIONS,
                "decision": {"pending": "pending", "refused": "refused"}.get(kind, "granted"),
                "revoked_on": today - timedelta(days=int(rng.integers(20, 300)))
                if kind == "revoked"
                else None,
            }
        )
    return pd.DataFrame(rows)


def recent_enforcement(properties: pd.DataFrame, *, today: date, seed: int) -> pd.DataFrame:
    """A handful of notices served this year on privately rented homes: most past their compliance date,
    some appealed."""
    rng = np.random.default_rng(seed + 2005)
    uprns = properties["uprn"].to_numpy()
    private = np.flatnonzero(properties["tenure"].to_numpy() == "private")
    chosen = rng.choice(private, min(12, len(private)), replace=False)
    rows = []
    for n, i in enumerate(chosen):
        served = today - timedelta(days=int(rng.integers(40, 150)))
        kind = "improvement_notice" if n % 3 else "prohibition_order"
        rows.append(
            {
                "uprn": int(uprns[i]),
                "type": kind,
                "served_on": served,
                "comply_by": served + timedelta(days=int(rng.integers(28, 35))),
                "status": "appealed" if n % 4 == 0 else "served",
            }
        )
    return pd.DataFrame(rows)
