"""Statutory periods and licensing thresholds, read from the reference CSVs in households/data/reference/,
each row with its source. Pure: no Django."""

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

REFERENCE = Path(__file__).parent / "data" / "reference"


@dataclass(frozen=True)
class Period:
    action: str
    period: str
    days: int
    counted_from: str
    source: str

    @property
    def label(self) -> str:
        return self.action.replace("_", " ").capitalize()


@cache
def periods() -> dict[tuple[str, str], Period]:
    """Every period by (action, period), for example ("improvement_notice", "appeal")."""
    with (REFERENCE / "enforcement_periods.csv").open(newline="", encoding="utf-8") as f:
        rows = [
            Period(r["action"], r["period"], int(r["days"]), r["counted_from"], r["source"])
            for r in csv.DictReader(f)
        ]
    return {(p.action, p.period): p for p in rows}


@cache
def rules() -> dict[str, int]:
    with (REFERENCE / "licensing_rules.csv").open(newline="", encoding="utf-8") as f:
        return {r["rule"]: int(r["value"]) for r in csv.DictReader(f)}


def rule_source(rule: str) -> str:
    with (REFERENCE / "licensing_rules.csv").open(newline="", encoding="utf-8") as f:
        return next(r["source"] for r in csv.DictReader(f) if r["rule"] == rule)


def appeal_days(action: str) -> int | None:
    """Days allowed to appeal an action of this type, or None where the Act gives no appeal to the council's
    action (a prosecution, a rent repayment order made by the tribunal)."""
    found = periods().get((action, "appeal"))
    return None if found is None else found.days


def appeal_by(action: str, served_on: date) -> date | None:
    """The last day to appeal: a period of N days "beginning with" the day served ends on day N."""
    days = appeal_days(action)
    return None if days is None else served_on + timedelta(days=days - 1)
