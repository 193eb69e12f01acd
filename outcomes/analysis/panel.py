"""Validation and reshaping of long area panels (unit, period, value) into unit x period matrices.

Periods may be pandas Periods, Timestamps, integers (years) or ISO strings ('YYYY-MM' or 'YYYY'); they are
normalised to an ordered integer index while their labels are kept for charts and JSON.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import AnalysisError

REQUIRED_COLUMNS = ("unit", "period", "value")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class AreaPanel:
    """A balanced panel as a matrix: rows are units (treated first, in start order, then donors)."""

    y: np.ndarray  # (n_units, n_periods)
    units: tuple[str, ...]
    labels: tuple[str, ...]  # one per period index
    starts: tuple[int, ...]  # period index of each treated unit's start, aligned with treated
    n_treated: int

    @property
    def treated(self) -> tuple[str, ...]:
        return self.units[: self.n_treated]

    @property
    def donors(self) -> tuple[str, ...]:
        return self.units[self.n_treated :]

    @property
    def n_donors(self) -> int:
        return len(self.units) - self.n_treated

    @property
    def n_periods(self) -> int:
        return self.y.shape[1]

    @property
    def block(self) -> bool:
        """True when every treated unit starts in the same period."""
        return len(set(self.starts)) == 1

    def sample(self) -> dict[str, Any]:
        return {
            "n_units": len(self.units),
            "n_periods": self.n_periods,
            "first_period": self.labels[0],
            "last_period": self.labels[-1],
            "treated": {u: self.labels[s] for u, s in zip(self.treated, self.starts, strict=True)},
            "donors": list(self.donors),
        }


def _string_key(text: str) -> Any:
    text = text.strip()
    if _MONTH.match(text):
        return pd.Period(text, freq="M")
    if _YEAR.match(text):
        return int(text)
    if _DATE.match(text):
        return pd.Period(pd.Timestamp(text), freq="M")
    try:
        return pd.Period(text)
    except (ValueError, TypeError) as exc:
        raise AnalysisError(f"period {text!r} is not a year, 'YYYY-MM' month or ISO date") from exc


def period_key(value: Any) -> Any:
    """A sortable key for one period value: int for years, monthly pandas Period for months and dates."""
    if isinstance(value, pd.Period):
        return value
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Period(pd.Timestamp(value), freq="M")
    if isinstance(value, bool | np.bool_):
        raise AnalysisError(f"period {value!r} is a boolean, not a period")
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    if isinstance(value, str):
        return _string_key(value)
    if hasattr(value, "year") and hasattr(value, "month"):  # datetime.date
        return pd.Period(pd.Timestamp(value), freq="M")
    raise AnalysisError(f"period {value!r} of type {type(value).__name__} is not understood")


def _align_key(start: Any, sample: Any) -> Any:
    """Express a start period in the panel's own period type (a month start in a yearly panel -> its year)."""
    key = period_key(start)
    if isinstance(sample, int) and isinstance(key, pd.Period):
        return key.year
    if isinstance(sample, pd.Period) and isinstance(key, int):
        return pd.Period(year=key, month=1, freq=sample.freqstr)
    if isinstance(sample, pd.Period) and isinstance(key, pd.Period) and key.freqstr != sample.freqstr:
        return key.asfreq(sample.freqstr, how="start")
    return key


# Column types whose distinct values stand for their rows: a period key is parsed once per distinct value.
# Other columns (booleans, mixed Python objects, where 1 and True hash alike) are parsed value by value.
_FACTORISABLE = {"string", "integer", "floating", "period", "datetime", "datetime64", "date"}


def _distinct_keys(periods: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Each row's index into a list of period keys, parsing each distinct period value once (a 1,000-area
    monthly panel has 120 months in 120,000 rows). The list may repeat a key ('2020-01' and '2020-01-15')."""
    if periods.isna().any() or pd.api.types.infer_dtype(periods, skipna=False) not in _FACTORISABLE:
        keys = [period_key(v) for v in periods.tolist()]
        return np.arange(len(keys)), keys
    codes, uniques = pd.factorize(periods)
    return codes, [period_key(v) for v in uniques.tolist()]


def normalise_periods(periods: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Map period values to integer positions 0..T-1 (ordered); returns the codes and the sorted keys."""
    rows, keys = _distinct_keys(periods)
    kinds = {type(k) for k in keys}
    if len(kinds) > 1:
        raise AnalysisError("column 'period' mixes period types (e.g. years and months); use one")
    if kinds == {pd.Period} and len({k.freqstr for k in keys}) > 1:
        raise AnalysisError("column 'period' mixes period frequencies; use one")
    ordered = sorted(set(keys))
    position = {k: i for i, k in enumerate(ordered)}
    return np.array([position[k] for k in keys], dtype=int)[rows], ordered


def check_columns(frame: pd.DataFrame, columns: Iterable[str], what: str = "panel") -> None:
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(f"{what} is missing column(s) {', '.join(map(repr, missing))}")
    if frame.empty:
        raise AnalysisError(f"{what} has no rows")


