"""Statutory notification deadlines for placements into the wards.

- Housing Act 1996 s208: written notice to the receiving authority within 14 days of accommodation being
  made available.
- Care Planning, Placement and Case Review (England) Regulations 2010 reg 13: notify the area authority
  before a looked-after child is placed, or within 5 working days of an emergency placement.
Working days exclude weekends and bank holidays in England and Wales.
"""

from datetime import date, timedelta
from functools import cache

import holidays


class NoticeRule:
    S208_14_DAYS = "s208_14_days"
    LAC_5_WORKING_DAYS = "lac_5_working_days"
    NONE = "none"

    CHOICES = (
        (S208_14_DAYS, "Housing Act 1996 s208: within 14 days"),
        (
            LAC_5_WORKING_DAYS,
            "Looked-after child (reg 13): before placement, or 5 working days in an emergency",
        ),
        (NONE, "No statutory notification"),
    )


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def notification_due_on(rule: str, placed_on: date) -> date | None:
    """The last day on which the receiving authority's notification is on time, or None if no rule applies."""
    if rule == NoticeRule.S208_14_DAYS:
        return placed_on + timedelta(days=14)
    if rule == NoticeRule.LAC_5_WORKING_DAYS:
        return add_working_days(placed_on, 5)
    return None
