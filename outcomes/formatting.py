"""How a figure reads, the one place: pounds with the sign before the symbol ("-£15,383,511", short form
"-£15.4m"), counts of years and other units with their plural, percentages. The pages, the evidence pack
(page, CSV and PDF) and `manage.py analyse` all format through here."""

import math
from typing import Any

MISSING = "not available"


def missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def money(value: Any, *, short: bool = False) -> str:
    """'-£15,383,511', or with `short` '-£15.4m' / '£820k' / '£950'. The sign always comes before the £."""
    if missing(value):
        return MISSING
    amount = float(value)
    size = abs(amount)
    if short and size >= 999_500_000:
        text = f"£{size / 1e9:,.1f}bn"
    elif short and size >= 999_500:
        text = f"£{size / 1e6:,.1f}m"
    elif short and size >= 10_000:
        text = f"£{size / 1e3:,.0f}k"
    else:
        text = f"£{size:,.0f}"
    return f"-{text}" if round(amount) < 0 or (short and amount < 0 and text != "£0") else text


def plural(n: Any, singular: str, many: str | None = None) -> str:
    """'1 year', '10 years', '2.5 years'."""
    if missing(n):
        return MISSING
    value = float(n)
    shown = f"{value:,.0f}" if value == round(value) else f"{value:,.1f}"
    word = singular if shown == "1" else (many or f"{singular}s")
    return f"{shown} {word}"


def years(n: Any) -> str:
    return plural(n, "year")


def share(value: Any, places: int = 0) -> str:
    """A share (0.25) as a percentage ('25%')."""
    if missing(value):
        return MISSING
    return f"{float(value) * 100:,.{places}f}%"
