"""Server-side charts as SVG that can be placed inline in a page or a PDF.

Line and bar charts (every dashboard chart, and the evidence pack's bars) are written directly; the event
study and counterfactual charts of the evidence pack are drawn by matplotlib (Agg) and rewritten.

Every chart carries a <title> and <desc> and is labelled by them (role="img"); the data table beside it is
the full text alternative. Colours and sizes are presentation attributes, never `style` attributes or a
<style> element, so that the site's Content Security Policy (style-src 'self') does not strip them, and
ids are prefixed so that several charts can share one page.
"""

import base64
import io
import math
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from html import escape
from typing import Any
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

_RC: dict[Any, Any] = {  # matplotlib types its keys as a Literal of every rc name
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


# Line and bar charts, the dashboards' and the evidence pack's, are written as SVG directly: ten of them are
# drawn for every dashboard not seen before, and matplotlib's general machinery (figures, tick objects,
# text layout) cost about 60-100 ms each. Sizes are in points, as matplotlib's: a 7 x 3.4 inch figure.

WIDTH, HEIGHT = 504.0, 244.8
FONT, SMALL = 10.0, 8.0
AXIS, GRID, INK = GREY, "#b1b4b6", "#0b0c0c"


def _text_width(text: str, size: float) -> float:
    """An estimate of the width of `text` in a sans-serif face (the browser lays it out; this is for margins)."""
    em = 0.0
    for char in text:
        if char in "il.,:;'!|()[] ":
            em += 0.3
        elif char in "mwMW@%":
            em += 0.85
        elif char.isupper() or char in "£&":
            em += 0.66
        else:
            em += 0.54
    return em * size


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _nice_ticks(low: float, high: float, *, count: int = 8) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten), about `count` of them, spanning low to high."""
    if not math.isfinite(low) or not math.isfinite(high):
        low, high = 0.0, 1.0
    if high <= low:
        low, high = (low - 1, high + 1) if low == 0 else (low - abs(low) * 0.1, high + abs(high) * 0.1)
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    # 2.5 times a power of ten only for whole numbers: 0.0025 steps would need four decimals.
    step = next(m * power for m in ((1, 2, 2.5, 5, 10) if power >= 1 else (1, 2, 5, 10)) if m * power >= raw)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


def _tick_label(value: float, step: float) -> str:
    """The tick value with thousands separators and as many decimals as the step between ticks needs."""
    decimals = next(d for d in range(10) if abs(round(step, d) - step) < 1e-9 * max(1.0, abs(step)))
    return "0" if value == 0 else f"{value:,.{decimals}f}"


class _Svg:
    """Collects SVG elements; every attribute a presentation attribute (no style), every text escaped."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.parts: list[str] = []

    def add(self, tag: str, text: str | None = None, **attributes: Any) -> None:
        attrs = "".join(
            f' {name.rstrip("_").replace("_", "-")}="{escape(str(value))}"'
            for name, value in attributes.items()
            if value is not None
        )
        self.parts.append(f"<{tag}{attrs}/>" if text is None else f"<{tag}{attrs}>{escape(text)}</{tag}>")

    def line(self, x1: float, y1: float, x2: float, y2: float, **attributes: Any) -> None:
        self.add("line", x1=_number(x1), y1=_number(y1), x2=_number(x2), y2=_number(y2), **attributes)

    def text(self, x: float, y: float, text: str, *, size: float = FONT, **attributes: Any) -> None:
        self.add("text", text, x=_number(x), y=_number(y), font_size=_number(size), fill=INK, **attributes)

    def render(self, *, slug: str, title: str, description: str) -> str:
        return (
            f'<svg xmlns="{SVG}" viewBox="0 0 {_number(self.width)} {_number(self.height)}" width="100%" '
            f'role="img" class="chart" aria-labelledby="{slug}-title {slug}-desc" '
            f'font-family="{escape(FONT_FAMILY)}" stroke-linejoin="round" stroke-linecap="butt">'
            f'<title id="{slug}-title">{escape(title)}</title><desc id="{slug}-desc">{escape(description)}</desc>'
            + "".join(self.parts)
            + "</svg>"
        )


def _legend(svg: _Svg, items: list[tuple[str, str, str]], *, left: float, top: float) -> float:
    """Legend items (label, colour, "line" or "box") in rows from (left, top), wrapped to the width;
    returns the height used."""
    x, y, row = left, top, 12.0
    for label, colour, kind in items:
        width = 22 + _text_width(label, SMALL) + 12
        if x > left and x + width > svg.width - 8:
            x, y = left, y + row
        if kind == "line":
            svg.line(x, y + 4, x + 16, y + 4, stroke=colour, stroke_width=2)
            svg.add("circle", cx=_number(x + 8), cy=_number(y + 4), r="2", fill=colour)
        else:
            svg.add("rect", x=_number(x), y=_number(y), width="16", height="8", fill=colour)
        svg.text(x + 21, y + 7, label, size=SMALL)
        x += width
    return y + row - top


