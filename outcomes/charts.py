"""Server-side charts: matplotlib (Agg) drawn to SVG that can be placed inline in a page or a PDF.

Every chart carries a <title> and <desc> and is labelled by them (role="img"); the data table beside it is
the full text alternative. The SVG is rewritten to use presentation attributes instead of `style`
attributes and a <style> element, so that the site's Content Security Policy (style-src 'self') does not
strip its colours, and its ids are prefixed so that several charts can share one page.
"""

import base64
import io
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from xml.etree import ElementTree as ET

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"

# GOV.UK Frontend's palette, so charts sit with the page around them.
BLUE, ORANGE, GREEN, RED, PURPLE, GREY = "#1d70b8", "#f47738", "#00703c", "#d4351c", "#4c2c92", "#505a5f"
PALETTE = (BLUE, ORANGE, GREEN, PURPLE, RED, GREY, "#912b88", "#28a197", "#85994b", "#b58840")
FONT_FAMILY = "'GDS Transport', arial, sans-serif"
TASK_FORCE_START = 2010 + 8 / 12  # September 2010, on a scale of years

# pyplot's figure manager is not thread-safe; Figure objects drawn through the Agg canvas are, but the
# rcParams they read are global, so drawing is serialised.
_lock = threading.RLock()

_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "margate",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": GREY,
    "axes.labelcolor": "#0b0c0c",
    "xtick.color": "#0b0c0c",
    "ytick.color": "#0b0c0c",
    "legend.frameon": False,
}


def _figure(width: float = 7.0, height: float = 3.4, *, left: float = 0.1) -> Figure:
    # Fixed margins: a constrained layout draws every chart twice, doubling the time to render it.
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(left=left, right=0.98, top=0.95, bottom=0.16 if height < 3 else 0.13)
    return fig


@contextmanager
def _drawing() -> Iterator[None]:
    with _lock, plt.rc_context(_RC):
        yield


def to_svg(fig: Figure, *, slug: str, title: str, description: str) -> str:
    """The figure as an inline-ready, accessible SVG element (no XML declaration)."""
    buffer = io.StringIO()
    with _drawing():
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    root = ET.fromstring(buffer.getvalue())  # noqa: S314 -- matplotlib's own output, not user input
    for parent in root.iter():
        for child in list(parent):
            if child.tag in {f"{{{SVG}}}metadata", f"{{{SVG}}}style"}:
                parent.remove(child)
    for element in root.iter():
        style = element.attrib.pop("style", None)
        if style:
            for declaration in style.split(";"):
                name, _, value = declaration.partition(":")
                if name.strip() and value.strip():
                    element.set(name.strip(), value.strip())
        if "font-family" in element.attrib:
            # Text is drawn by the browser (svg.fonttype none): use the page's typeface.
            element.set("font-family", FONT_FAMILY)
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.set("role", "img")
    root.set("class", "chart")
    root.set("aria-labelledby", f"{slug}-title {slug}-desc")
    root.set("width", "100%")
    root.attrib.pop("height", None)
    desc = ET.Element(f"{{{SVG}}}desc", {"id": f"{slug}-desc"})
    desc.text = description
    heading = ET.Element(f"{{{SVG}}}title", {"id": f"{slug}-title"})
    heading.text = title
    root.insert(0, desc)
    root.insert(0, heading)
    # The namespace registry is global and other libraries change it (importing WeasyPrint drops the
    # default SVG namespace, giving <ns0:svg>, which a browser does not draw inline): set it at each call.
    with _lock:
        ET.register_namespace("", SVG)
        ET.register_namespace("xlink", XLINK)
        text = ET.tostring(root, encoding="unicode")
    ids = set(re.findall(r'id="([^"]+)"', text)) - {f"{slug}-title", f"{slug}-desc"}
    for old in sorted(ids, key=len, reverse=True):
        text = text.replace(f'id="{old}"', f'id="{slug}-{old}"').replace(f"#{old})", f"#{slug}-{old})")
        text = text.replace(f'href="#{old}"', f'href="#{slug}-{old}"')
    return text


def as_image_uri(svg: str) -> str:
    """The chart as a data: URI with its natural size, for an <img> in the PDF (WeasyPrint draws SVG
    images, not SVG inline in HTML)."""
    box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    if box:
        svg = svg.replace('width="100%"', f'width="{box.group(1)}pt" height="{box.group(2)}pt"', 1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _finish_axes(ax, *, ylabel: str = "", years: Sequence[float] = ()) -> None:  # type: ignore[no-untyped-def]
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color="#b1b4b6", linewidth=0.5)
    ax.set_axisbelow(True)
    if years:
        ax.set_xticks(list(years))
        ax.set_xticklabels([str(int(y)) for y in years], rotation=0)


