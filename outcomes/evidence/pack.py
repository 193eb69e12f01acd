"""What the evidence pack is made of (sections of facts, published tables and charts, each naming the runs
it came from) and the steps the sections share: finding the latest run and publishing a table."""

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import pandas as pd

from .. import charts
from ..disclosure import publish
from ..models import AnalysisRun
from ..tables import Column, display_rows


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]

    def display_rows(self) -> list[list[str]]:
        return display_rows(self.columns, self.rows)


@dataclass(frozen=True)
class Source:
    run_id: int
    kind: str
    parameters: dict[str, Any]
    finished_at: datetime | None


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    label: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[tuple[str, str], ...] = ()  # (title, inline SVG)
    notes: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    missing: str = ""  # which analysis to run, when none has finished


@dataclass(frozen=True)
class EvidencePack:
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def for_print(self) -> "EvidencePack":
        """The same pack with its charts as images, which WeasyPrint draws."""
        return EvidencePack(
            tuple(
                replace(s, charts=tuple((title, charts.as_image_uri(svg)) for title, svg in s.charts))
                for s in self.sections
            )
        )

    def tables(self) -> list[tuple[Section, Table]]:
        return [(s, t) for s in self.sections for t in s.tables]


def latest(kind: str, **parameters: Any) -> AnalysisRun | None:
    runs = AnalysisRun.objects.filter(kind=kind).succeeded().latest_first().select_related("job")
    for run in runs.only("pk", "kind", "parameters", "result", "job__finished_at")[:50]:
        result = run.result or {}
        if all(result.get(k, run.parameters.get(k)) == v for k, v in parameters.items()):
            return run
    return None


def source_of(run: AnalysisRun) -> Source:
    return Source(run.pk, run.kind, dict(run.parameters), run.finished_at)


def published_table(
    slug: str, title: str, frame: pd.DataFrame, columns: tuple[Column, ...], **rules: Any
) -> Table:
    """Publish `frame` (index = the first column) and keep the displayed columns in order."""
    published = publish(frame, **rules)
    rows = []
    for label, record in zip(published.index, published.to_dict(orient="records"), strict=True):
        rows.append(tuple(label if c.key == columns[0].key else record.get(c.key) for c in columns))
    return Table(slug, title, columns, tuple(rows))


def number(value: Any, fmt: str = "{:.2f}") -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "not available"
    return fmt.format(value)


def interval(result: dict[str, Any], fmt: str = "{:.2f}") -> str:
    return f"{number(result.get('estimate'), fmt)} (95% interval {number(result.get('ci_low'), fmt)} to {number(result.get('ci_high'), fmt)})"


def titled(draw: Any, **kwargs: Any) -> tuple[str, str]:
    return kwargs["title"], draw(**kwargs)


def run_hint(kind: str, example: str) -> str:
    return f"No {AnalysisRun.Kind(kind).label.lower()} has been run yet. Request one ({example})."
