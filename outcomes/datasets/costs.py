"""The programme's costs by year: recorded programme costs and the costs recorded on interventions."""

from datetime import date

import pandas as pd
from django.db.models import Sum
from django.db.models.functions import Coalesce, ExtractYear

from interventions.models import Intervention

from ..models import ProgrammeCost

COLUMNS = ["name", "kind", "year", "amount", "payer", "level", "price_year", "source"]


def programme_costs(*, start: date) -> pd.DataFrame:
    """One row per cost and programme year (0 is the year of `start`), in pounds of its `price_year` before
    optimism bias."""
    rows = [
        (name, kind, year, float(amount), payer, level, price_year, source)
        for name, kind, year, amount, payer, level, price_year, source in ProgrammeCost.objects.values_list(
            *COLUMNS
        )
    ]
    by_year = (
        Intervention.objects.annotate(on=ExtractYear(Coalesce("started_on", "referred_on")))
        .values("on")
        .annotate(total=Sum("cost"))
        .order_by("on")
    )
    for row in by_year:
        if row["total"]:
            rows.append(
                (
                    f"Interventions recorded in {row['on']}",
                    "intervention",
                    max(0, row["on"] - start.year),
                    float(row["total"]),
                    "the delivering agencies",
                    "local",
                    row["on"],  # cash recorded in a year is in that year's prices
                    "Intervention costs recorded in this system",
                )
            )
    return pd.DataFrame(rows, columns=COLUMNS)
