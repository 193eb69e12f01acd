"""The gap between target areas and a reference area (Kent): descriptive, not an impact estimate.

"Bringing the wards' £48m benefit bill to Kent-average levels saves £37m" compares the wards with Kent at the
wards' own population; it says nothing about what any intervention caused. Impact is estimated in area.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .errors import AnalysisError
from .panel import check_columns, period_key
from .results import ResultMixin

LABEL = "descriptive gap, not an impact estimate"
SMALL_COUNT = 10


@dataclass(frozen=True)
class Gap(ResultMixin):
    """Per-head rates of each measure in the target areas and the reference, and the gap x population."""

    label: str
    period: str
    reference: str
    targets: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    series: tuple[dict[str, Any], ...]
    note: str
    warnings: tuple[str, ...] = ()


def _rows_for(
    wide: pd.DataFrame, areas: list[str], name: str, reference: str, measures: list[str], population: str
) -> list[dict[str, Any]]:
    pop = float(wide.loc[areas, population].sum())
    ref_pop = float(wide.loc[reference, population])
    rows = []
    for m in measures:
        value = float(wide.loc[areas, m].sum())
        rate = value / pop
        ref_rate = float(wide.loc[reference, m]) / ref_pop
        rows.append(
            {
                "area": name,
                "measure": m,
                "population": pop,
                "value": value,
                "rate_per_head": rate,
                "reference_rate_per_head": ref_rate,
                "ratio_to_reference": rate / ref_rate if ref_rate else None,
                "gap_per_head": rate - ref_rate,
                "value_at_reference_rate": ref_rate * pop,
                "gap_total": (rate - ref_rate) * pop,
            }
        )
    return rows


def gap_to_average(
    frame: pd.DataFrame,
    *,
    target: Iterable[str],
    reference: str,
    population_measure: str = "population",
    measures: Iterable[str] | None = None,
    period: Any = None,
) -> Gap:
    """Gap of each target area (and the targets combined) to the reference area's per-head rate.

    ``frame`` is long: area, period, measure, value, with ``population_measure`` among the measures.
    ``period`` picks the headline period (default: the latest with data for every area); ``series`` holds
    the combined gap for every period with complete data.
    """
    check_columns(frame, ("area", "period", "measure", "value"), "gap frame")
    targets = [str(t) for t in target]
    if not targets:
        raise AnalysisError("target must name at least one area")
    data = frame.assign(area=frame["area"].astype(str), measure=frame["measure"].astype(str))
    data["value"] = pd.to_numeric(data["value"], errors="coerce")
    if data["value"].isna().any():
        row = data[data["value"].isna()].iloc[0]
        raise AnalysisError(
            f"column 'value' is missing or non-numeric for area {row['area']!r}, "
            f"measure {row['measure']!r}, period {row['period']!r}"
        )
    data["key"] = [period_key(p) for p in data["period"]]
    dup = data.duplicated(["area", "key", "measure"])
    if dup.any():
        row = data[dup].iloc[0]
        raise AnalysisError(
            f"duplicate rows for area {row['area']!r}, measure {row['measure']!r}, period {row['period']!r}"
        )
    areas = [*targets, str(reference)]
    for a in areas:
        if a not in set(data["area"]):
            raise AnalysisError(f"area {a!r} is not in the gap frame")
    if population_measure not in set(data["measure"]):
        raise AnalysisError(f"measure {population_measure!r} (population) is not in the gap frame")
    chosen = (
        sorted(set(data["measure"]) - {population_measure})
        if measures is None
        else [str(m) for m in measures]
    )
    if not chosen:
        raise AnalysisError("no measure to compare besides population")
    for m in chosen:
        if m not in set(data["measure"]):
            raise AnalysisError(f"measure {m!r} is not in the gap frame")
    needed = [*chosen, population_measure]
    sub = data[data["area"].isin(areas) & data["measure"].isin(needed)]
    complete = []
    for key, group in sub.groupby("key", sort=True):
        wide = group.pivot_table(index="area", columns="measure", values="value", aggfunc="first")
        if wide.reindex(index=areas, columns=needed).notna().all().all():
            complete.append((key, wide))
    if not complete:
        raise AnalysisError(
            "no period has every measure and population for every target area and the reference"
        )
    by_key = dict(complete)
    if period is None:
        head_key = complete[-1][0]
    else:
        head_key = period_key(period)
        if head_key not in by_key:
            raise AnalysisError(f"period {period!r} lacks a measure or population for some area")
    warnings: list[str] = []
    wide = by_key[head_key]
    for a in areas:
        if wide.loc[a, population_measure] <= 0:
            raise AnalysisError(f"population of area {a!r} in {head_key} is not positive")
    rows: list[dict[str, Any]] = []
    for t in targets:
        rows += _rows_for(wide, [t], t, reference, chosen, population_measure)
    if len(targets) > 1:
        rows += _rows_for(wide, targets, "targets combined", reference, chosen, population_measure)
    small = [f"{r['area']}/{r['measure']}" for r in rows if 0 < r["value"] < SMALL_COUNT]
    if small:
        warnings.append(f"values below {SMALL_COUNT} ({', '.join(small)}): suppress counts before publishing")
    series = []
    for key, w in complete:
        if (w.loc[areas, population_measure] <= 0).any():
            continue
        for r in _rows_for(w, targets, "targets combined", reference, chosen, population_measure):
            series.append(
                {
                    "period": str(key),
                    **{k: r[k] for k in ("measure", "rate_per_head", "reference_rate_per_head", "gap_total")},
                }
            )
    return Gap(
        label=LABEL,
        period=str(head_key),
        reference=str(reference),
        targets=tuple(targets),
        rows=tuple(rows),
        series=tuple(series),
        note=(
            f"{LABEL}: the difference between the target areas' per-head rate and {reference}'s, times the "
            "target population. It is what the targets would have at the reference rate, not what any "
            "intervention caused or could save; see area_impact for estimates against a counterfactual."
        ),
        warnings=tuple(warnings),
    )