def _legend_height(items: list[tuple[str, str, str]], *, left: float, width: float) -> float:
    probe = _Svg(width, 0)
    return _legend(probe, items, left=left, top=0)


def _value_axis(
    svg: _Svg, ticks: list[float], *, scale: Any, box: tuple[float, float, float, float], vertical: bool
) -> None:
    """Grid lines and labels of the value axis (y when `vertical`, else x), under the data."""
    left, top, right, bottom = box
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    for tick in ticks:
        at = scale(tick)
        label = _tick_label(tick, step)
        if vertical:
            svg.line(left, at, right, at, stroke=GRID, stroke_width="0.5")
            svg.text(left - 5, at + 3.5, label, text_anchor="end")
        else:
            svg.line(at, top, at, bottom, stroke=GRID, stroke_width="0.5")
            svg.text(at, bottom + 13, label, text_anchor="middle")


def _frame(svg: _Svg, box: tuple[float, float, float, float]) -> None:
    left, top, right, bottom = box
    svg.line(left, top, left, bottom, stroke=AXIS, stroke_width="0.8")
    svg.line(left, bottom, right, bottom, stroke=AXIS, stroke_width="0.8")


def _ylabel(svg: _Svg, label: str, *, x: float, top: float, bottom: float) -> None:
    middle = (top + bottom) / 2
    svg.text(x, middle, label, text_anchor="middle", transform=f"rotate(-90 {_number(x)} {_number(middle)})")


