"""Draws a dashboard panel's chart into its page."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from outcomes import charts
from outcomes.dashboards.panel import LineChart, Panel

register = template.Library()


@register.simple_tag
def panel_chart(panel: Panel) -> SafeString:
    """The panel's chart as inline SVG, titled by the chart and described by the panel's summary."""
    chart = panel.chart
    if isinstance(chart, LineChart):
        svg = charts.line_chart(
            slug=panel.slug,
            title=chart.title,
            description=panel.summary,
            x=chart.x,
            series=chart.series,
            ylabel=chart.ylabel,
            mark_start=chart.mark_start,
        )
    else:
        svg = charts.bar_chart(
            slug=panel.slug,
            title=chart.title,
            description=panel.summary,
            categories=chart.categories,
            series=chart.series,
            ylabel=chart.ylabel,
            horizontal=chart.horizontal,
            stacked=chart.stacked,
        )
    return mark_safe(svg)  # noqa: S308 -- the chart writer escapes every text and attribute it writes
