"""A report's chart as SVG (pygal), to put inline in a page: readable on screen, on paper and in a PDF.

No JavaScript (the page's Content-Security-Policy allows none inline, and paper has none): pygal's own script
is left out and its hover tooltips with it, so what a chart says is drawn — the axes carry the values and the
table under the chart the exact figures. White background, dark text and the product's colours, solid fills
that print in grey scale as distinct shades. The SVG has a ``<title>`` and ``<desc>`` (``role="img"``) for
screen readers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pygal
from pygal.style import Style

ChartKind = Literal["bar", "stacked_bar", "line"]

# The stylesheet's primary, success, warning, info and danger colours, then softer ones: distinct in print.
COLOURS = ("#2450c4", "#17663a", "#c46a00", "#1f5a8a", "#b3261e", "#7a4fb5", "#556072", "#8fb0ee")
FONT = '"Inter", system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#18212f",
    foreground_strong="#0f1724",
    foreground_subtle="#d5dbe4",
    opacity="1",
    opacity_hover="0.85",
    transition="0s",
    colors=COLOURS,
    font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    legend_font_size=14,
    title_font_size=16,
    tooltip_font_size=12,
)

_CHARTS: dict[str, Callable[..., Any]] = {"bar": pygal.Bar, "stacked_bar": pygal.StackedBar, "line": pygal.Line}
_SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Series:
    name: str  # translated: the legend shows it
    values: Sequence[float | None]


def _without_scripts_with_title(title: str, description: str, chart_id: str) -> Callable[[Any], Any]:
    def fix(root: Any) -> Any:
        for parent in list(root.iter()):
            for child in list(parent):
                if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                    parent.remove(child)
        namespace = _SVG if root.tag.startswith(_SVG) else ""
        title_node = root.makeelement(f"{namespace}title", {"id": f"{chart_id}-title"})
        title_node.text = title
        desc_node = root.makeelement(f"{namespace}desc", {"id": f"{chart_id}-desc"})
        desc_node.text = description
        root.insert(0, desc_node)
        root.insert(0, title_node)
        root.set("role", "img")
        root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
        return root

    return fix


def chart_svg(
    kind: ChartKind,
    *,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    value_format: Callable[[float], str] | None = None,
    no_data: str = "",
    width: int = 760,
    height: int = 360,
) -> str:
    """The chart as ``<svg>…</svg>`` (no XML declaration, no script). ``title`` and ``description`` are what a
    screen reader says (the page shows its own heading); ``value_format`` writes the y axis' numbers."""
    chart_id = f"chart-{uuid.uuid4().hex[:12]}"
    many = len(x_labels) > 6
    chart = _CHARTS[kind](
        style=STYLE,
        width=width,
        height=height,
        disable_xml_declaration=True,
        js=[],
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(4, max(1, len(series))),
        truncate_legend=40,
        truncate_label=18 if many else 28,
        x_label_rotation=30 if many else 0,
        show_minor_x_labels=True,
        margin=12,
        spacing=12,
        print_values=False,
        no_data_text=no_data,
        dots_size=4,
        stroke_style={"width": 3},
        include_x_axis=True,
        range=None,
        max_scale=6,  # a handful of round numbers on the y axis, not one every few pixels
    )
    if value_format is not None:
        chart.value_formatter = value_format
    chart.x_labels = list(x_labels)
    for one in series:
        chart.add(one.name, list(one.values))
    chart.add_xml_filter(_without_scripts_with_title(title, description, chart_id))
    return str(chart.render(is_unicode=True))
