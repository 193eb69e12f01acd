"""Housing evidence: housing benefit paid into homes with open Category 1 hazards, and into HMOs without a
licence, by year. Descriptive."""

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .errors import AnalysisError
from .results import ResultMixin

COLUMNS = ("period", "household", "property", "amount", "is_hmo", "licensed", "open_category_1")


@dataclass(frozen=True)
class HousingEvidence(ResultMixin):
    by_year: list[dict[str, Any]]
    total_housing_benefit: float
    into_category_1_homes: float
    into_unlicensed_hmos: float
    inference: str
    warnings: tuple[str, ...]


def housing_evidence(frame: pd.DataFrame) -> HousingEvidence:
    """Sum housing benefit by year, split by the condition and licensing of the home it paid for."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise AnalysisError(f"The housing benefit frame has no column {', '.join(repr(c) for c in missing)}.")
    if frame.empty:
        raise AnalysisError("There is no housing benefit to describe.")
    data = frame.assign(
        year=frame["period"].astype(str).str[:4],
        category_1=frame["amount"].where(frame["open_category_1"].astype(bool), 0.0),
        unlicensed_hmo=frame["amount"].where(
            frame["is_hmo"].astype(bool) & ~frame["licensed"].astype(bool), 0.0
        ),
        hmo=frame["amount"].where(frame["is_hmo"].astype(bool), 0.0),
    )
    table = data.groupby("year").agg(
        housing_benefit=("amount", "sum"),
        into_category_1_homes=("category_1", "sum"),
        into_hmos=("hmo", "sum"),
        into_unlicensed_hmos=("unlicensed_hmo", "sum"),
    )
    homes = data.groupby("year").agg(homes=("property", "nunique"))
    cat1_homes = data[data["open_category_1"].astype(bool)].groupby("year")["property"].nunique()
    unlicensed_homes = (
        data[data["is_hmo"].astype(bool) & ~data["licensed"].astype(bool)]
        .groupby("year")["property"]
        .nunique()
    )
    by_year = []
    for year, row in table.iterrows():
        by_year.append(
            {
                "year": year,
                **{k: round(float(v), 2) for k, v in row.items()},
                "share_into_category_1_homes": float(row["into_category_1_homes"] / row["housing_benefit"]),
                "homes_paid_for": int(homes.loc[year, "homes"]),
                "category_1_homes_paid_for": int(cat1_homes.get(year, 0)),
                "unlicensed_hmos_paid_for": int(unlicensed_homes.get(year, 0)),
            }
        )
    warnings = []
    if (data["is_hmo"].astype(bool)).sum() == 0:
        warnings.append("No housing benefit was paid into an HMO in these records.")
    return HousingEvidence(
        by_year=by_year,
        total_housing_benefit=float(data["amount"].sum()),
        into_category_1_homes=float(data["category_1"].sum()),
        into_unlicensed_hmos=float(data["unlicensed_hmo"].sum()),
        inference=(
            "Descriptive: housing benefit recorded against each household's home that month, with the home's "
            "open Category 1 hazards (found at inspection, not yet remedied) and HMO licence on that date. "
            "Homes never inspected count as having no known hazard, so the Category 1 figures are a lower bound."
        ),
        warnings=tuple(warnings),
    )
