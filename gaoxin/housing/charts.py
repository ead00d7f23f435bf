"""The closing report's charts, drawn by the app itself (no CDN, no browser script): reportlab
Drawings, embedded as vector graphics in the PDF and rendered to inline SVG for the page
(the shared pieces, and why the SVG is rewritten for the Content Security Policy:
`gaoxin.common.charts`)."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from gaoxin.common.charts import LABEL, SMALL, WIDTH, legend, nice_ceiling, to_svg

from .templatetags.housing_tags import pool_label

PALETTE = [
    colors.HexColor("#9e9e9e"),  # policy minimum
    colors.HexColor("#90caf9"),  # simulator expectation
    colors.HexColor("#1565c0"),  # achieved (winners)
    colors.HexColor("#2e7d32"),  # purchased
]


def shares_chart(data: dict[str, Any], *, font: str = "Helvetica") -> Drawing:
    """Share of units per reserved pool: the policy's minimum, the simulator's expectation,
    the winners' share and the buyers' share (percent of the batch's units). Each pool's name
    stands above its bars (never over the axis); the bars run top to bottom in the legend's
    order."""
    shares = list(reversed(data["shares"]))  # reportlab draws the first category at the bottom
    keys = ("minimum", "expected", "achieved", "purchased")
    names = [_("Policy minimum"), _("Expected (simulator)"), _("Winners"), _("Buyers")]
    band = 78
    plot_height = band * max(1, len(shares))
    legend_height = 4 * 17
    height = plot_height + legend_height + 62
    drawing = Drawing(WIDTH, height)
    drawing.add(String(6, height - 16, _("Share of units (percent)"), fontName=font, fontSize=14))
    drawing.add(legend(font, list(zip(PALETTE, names, strict=True)), 6, height - 32, 4))
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 8, 28, WIDTH - 40, plot_height
    # within a group reportlab draws the last series on top: reversed, so that the bars read
    # top to bottom as the legend does
    chart.data = [tuple(float(s[key] or 0) for s in shares) for key in reversed(keys)]
    top, step = nice_ceiling(max(100.0, *(v for series in chart.data for v in series)) / 1.1)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(100.0, top)
    chart.valueAxis.valueStep = 20 if chart.valueAxis.valueMax <= 120 else step
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = SMALL
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e0e0e0")
    chart.categoryAxis.categoryNames = ["" for _s in shares]
    chart.categoryAxis.visibleTicks = False
    chart.groupSpacing = 34
    chart.barSpacing = 1
    for index, colour in enumerate(reversed(PALETTE)):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    for index, share in enumerate(shares):
        drawing.add(
            String(
                chart.x + 4,
                chart.y + (index + 1) * band - 14,
                str(pool_label(share["pool"])),
                fontName=font,
                fontSize=LABEL,
            )
        )
    return drawing


def registration_chart(data: dict[str, Any], *, font: str = "Helvetica") -> Drawing | None:
    """Winners per block of registration order: observed against expected, the axis with
    headroom above the tallest bar, the blocks' labels slanted below the axis."""
    bins = data["tests"]["registration_bins"].get("bins")
    if not bins:
        return None
    height = 280
    drawing = Drawing(WIDTH, height)
    drawing.add(
        String(6, height - 16, _("Winners by registration order"), fontName=font, fontSize=14)
    )
    drawing.add(
        legend(font, [(PALETTE[2], _("Winners")), (PALETTE[1], _("Expected"))], 6, height - 30, 1)
    )
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 70, WIDTH - 46, height - 70 - 56
    chart.data = [
        tuple(float(b["observed"]) for b in bins),
        tuple(float(b["expected"]) for b in bins),
    ]
    top, step = nice_ceiling(max(v for series in chart.data for v in series))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = SMALL
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e0e0e0")
    chart.categoryAxis.categoryNames = [f"{b['from']}–{b['to']}" for b in bins]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = SMALL if len(bins) <= 8 else 11
    chart.categoryAxis.labels.angle = 45
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.categoryAxis.labels.dy = -2
    chart.bars[0].fillColor = PALETTE[2]
    chart.bars[1].fillColor = PALETTE[1]
    chart.bars[0].strokeColor = chart.bars[1].strokeColor = None
    drawing.add(chart)
    drawing.add(
        String(6, 6, _("Registration order (blocks of entries)"), fontName=font, fontSize=SMALL)
    )
    return drawing


def svg_charts(data: dict[str, Any]) -> dict[str, SafeString]:
    charts = {"shares": to_svg(shares_chart(data), _("Share of units (percent)"), "shares")}
    registration = registration_chart(data)
    if registration is not None:
        charts["registration"] = to_svg(
            registration, _("Winners by registration order"), "registration"
        )
    return charts
