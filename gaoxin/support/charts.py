"""The indicators' charts, drawn by the app (gaoxin.common.charts): one bar per year; a year
whose source data is incomplete has no bar (its reason is in the table beside the chart)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from gaoxin.common.charts import SMALL, WIDTH, nice_ceiling, to_svg

from .indicators import Value

BAR = colors.HexColor("#1565c0")
GRIDLINE = colors.HexColor("#e0e0e0")


def indicator_chart(points: Sequence[tuple[int, Value]], *, font: str = "Helvetica") -> Drawing:
    height = 200
    drawing = Drawing(WIDTH, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 54, 30, WIDTH - 64, height - 44
    chart.data = [tuple(float(v.number) if v.number is not None else None for _y, v in points)]
    top, step = nice_ceiling(max((float(v.number) for _y, v in points if v.number), default=0))
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, step
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = SMALL
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRIDLINE
    chart.categoryAxis.categoryNames = [str(y) for y, _v in points]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = SMALL
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing


def svg(points: Sequence[tuple[int, Value]], label: str, key: str) -> SafeString:
    return to_svg(indicator_chart(points), label, key)
