"""The task force's casework: which households it works with from when, the partner agencies'
interventions and referrals, and each case's basis for sharing data."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from .households import Households
from .world import N_MONTHS, TASK_FORCE_START, month_start

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
OUTCOMES_POSITIVE = ("entered_work", "training", "tenancy_sustained", "debt_resolved", "health_improved")


@dataclass(frozen=True)
class Treatment:
    treated: np.ndarray  # by household row
    start: np.ndarray  # month of the first intervention; -1 if never treated


def draw_treatment(rng: np.random.Generator, hh: Households) -> Treatment:
    """More dependent households are likelier to be worked with; those present in 2010-09 start over the
    following months, later arrivals sooner after they arrive."""
    present_at_start = (hh.first_m <= TASK_FORCE_START) & (hh.last_m >= TASK_FORCE_START)
    eligible = hh.last_m >= TASK_FORCE_START
    treat_p = np.clip(0.25 + 0.6 * hh.alpha, 0, 0.85)
    treated = eligible & (rng.random(hh.n) < treat_p)
    delay = rng.geometric(np.where(present_at_start, 1 / 10, 1 / 5))
    start = np.where(present_at_start, TASK_FORCE_START, np.maximum(hh.first_m, TASK_FORCE_START)) + delay - 1
    treated &= start <= np.minimum(hh.last_m, N_MONTHS - 7)
    return Treatment(treated=treated, start=np.where(treated, start, -1))


def intervention_rows(rng: np.random.Generator, treatment: Treatment) -> list[dict[str, Any]]:
    """Each treated household gets one to three interventions, the first at its treatment start."""
    iv_rows: list[dict[str, Any]] = []
    effective = [s for s in range(len(SERVICES)) if SERVICES[s][3]]
    for i in np.flatnonzero(treatment.treated):
        start_m = int(treatment.start[i])
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
    return iv_rows


def referral_table(rng: np.random.Generator, iv_rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A referral between two partner agencies for every other intervention."""
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
    return pd.DataFrame(ref_rows)


def sharing_table(rng: np.random.Generator, households: pd.DataFrame) -> pd.DataFrame:
    """The data-sharing basis for every case: mostly consent, some expiring or withdrawn."""
    n_hh = len(households)
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
    return pd.DataFrame(
        {
            "household": np.arange(n_hh),
            "basis": bases,
            "starts_on": [max(d, date(2005, 1, 1)) for d in households["opened_on"]],
            "expires_on": expires,
            "withdrawn_on": withdrawn,
            "all_partners": rng.random(n_hh) < 0.85,
        }
    )
