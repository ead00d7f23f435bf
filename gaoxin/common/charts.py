"""Charts drawn by the app itself (no CDN, no browser script): reportlab Drawings, embedded as
vector graphics in PDFs and rendered to inline SVG for pages. The housing closing report and the
service desk's dashboard and monthly report build their charts from these pieces.

reportlab's SVG renderer writes `style="…"` attributes, which the Content Security Policy
(style-src 'self') forbids; `csp_safe` turns them into SVG presentation attributes, which CSP
allows, and points text at the page's own font."""

from __future__ import annotations

import math
import re
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing

CSS_FONT = "Gaoxin Sans SC"

WIDTH = 380  # drawing units; the page shows it at most 480 px wide (12 units ≈ 10.5 px at 390)
LABEL = 13
SMALL = 12


def nice_ceiling(value: float, steps: int = 5) -> tuple[float, float]:
    """An axis maximum with headroom above `value` (at least 10%) and a round step."""
    if value <= 0:
        return 1.0, 1.0
    raw = value * 1.1 / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(value * 1.1 / step), step


def legend(font: str, pairs: list[tuple[Any, str]], x: float, y: float, per_column: int) -> Legend:
    """A legend in the order the series are drawn (left to right, top to bottom)."""
    box = Legend()
    box.x, box.y = x, y
    box.fontName = font
    box.fontSize = SMALL
    box.alignment = "right"
    box.columnMaximum = per_column
    box.deltax = 150
    box.deltay = 17
    box.dx = box.dy = 10
    box.colorNamePairs = pairs
    return box


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


def csp_safe(svg: str, label: str, key: str = "") -> str:
    """reportlab's SVG without its XML prologue and style attributes, titled `label`; with a
    `key`, its element ids (reportlab names them `clip` and `group` in every drawing) start with
    it, so that several charts on one page keep their own clipping."""
    svg = _PROLOGUE.sub(r"\1", svg, count=1)
    if key:
        svg = svg.replace('id="clip"', f'id="{key}-clip"').replace(
            "url(#clip)", f"url(#{key}-clip)"
        )
        svg = svg.replace('id="group"', f'id="{key}-group"')
    svg = _STYLE.sub(_attributes, svg)
    svg = re.sub(r"<title>.*?</title>", f"<title>{escape(label)}</title>", svg, count=1)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" class="chart" ', 1)


def to_svg(drawing: Drawing, label: str, key: str = "") -> SafeString:
    """An inline SVG for the page (built from numbers and our own labels only); give each chart
    of a page its own `key` (a word of ASCII letters)."""
    return mark_safe(csp_safe(renderSVG.drawToString(drawing), label, key))  # noqa: S308
