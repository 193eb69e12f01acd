"""One price base for an appraisal: the GDP deflator (outcomes/reference/gdp_deflator.csv, with its source and
vintage in the file's header) rebases every unit cost and programme cost to the prices of one stated year,
as the Green Book asks (real prices of a stated base year, deflated by the GDP deflator at market prices)."""

from functools import cache
from pathlib import Path

import pandas as pd

DEFLATOR_FILE = Path(__file__).resolve().parent / "reference" / "gdp_deflator.csv"


class PriceYearError(ValueError):
    """A price year the deflator table does not cover."""


@cache
def gdp_deflator() -> dict[int, float]:
    """Year -> index (2024 = 100)."""
    frame = pd.read_csv(DEFLATOR_FILE, comment="#")
    return {int(y): float(v) for y, v in zip(frame["year"], frame["index"], strict=True)}


def deflator_source() -> str:
    """The source and vintage lines of the deflator file, as one sentence."""
    lines = [line[1:].strip() for line in DEFLATOR_FILE.read_text().splitlines() if line.startswith("#")]
    source = next((line for line in lines if line.startswith("Source:")), "")
    vintage = next((line for line in lines if line.startswith("vintage:")), "")
    return f"{source} ({vintage})".replace("Source: ", "")


def rebase(amount: float, *, from_year: int, to_year: int) -> float:
    """`amount` in `from_year` prices expressed in `to_year` prices."""
    table = gdp_deflator()
    missing = sorted({y for y in (from_year, to_year) if y not in table})
    if missing:
        raise PriceYearError(
            f"price year {', '.join(map(str, missing))}: the GDP deflator table covers {min(table)} to "
            f"{max(table)}; add the year to {DEFLATOR_FILE.name} from the HM Treasury release"
        )
    return amount * table[to_year] / table[from_year]