def _finite(values: Sequence[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


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
    svg = _Svg(WIDTH, HEIGHT)
    colours = dict(zip(series, PALETTE * 2, strict=False))
    values = [v for ys in series.values() for v in _finite(ys)]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high == low:
        low, high = low - (abs(low) * 0.1 or 1.0), high + (abs(high) * 0.1 or 1.0)
    y_low, y_high = low - (high - low) * 0.05, high + (high - low) * 0.05
    ticks = [t for t in _nice_ticks(y_low, y_high) if y_low <= t <= y_high]
    step = (ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    labels = [_tick_label(t, step) for t in ticks]
    left = 28 + max((_text_width(label, FONT) for label in labels), default=10)
    items = [(label, colours[label], "line") for label in series]
    top = 8 + _legend_height(items, left=left, width=WIDTH) + 6
    box = (left, top, WIDTH - 10, HEIGHT - 24)
    plot_left, plot_top, plot_right, plot_bottom = box
    xs = [float(v) for v in x]
    x_low, x_high = (min(xs), max(xs)) if xs else (0.0, 1.0)
    pad = (x_high - x_low) * 0.05 or 0.5

    def sx(value: float) -> float:
        return plot_left + (value - x_low + pad) / (x_high - x_low + 2 * pad) * (plot_right - plot_left)

    def sy(value: float) -> float:
        return plot_bottom - (value - y_low) / (y_high - y_low) * (plot_bottom - plot_top)

    _value_axis(svg, ticks, scale=sy, box=box, vertical=True)
    _legend(svg, items, left=left, top=8)
    x_ticks = xs if len(xs) <= 12 else [t for t in _nice_ticks(x_low, x_high) if x_low <= t <= x_high]
    for tick in x_ticks:
        svg.line(sx(tick), plot_bottom, sx(tick), plot_bottom + 3.5, stroke=AXIS, stroke_width="0.8")
        svg.text(sx(tick), plot_bottom + 14, str(int(tick)), text_anchor="middle")
    if mark_start and xs and x_low <= TASK_FORCE_START <= x_high:
        at = sx(TASK_FORCE_START)
        svg.line(at, plot_top, at, plot_bottom, stroke=GREY, stroke_width="1", stroke_dasharray="3.7 1.6")
        svg.add(
            "text", "Task force starts", x=_number(at + 4), y=_number(plot_top + 9), font_size="8", fill=GREY
        )
    for label, ys in series.items():
        colour = colours[label]
        points = [
            (sx(float(a)), sy(float(b))) if b is not None and math.isfinite(float(b)) else None
            for a, b in zip(xs, ys, strict=True)
        ]
        path, pen = [], "M"
        for point in points:
            if point is None:
                pen = "M"
                continue
            path.append(f"{pen}{_number(point[0])} {_number(point[1])}")
            pen = "L"
        if path:
            svg.add("path", d=" ".join(path), fill="none", stroke=colour, stroke_width="2")
        for point in points:
            if point is not None:
                svg.add("circle", cx=_number(point[0]), cy=_number(point[1]), r="2", fill=colour)
    _frame(svg, box)
    _ylabel(svg, ylabel, x=12, top=plot_top, bottom=plot_bottom)
    return svg.render(slug=slug, title=title, description=description)


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
    colours = dict(zip(series, PALETTE * 2, strict=False))
    rows = {
        label: [None if v is None or not math.isfinite(float(v)) else float(v) for v in vs]
        for label, vs in series.items()
    }
    if stacked:
        ups, downs = [0.0] * n, [0.0] * n
        for vs in rows.values():
            for i, v in enumerate(vs):
                if v is not None:
                    ups[i], downs[i] = (ups[i] + v, downs[i]) if v >= 0 else (ups[i], downs[i] + v)
        extent = [*ups, *downs]
    else:
        extent = [v for vs in rows.values() for v in vs if v is not None]
    low, high = min([0.0, *extent]), max([0.0, *extent])
    ticks = _nice_ticks(low, high if high > low else 1.0)
    v_low, v_high = ticks[0], ticks[-1]
    items = [(label, colours[label], "box") for label in series] if len(series) > 1 else []
    k = max(1, len(series))
    width = 0.8 if stacked else 0.8 / k
    rotate = not horizontal and n > 12
    if horizontal:
        left = min(WIDTH * 0.55, max((_text_width(c, SMALL) for c in categories), default=20) + 14)
    else:
        step = (ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
        left = 28 + max(_text_width(_tick_label(t, step), FONT) for t in ticks)
    legend = _legend_height(items, left=left, width=WIDTH) + 6 if items else 0.0
    if horizontal:
        svg = _Svg(WIDTH, max(2.6, 0.32 * n + 1.2) * 72 + legend)
        box = (left, 8 + legend, WIDTH - 14, svg.height - 34)
    else:
        below = 16 + (max((_text_width(c, SMALL) for c in categories), default=0) * 0.72 if rotate else 0)
        svg = _Svg(WIDTH, HEIGHT + below - 16)
        box = (left, 8 + legend, WIDTH - 10, svg.height - 8 - below)
    plot_left, plot_top, plot_right, plot_bottom = box

    def value_at(value: float) -> float:
        share = (value - v_low) / (v_high - v_low)
        if horizontal:
            return plot_left + share * (plot_right - plot_left)
        return plot_bottom - share * (plot_bottom - plot_top)

    def slot(position: float) -> float:  # the centre of category `position`, across the plot
        share = (position + 0.6) / (n + 0.2) if n else 0.5
        if horizontal:
            return plot_top + share * (plot_bottom - plot_top)
        return plot_left + share * (plot_right - plot_left)

    band = ((plot_bottom - plot_top) if horizontal else (plot_right - plot_left)) / (n + 0.2 if n else 1)
    _value_axis(svg, ticks, scale=value_at, box=box, vertical=not horizontal)
    if items:
        _legend(svg, items, left=left, top=8)
    ups, downs = [0.0] * n, [0.0] * n
    for j, (label, vs) in enumerate(rows.items()):
        for i, v in enumerate(vs):
            if v is None:
                continue
            if stacked:
                start = ups[i] if v >= 0 else downs[i]
                if v >= 0:
                    ups[i] += v
                else:
                    downs[i] += v
                centre = slot(i)
            else:
                start, centre = 0.0, slot(i + (j - (k - 1) / 2) * width)
            a, b = sorted((value_at(start), value_at(start + v)))
            thick = width * band
            if horizontal:
                svg.add(
                    "rect",
                    x=_number(a),
                    y=_number(centre - thick / 2),
                    width=_number(b - a),
                    height=_number(thick),
                    fill=colours[label],
                )
            else:
                svg.add(
                    "rect",
                    x=_number(centre - thick / 2),
                    y=_number(a),
                    width=_number(thick),
                    height=_number(b - a),
                    fill=colours[label],
                )
    for i, category in enumerate(categories):
        at = slot(i)
        if horizontal:
            svg.line(plot_left - 3.5, at, plot_left, at, stroke=AXIS, stroke_width="0.8")
            svg.text(plot_left - 6, at + 3, category, size=SMALL, text_anchor="end")
        elif rotate:
            y = plot_bottom + 10
            svg.text(
                at + 3,
                y,
                category,
                size=SMALL,
                text_anchor="end",
                transform=f"rotate(-45 {_number(at + 3)} {_number(y)})",
            )
        else:
            svg.line(at, plot_bottom, at, plot_bottom + 3.5, stroke=AXIS, stroke_width="0.8")
            svg.text(at, plot_bottom + 13, category, size=SMALL, text_anchor="middle")
    if horizontal:
        svg.text((plot_left + plot_right) / 2, plot_bottom + 28, ylabel, text_anchor="middle")
    else:
        _ylabel(svg, ylabel, x=12, top=plot_top, bottom=plot_bottom)
    zero = value_at(0.0)
    if horizontal:
        svg.line(plot_left, plot_bottom, plot_right, plot_bottom, stroke=AXIS, stroke_width="0.8")
        svg.line(zero, plot_top, zero, plot_bottom, stroke=AXIS, stroke_width="0.8")
    else:
        svg.line(plot_left, plot_top, plot_left, plot_bottom, stroke=AXIS, stroke_width="0.8")
        svg.line(plot_left, zero, plot_right, zero, stroke=AXIS, stroke_width="0.8")
    return svg.render(slug=slug, title=title, description=description)


def _finish_axes(ax, *, ylabel: str = "", years: Sequence[float] = ()) -> None:
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color="#b1b4b6", linewidth=0.5)
    ax.set_axisbelow(True)
    if years:
        ax.set_xticks(list(years))
        ax.set_xticklabels([str(int(y)) for y in years], rotation=0)


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
