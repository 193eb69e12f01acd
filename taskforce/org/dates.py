"""Dates a number of years apart, safe for 29 February.

"Six years after 29 February 2020" does not exist as such; it is 28 February 2026 (the last day of that
month, as `dateutil.relativedelta` counts it). Every "n years after" in the product goes through here, so a
case closed on a leap day never makes a page or an export fail.
"""

from datetime import date, timedelta


def years_after(day: date, years: int) -> date:
    """The same day `years` later (or earlier, for a negative number); 29 February becomes 28 February."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return date(year, 2, 28)
    return day.replace(year=year)


def latest_start(on: date, years: int) -> date:
    """The latest day `d` with `years_after(d, years) <= on`: a period of `years` from `d` has run by `on`.

    Lets a query say "closed at least six years ago" as `closed_on <= latest_start(today, 6)` and agree,
    day for day, with `years_after(closed_on, 6)` shown as the date it becomes due.
    """
    start = years_after(on, -years)
    while years_after(start + timedelta(days=1), years) <= on:
        start += timedelta(days=1)
    return start
