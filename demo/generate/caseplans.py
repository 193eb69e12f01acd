"""Plainly synthetic case work for the demo: whole-family assessments, case plans with goals, actions and
reviews, sustained-outcome checks, reasons for closing, and case notes, for the households the task force
worked with (those with a key worker).

Pure numpy/pandas, drawn from its own random generator so the rest of the world is unchanged. Every text
says it is synthetic. Dates follow the world's: the work starts when the household's first intervention
does and stops when the case closes or the world ends (December 2015).
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .world import N_MONTHS, month_end

WORLD_END = month_end(N_MONTHS - 1)
REVIEW_DAYS = 91
OUTCOMES = (
    "education",
    "early-years",
    "health",
    "substance-use",
    "family-relationships",
    "children-safe",
    "crime",
    "domestic-abuse",
    "secure-housing",
    "financial-stability",
)
# The agency that usually owns the work towards each outcome (codes of the partner agencies).
OWNER = {
    "education": "kcc",
    "early-years": "kcc",
    "health": "nhs",
    "substance-use": "nhs",
    "family-relationships": "vcs",
    "children-safe": "kcc",
    "crime": "police",
    "domestic-abuse": "police",
    "secure-housing": "tdc",
    "financial-stability": "jcp",
}
CLOSURE_REASONS = ("outcomes_achieved", "stepped_down", "moved_away", "declined", "stepped_up")
CLOSURE_WEIGHTS = (0.45, 0.2, 0.2, 0.1, 0.05)
NOTE_KINDS = ("visit", "call", "meeting", "letter")
NOTE_TEXTS = {
    "visit": "Synthetic demo note: home visit; talked through the plan with the family.",
    "call": "Synthetic demo note: phone call to check on progress since the last visit.",
    "meeting": "Synthetic demo note: team around the family meeting with partner agencies.",
    "letter": "Synthetic demo note: letter confirming the next appointment.",
}


@dataclass(frozen=True)
class CasePlans:
    assessments: pd.DataFrame  # household, assessed_on, needs (tuple of outcome codes), assessor, agency
    plans: pd.DataFrame  # household, agreed_on, next_review_on, status, closed_on, lead_agency (code)
    goals: pd.DataFrame  # plan (row), outcome, review_on, status, achieved_on
    reviews: pd.DataFrame  # plan (row), reviewed_on, next_review_on
    checks: pd.DataFrame  # goal (row), months, checked_on, sustained
    notes: pd.DataFrame  # household, contact_on, kind, author, agency, sensitive
    closures: pd.DataFrame  # household, reason


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def case_plans(rng: np.random.Generator, cases: pd.DataFrame) -> CasePlans:
    """`cases`: one row per household worked with: household, start, closed_on (or None), worker, agency."""
    assessments: list[dict] = []
    plans: list[dict] = []
    goals: list[dict] = []
    reviews: list[dict] = []
    checks: list[dict] = []
    notes: list[dict] = []
    closures: list[dict] = []
    for row in cases.itertuples(index=False):
        end = row.closed_on or WORLD_END
        assessed = row.start
        agreed = assessed + timedelta(days=int(rng.integers(3, 15)))
        if agreed > end:
            continue
        needs = tuple(sorted(rng.choice(len(OUTCOMES), size=int(rng.integers(1, 4)), replace=False)))
        codes = tuple(OUTCOMES[i] for i in needs)
        assessments.append(
            {
                "household": row.household,
                "assessed_on": assessed,
                "needs": codes,
                "assessor": row.worker,
                "agency": row.agency,
            }
        )
        closed = row.closed_on is not None
        reason = str(rng.choice(CLOSURE_REASONS, p=CLOSURE_WEIGHTS)) if closed else ""
        plan = len(plans)
        next_review = agreed + timedelta(days=REVIEW_DAYS)
        while next_review <= end:
            following = next_review + timedelta(days=REVIEW_DAYS)
            reviews.append({"plan": plan, "reviewed_on": next_review, "next_review_on": following})
            next_review = following
        plans.append(
            {
                "household": row.household,
                "agreed_on": agreed,
                "next_review_on": next_review,
                "status": "closed" if closed else "open",
                "closed_on": row.closed_on,
                "lead_agency": row.agency,
            }
        )
        for code in codes:
            achieved = (closed and reason == "outcomes_achieved") or rng.random() < 0.3
            achieved_on = agreed + timedelta(days=int(rng.integers(30, max(31, (end - agreed).days + 1))))
            achieved = achieved and achieved_on <= end
            goals.append(
                {
                    "plan": plan,
                    "outcome": code,
                    "review_on": agreed + timedelta(days=REVIEW_DAYS),
                    "status": "achieved" if achieved else ("not_achieved" if closed else "open"),
                    "achieved_on": achieved_on if achieved else None,
                }
            )
            if achieved and closed:
                for months in (6, 12):
                    checked = _add_months(end, months)
                    if checked <= WORLD_END:
                        checks.append(
                            {
                                "goal": len(goals) - 1,
                                "months": months,
                                "checked_on": checked,
                                "sustained": bool(rng.random() < 0.8),
                            }
                        )
        if closed:
            closures.append({"household": row.household, "reason": reason})
        for _ in range(int(rng.integers(1, 5))):
            span = max(1, (end - assessed).days)
            kind = str(rng.choice(NOTE_KINDS, p=(0.4, 0.3, 0.2, 0.1)))
            notes.append(
                {
                    "household": row.household,
                    "contact_on": assessed + timedelta(days=int(rng.integers(0, span))),
                    "kind": kind,
                    "author": row.worker,
                    "agency": row.agency,
                    "sensitive": bool(rng.random() < 0.1),
                }
            )
    return CasePlans(
        *(pd.DataFrame(rows) for rows in (assessments, plans, goals, reviews, checks, notes, closures))
    )