def line_chart(
    *,
    slug: str,
    title: str,
    description: str,
    x: Sequence[float],
    series: dict[str, Sequence[float | None]],
    ylabel: str,
    mark_start: bool = True,
) -> str:
    """Lines over years; None is a gap (a suppressed or missing value)."""
    with _drawing():
        fig = _figure()
        ax = fig.add_subplot()
        for (label, values), colour in zip(series.items(), PALETTE, strict=False):
            ys = [float("nan") if v is None else v for v in values]
            ax.plot(x, ys, marker="o", markersize=3, linewidth=2, color=colour, label=label)
        if mark_start and x and min(x) <= TASK_FORCE_START <= max(x):
            ax.axvline(TASK_FORCE_START, color=GREY, linestyle="--", linewidth=1)
            ax.annotate(
                "Task force starts",
                (TASK_FORCE_START, 1),
                xycoords=("data", "axes fraction"),
                xytext=(4, -12),
                textcoords="offset points",
                fontsize=8,
                color=GREY,
            )
        _finish_axes(ax, ylabel=ylabel, years=x if len(x) <= 12 else ())
        ax.legend(loc="best", fontsize=8)
        return to_svg(fig, slug=slug, title=title, description=description)


def bar_chart(
    *,
    slug: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: dict[str, Sequence[float | None]],
    ylabel: str,
    horizontal: bool = False,
    stacked: bool = True,
) -> str:
    """Grouped or stacked bars; None (suppressed) draws nothing."""
    n = len(categories)
    height = max(2.6, 0.32 * n + 1.2) if horizontal else 3.4
    with _drawing():
        longest = max((len(c) for c in categories), default=4) if horizontal else 4
        fig = _figure(height=height, left=min(0.55, 0.03 + 0.0105 * longest) if horizontal else 0.1)
        ax = fig.add_subplot()
        positions = list(range(n))
        base = [0.0] * n
        width = 0.8 if stacked else 0.8 / max(1, len(series))
        for k, ((label, values), colour) in enumerate(zip(series.items(), PALETTE, strict=False)):
            ys = [0.0 if v is None else float(v) for v in values]
            offset = [p + (0 if stacked else (k - (len(series) - 1) / 2) * width) for p in positions]
            if horizontal:
                ax.barh(offset, ys, height=width, left=base if stacked else None, color=colour, label=label)
            else:
                ax.bar(offset, ys, width=width, bottom=base if stacked else None, color=colour, label=label)
            if stacked:
                base = [b + y for b, y in zip(base, ys, strict=True)]
        if horizontal:
            ax.set_yticks(positions)
            ax.set_yticklabels(list(categories), fontsize=8)
            ax.invert_yaxis()
            ax.set_xlabel(ylabel)
            ax.grid(axis="x", color="#b1b4b6", linewidth=0.5)
            ax.set_axisbelow(True)
        else:
            ax.set_xticks(positions)
            ax.set_xticklabels(list(categories), rotation=0 if n <= 12 else 45, fontsize=8)
            _finish_axes(ax, ylabel=ylabel)
        if len(series) > 1:
            ax.legend(loc="best", fontsize=8)
        return to_svg(fig, slug=slug, title=title, description=description)


def interval_chart(
    *,
    slug: str,
    title: str,
    description: str,
    x: Sequence[float],
    estimate: Sequence[float | None],
    low: Sequence[float | None],
    high: Sequence[float | None],
    xlabel: str,
    ylabel: str,
) -> str:
    """Point estimates with 95% intervals (an event study), with zero and the start marked."""
    with _drawing():
        fig = _figure()
        ax = fig.add_subplot()
        points = [
            (a, e, lo, hi) for a, e, lo, hi in zip(x, estimate, low, high, strict=True) if e is not None
        ]
        if points:
            xs, es, los, his = zip(*points, strict=True)
            lower = [e - (lo if lo is not None else e) for e, lo in zip(es, los, strict=True)]
            upper = [(hi if hi is not None else e) - e for e, hi in zip(es, his, strict=True)]
            ax.errorbar(
                xs,
                es,
                yerr=[lower, upper],
                fmt="o",
                markersize=3,
                color=BLUE,
                ecolor="#8eb8dc",
                elinewidth=1.5,
                capsize=0,
                label="Estimate with 95% interval",
            )
        ax.axhline(0, color=GREY, linewidth=1)
        ax.axvline(-0.5, color=GREY, linestyle="--", linewidth=1)
        ax.set_xlabel(xlabel)
        _finish_axes(ax, ylabel=ylabel)
        ax.legend(loc="best", fontsize=8)
        return to_svg(fig, slug=slug, title=title, description=description)


def path_chart(
    *,
    slug: str,
    title: str,
    description: str,
    periods: Sequence[str],
    treated: Sequence[float | None],
    counterfactual: Sequence[float | None],
    start: str | None,
    ylabel: str,
) -> str:
    """The treated areas' path against the estimated counterfactual, by month."""
    with _drawing():
        fig = _figure()
        ax = fig.add_subplot()
        x = list(range(len(periods)))
        ax.plot(
            x,
            [float("nan") if v is None else v for v in treated],
            color=BLUE,
            linewidth=2,
            label="Target wards",
        )
        ax.plot(
            x,
            [float("nan") if v is None else v for v in counterfactual],
            color=ORANGE,
            linewidth=2,
            linestyle="--",
            label="Counterfactual (estimated)",
        )
        if start in periods:
            ax.axvline(periods.index(start), color=GREY, linestyle=":", linewidth=1)
        ticks = [i for i, p in enumerate(periods) if p.endswith("-01")] or x[:: max(1, len(x) // 8)]
        ax.set_xticks(ticks)
        ax.set_xticklabels([periods[i][:4] for i in ticks], fontsize=8)
        _finish_axes(ax, ylabel=ylabel)
        ax.legend(loc="best", fontsize=8)
        return to_svg(fig, slug=slug, title=title, description=description)
