"""The figures' charts, drawn by the app (gaoxin.common.charts): the dashboard shows them as inline
SVG and the monthly report embeds the same drawings in its PDF. Each chart is drawn from
`selectors.Figures`; its numbers are also in a table beside it (page and report)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from gaoxin.common.charts import LABEL, SMALL, WIDTH, legend, nice_ceiling, to_svg

from .selectors import Figures

ACCEPTED = colors.HexColor("#1565c0")
RESOLVED = colors.HexColor("#2e7d32")
ON_TIME = colors.HexColor("#ef6c00")
IN_GRID = colors.HexColor("#00838f")
GRIDLINE = colors.HexColor("#e0e0e0")


def month_label(figures: Figures) -> str:
    return f"{figures.key:%Y-%m}"


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _title(drawing: Drawing, text: str, font: str) -> None:
    drawing.add(String(6, drawing.height - 16, text, fontName=font, fontSize=14))


def _month_axis(chart: Any, months: Sequence[Figures], font: str) -> None:
    chart.categoryAxis.categoryNames = [month_label(m) for m in months]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 11
    chart.categoryAxis.labels.angle = 45
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.categoryAxis.labels.dy = -2


def accepted_chart(months: Sequence[Figures], *, font: str = "Helvetica") -> Drawing:
    """受理量 per month: one bar a month."""
    height = 250
    drawing = Drawing(WIDTH, height)
    _title(drawing, _("Accepted per month"), font)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 44, 62, WIDTH - 54, height - 62 - 30
    chart.data = [tuple(float(m.accepted) for m in months)]
    top, step = nice_ceiling(max((v for v in chart.data[0]), default=0))
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, step
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = SMALL
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRIDLINE
    _month_axis(chart, months, font)
    chart.bars[0].fillColor = ACCEPTED
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing


def rates_chart(months: Sequence[Figures], *, font: str = "Helvetica") -> Drawing:
    """办结率 and 按时办结率 per month (percent); a month with nothing to divide has no point."""
    height = 280
    drawing = Drawing(WIDTH, height)
    _title(drawing, _("Resolution and on-time rates per month (percent)"), font)
    pairs = [(RESOLVED, _("Resolution rate")), (ON_TIME, _("Resolved on time"))]
    drawing.add(legend(font, pairs, 6, height - 30, 1))
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 44, 62, WIDTH - 54, height - 62 - 66
    chart.data = [
        tuple(_percent(m.resolution_rate) for m in months),
        tuple(_percent(m.on_time_rate) for m in months),
    ]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = SMALL
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRIDLINE
    _month_axis(chart, months, font)
    chart.joinedLines = 0  # joined per series below: a series of one point is a point alone
    for index, colour in enumerate((RESOLVED, ON_TIME)):
        chart.lines[index].strokeColor = colour
        chart.lines[index].strokeWidth = 2
        chart.lines[index].symbol = makeMarker("FilledCircle", size=4, fillColor=colour)
        if sum(value is not None for value in chart.data[index]) >= 2:
            chart.lines[index].lineStyle = "joinedLine"
    drawing.add(chart)
    return drawing


def in_grid_chart(rows: Sequence[tuple[str, Figures]], *, font: str = "Helvetica") -> Drawing:
    """网格内解决率 per grid (percent), the grids top to bottom in the order given; a grid with
    nothing resolved has no bar."""
    band = 18
    plot_height = band * max(1, len(rows))
    height = plot_height + 56
    drawing = Drawing(WIDTH, height)
    _title(drawing, _("Settled in the grid, per grid (percent)"), font)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 58, 24, WIDTH - 84, plot_height
    ordered = list(reversed(rows))  # reportlab draws the first category at the bottom
    chart.data = [tuple(_percent(f.in_grid_rate) or 0.0 for _label, f in ordered)]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = SMALL
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRIDLINE
    chart.categoryAxis.categoryNames = [label for label, _f in ordered]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = SMALL if len(rows) <= 12 else 10
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.barSpacing = 0
    chart.groupSpacing = 4
    chart.bars[0].fillColor = IN_GRID
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    if not rows:
        drawing.add(String(70, 30, _("No requests in this period."), fontName=font, fontSize=LABEL))
    return drawing


def svg_charts(
    months: Sequence[Figures], grids: Sequence[tuple[str, Figures]]
) -> dict[str, SafeString]:
    """The dashboard's charts as inline SVG, each titled for screen readers."""
    charts = {
        "accepted": to_svg(accepted_chart(months), _("Accepted per month"), "accepted"),
        "rates": to_svg(
            rates_chart(months), _("Resolution and on-time rates per month (percent)"), "rates"
        ),
    }
    if grids:
        charts["in_grid"] = to_svg(
            in_grid_chart(grids), _("Settled in the grid, per grid (percent)"), "ingrid"
        )
    return charts
