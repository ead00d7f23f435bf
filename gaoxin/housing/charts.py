"""The closing report's charts, drawn by the app itself (no CDN, no browser script): reportlab
Drawings, embedded as vector graphics in the PDF and rendered to inline SVG for the page.

reportlab's SVG renderer writes `style="…"` attributes, which the Content Security Policy
(style-src 'self') forbids; `_csp_safe` turns them into SVG presentation attributes, which CSP
allows, and points text at the page's own font."""

from __future__ import annotations

import re
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from .templatetags.housing_tags import pool_label

PALETTE = [
    colors.HexColor("#9e9e9e"),  # policy minimum
    colors.HexColor("#90caf9"),  # simulator expectation
    colors.HexColor("#1565c0"),  # achieved (winners)
    colors.HexColor("#2e7d32"),  # purchased
]
CSS_FONT = "Gaoxin Sans SC"


def shares_chart(data: dict[str, Any], *, font: str = "Helvetica") -> Drawing:
    """Share of units per reserved pool: the policy's minimum, the simulator's expectation,
    the winners' share and the buyers' share (percent of the batch's units)."""
    shares = list(reversed(data["shares"]))  # reportlab draws the first category at the bottom
    drawing = Drawing(480, 210)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 150, 30, 210, 150
    chart.data = [
        tuple(float(s[key] or 0) for s in shares)
        for key in ("minimum", "expected", "achieved", "purchased")
    ]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(100.0, *(v for series in chart.data for v in series))
    chart.valueAxis.valueStep = 20
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.categoryAxis.categoryNames = [str(pool_label(s["pool"])) for s in shares]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.barSpacing = 1
    chart.groupSpacing = 8
    for index, colour in enumerate(PALETTE):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 375, 170
    legend.fontName = font
    legend.fontSize = 8
    legend.alignment = "right"
    legend.columnMaximum = 4
    legend.colorNamePairs = list(
        zip(
            PALETTE,
            [_("Policy minimum"), _("Expected (simulator)"), _("Winners"), _("Buyers")],
            strict=True,
        )
    )
    drawing.add(legend)
    drawing.add(String(150, 190, _("Share of units (percent)"), fontName=font, fontSize=10))
    return drawing


def registration_chart(data: dict[str, Any], *, font: str = "Helvetica") -> Drawing | None:
    """Winners per block of registration order: observed against expected."""
    bins = data["tests"]["registration_bins"].get("bins")
    if not bins:
        return None
    drawing = Drawing(480, 210)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 50, 40, 300, 140
    chart.data = [
        tuple(float(b["observed"]) for b in bins),
        tuple(float(b["expected"]) for b in bins),
    ]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = font
    chart.categoryAxis.categoryNames = [f"{b['from']}–{b['to']}" for b in bins]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.bars[0].fillColor = PALETTE[2]
    chart.bars[1].fillColor = PALETTE[1]
    chart.bars[0].strokeColor = chart.bars[1].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 360, 170
    legend.fontName = font
    legend.fontSize = 8
    legend.colorNamePairs = [(PALETTE[2], _("Winners")), (PALETTE[1], _("Expected"))]
    drawing.add(legend)
    drawing.add(String(50, 190, _("Winners by registration order"), fontName=font, fontSize=10))
    return drawing


_STYLE = re.compile(r'style="([^"]*)"')
_PROLOGUE = re.compile(r"^.*?(<svg\b)", re.DOTALL)


def _attributes(match: re.Match[str]) -> str:
    pairs = []
    for declaration in match.group(1).split(";"):
        name, _sep, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if not name or not value:
            continue
        if name == "font-family":
            value = CSS_FONT
        pairs.append(f'{name}="{escape(value)}"')
    return " ".join(pairs)


def _csp_safe(svg: str, label: str) -> str:
    svg = _PROLOGUE.sub(r"\1", svg, count=1)
    svg = _STYLE.sub(_attributes, svg)
    svg = re.sub(r"<title>.*?</title>", f"<title>{escape(label)}</title>", svg, count=1)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" class="chart" ', 1)


def to_svg(drawing: Drawing, label: str) -> SafeString:
    """An inline SVG for the page (built from numbers and our own labels only)."""
    return mark_safe(_csp_safe(renderSVG.drawToString(drawing), label))  # noqa: S308


def svg_charts(data: dict[str, Any]) -> dict[str, SafeString]:
    charts = {"shares": to_svg(shares_chart(data), _("Share of units (percent)"))}
    registration = registration_chart(data)
    if registration is not None:
        charts["registration"] = to_svg(registration, _("Winners by registration order"))
    return charts