def to_matrix(frame: pd.DataFrame, *, value: str = "value") -> tuple[np.ndarray, list[str], list[Any]]:
    """Validate a long panel and pivot it to a units x periods matrix (units sorted, periods ordered)."""
    check_columns(frame, ("unit", "period", value))
    values = pd.to_numeric(frame[value], errors="coerce")
    bad = values.isna() | ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
    if bad.any():
        row = frame.loc[bad].iloc[0]
        raise AnalysisError(
            f"column {value!r} has {int(bad.sum())} missing or non-numeric value(s), "
            f"first for unit {row['unit']!r} in period {row['period']!r}"
        )
    if frame["unit"].isna().any():
        raise AnalysisError("column 'unit' has missing values")
    unit_codes, distinct_units = pd.factorize(frame["unit"].astype(str))
    codes, keys = normalise_periods(frame["period"])
    unit_names = sorted(str(u) for u in distinct_units)
    unit_pos = {u: i for i, u in enumerate(unit_names)}
    rows = np.array([unit_pos[str(u)] for u in distinct_units], dtype=int)[unit_codes]
    flat = rows * len(keys) + codes
    counts = np.bincount(flat, minlength=len(unit_names) * len(keys))
    if (counts > 1).any():
        i = int(np.argmax(counts > 1))
        raise AnalysisError(
            f"duplicate rows for unit {unit_names[i // len(keys)]!r} in period {keys[i % len(keys)]}: "
            "each unit-period must appear once"
        )
    if (counts == 0).any():
        i = int(np.argmax(counts == 0))
        raise AnalysisError(
            f"panel is unbalanced: unit {unit_names[i // len(keys)]!r} has no row for period "
            f"{keys[i % len(keys)]} ({int((counts == 0).sum())} unit-periods missing)"
        )
    y = np.empty(len(unit_names) * len(keys))
    y[flat] = values.to_numpy(dtype=float)
    return y.reshape(len(unit_names), len(keys)), unit_names, keys


def prepare_panel(
    frame: pd.DataFrame,
    treated: Mapping[str, Any],
    *,
    donors: Iterable[str] | None = None,
    value: str = "value",
    min_pre: int = 2,
    min_post: int = 1,
    min_donors: int = 2,
) -> AreaPanel:
    """Validate a long panel and the treated starts; order rows treated-first (by start) then donors."""
    if not isinstance(treated, Mapping) or not treated:
        raise AnalysisError("treated must be a non-empty mapping {unit: start period}")
    y, unit_names, keys = to_matrix(frame, value=value)
    treated_units = [str(u) for u in treated]
    present = set(unit_names)
    for unit in treated_units:
        if unit not in present:
            raise AnalysisError(f"treated unit {unit!r} is not in the panel")
    starts: dict[str, int] = {}
    for unit, start in treated.items():
        key = _align_key(start, keys[0])
        position = bisect.bisect_left(keys, key)
        if position >= len(keys):
            raise AnalysisError(f"treated unit {unit!r} starts at {start}, after the last period {keys[-1]}")
        if position < min_pre:
            raise AnalysisError(
                f"treated unit {unit!r} starting {start} has {position} pre-period(s); at least {min_pre} needed"
            )
        if len(keys) - position < min_post:
            raise AnalysisError(
                f"treated unit {unit!r} starting {start} has {len(keys) - position} post-period(s); "
                f"at least {min_post} needed"
            )
        starts[str(unit)] = position
    if donors is None:
        donor_list = [u for u in unit_names if u not in starts]
    else:
        donor_list = sorted({str(d) for d in donors})
        for d in donor_list:
            if d not in present:
                raise AnalysisError(f"donor {d!r} is not in the panel")
            if d in starts:
                raise AnalysisError(f"unit {d!r} is both treated and a donor")
    if len(donor_list) < min_donors:
        raise AnalysisError(f"{len(donor_list)} donor unit(s); at least {min_donors} needed")
    ordered_treated = sorted(starts, key=lambda u: (starts[u], u))
    order = ordered_treated + donor_list
    index = {u: i for i, u in enumerate(unit_names)}
    matrix = y[[index[u] for u in order]]
    if np.ptp(matrix, axis=None) == 0:
        raise AnalysisError(f"column {value!r} does not vary: nothing to estimate")
    return AreaPanel(
        y=matrix,
        units=tuple(order),
        labels=tuple(str(k) for k in keys),
        starts=tuple(starts[u] for u in ordered_treated),
        n_treated=len(ordered_treated),
    )


def first_period_codes(frame: pd.DataFrame, column: str, keys: list[Hashable]) -> np.ndarray:
    """Map a column of start periods (0/NaN = never) onto positions in the ordered keys; -1 for never."""
    out = np.full(len(frame), -1, dtype=int)
    positions = {k: i for i, k in enumerate(keys)}
    for i, raw in enumerate(frame[column].tolist()):
        if raw is None or (isinstance(raw, float) and np.isnan(raw)) or raw == 0:
            continue
        key = _align_key(raw, keys[0])
        if key not in positions:
            raise AnalysisError(f"column {column!r} has start {raw!r}, which is not a period in the panel")
        out[i] = positions[key]
    return out
