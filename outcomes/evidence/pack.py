"""What the evidence pack is made of (sections of facts, published tables and charts, each naming the runs
it came from) and the steps the sections share: finding the latest run and publishing a table."""

import html
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import pandas as pd

from .. import charts
from ..analyses import AREA_METHOD_NAMES
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


# How the pages name a parameter of an analysis run, and its coded values.
PARAMETER_LABELS = {
    "period": "period",
    "measure": "measure",
    "method": "method",
    "start": "start",
    "placebos": "placebo fits",
    "outcome": "outcome",
    "design": "design",
    "effect": "effect",
    "effect_se": "standard error",
    "optimism_bias": "optimism bias",
    "horizon_years": "horizon (years)",
    "treated": "treated wards",
    "donors": "comparison wards",
    "seed": "seed",
    "plan": "plan",
    "secondary": "secondary outcomes",
}
VALUE_LABELS = {
    **{code: name.lower() for code, name in AREA_METHOD_NAMES.items()},
    "out_of_work_rate": "out-of-work rate",
    "out_of_work_claimants": "claimants",
    "benefit_spend": "benefit spend",
    "dependent": "months dependent on out-of-work benefit",
    "benefit": "benefit paid (£)",
    "out_of_work_benefit": "out-of-work benefit paid (£)",
    "event-study": "event study",
}


@dataclass(frozen=True)
class Source:
    run_id: int
    kind: str
    parameters: dict[str, Any]
    finished_at: datetime | None

    @property
    def kind_label(self) -> str:
        return str(AnalysisRun.Kind(self.kind).label)

    @property
    def parameter_text(self) -> str:
        """The run's parameters as a reader would say them, or "defaults"."""
        parts = [
            f"{PARAMETER_LABELS.get(k, k.replace('_', ' '))} {_value_text(v)}"
            for k, v in self.parameters.items()
        ]
        return ", ".join(parts) or "defaults"


def _value_text(value: Any) -> str:
    """A parameter value as a reader says it: coded values by their label, other codes without underscores,
    yes and no for flags."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return str(VALUE_LABELS.get(text, text.replace("_", " ")))


@dataclass(frozen=True)
class Headline:
    """One estimate as the pack states it, with what it rests on beside it: how its uncertainty was
    obtained, the checks of its design and the warnings where the design cannot carry the claim."""

    label: str
    value: str
    inference: str = ""
    diagnostics: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    label: str = ""
    headlines: tuple[Headline, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[tuple[str, ...], ...] = ()  # (title, inline SVG); for print (title, image, alt text)
    notes: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    missing: str = ""  # which analysis to run, when none has finished


@dataclass(frozen=True)
class EvidencePack:
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def for_print(self) -> "EvidencePack":
        """The same pack with its charts as images, which WeasyPrint draws, each with the chart's title and
        description as its alternative text (the tagged PDF gives it to screen readers)."""
        return EvidencePack(
            tuple(
                replace(
                    s,
                    charts=tuple(
                        (title, charts.as_image_uri(svg), _alt_text(title, svg)) for title, svg in s.charts
                    ),
                )
                for s in self.sections
            )
        )

    def tables(self) -> list[tuple[Section, Table]]:
        return [(s, t) for s in self.sections for t in s.tables]


def _alt_text(title: str, svg: str) -> str:
    found = re.search(r"<desc[^>]*>(.*?)</desc>", svg, flags=re.DOTALL)
    return f"{title}. {html.unescape(found.group(1)).strip()}" if found else title


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


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def number(value: Any, fmt: str = "{:,.2f}") -> str:
    if _missing(value):
        return "not available"
    return fmt.format(value)


def percent(value: Any, scale: float = 100.0, places: int = 0) -> str:
    """A share (0.25) as a percentage ("25%")."""
    if _missing(value):
        return "not available"
    return number(float(value) * scale, f"{{:,.{places}f}}%")


def p_value(value: Any) -> str:
    if _missing(value):
        return "not available"
    return "< 0.001" if float(value) < 0.001 else f"{float(value):.3f}"


def interval(result: dict[str, Any], fmt: str = "{:,.2f}", *, scale: float = 1.0, unit: str = "") -> str:
    """'-1.20 percentage points (95% interval -2.10 to -0.30)' from a result's estimate and interval."""

    def part(key: str) -> str:
        value: Any = result.get(key)
        return number(None if _missing(value) else float(value) * scale, fmt)

    return f"{part('estimate')}{unit} (95% interval {part('ci_low')} to {part('ci_high')})"


def titled(draw: Any, **kwargs: Any) -> tuple[str, str]:
    return kwargs["title"], draw(**kwargs)


def run_hint(kind: str, example: str) -> str:
    return f"No {AnalysisRun.Kind(kind).label.lower()} has been run yet. Request one ({example})."
