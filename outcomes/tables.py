"""Published tables as the pages, the CSV downloads and the API give them: the dashboards' panels and the
evidence pack's tables share their columns and the way a published cell is shown or written out."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .disclosure import SUPPRESSED
from .formatting import money


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # count, rate (percent), money, ratio, points, p, text


def display(value: Any, kind: str) -> str:
    """A published cell as a page shows it: '..' for a gap, '[c]' and labels as they are."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ".."
    if value == SUPPRESSED or kind == "text" or isinstance(value, str):
        return str(value)
    number = float(value)
    if kind == "count":
        return f"{round(number):,}"
    if kind == "rate":
        return f"{number:.1f}%"
    if kind == "money":
        return money(number)
    if kind == "points":
        return f"{number:.1f}"
    if kind == "p":
        return "< 0.001" if number < 0.001 else f"{number:.3f}"
    return f"{number:.2f}"


def display_rows(columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> list[list[str]]:
    return [[display(v, c.kind) for v, c in zip(row, columns, strict=True)] for row in rows]


def published_value(value: Any, kind: str) -> Any:
    """A published cell as data: '[c]' and labels as they are, counts as whole numbers, other figures to 4
    decimal places, gaps as None. The CSV downloads and the API's aggregates give cells this way."""
    if value is None or isinstance(value, str):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):  # pandas' missing-value markers
        return None
    if not math.isfinite(number):
        return None
    return round(number) if kind == "count" else round(number, 4)


def csv_rows(columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> tuple[list[str], list[list[Any]]]:
    """A published table as CSV: header and rows of `published_value` cells (a gap is an empty cell)."""
    header = [c.label for c in columns]
    body = [
        [
            "" if (cell := published_value(v, c.kind)) is None else cell
            for v, c in zip(row, columns, strict=True)
        ]
        for row in rows
    ]
    return header, body
