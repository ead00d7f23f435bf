"""A project's Gantt-style timeline as inline SVG drawn by the app: one bar per stage (from the
day it opened to the day it closed, or today), each item as a thin bar under it, and the land
contract and permit dates as marked lines. Presentation attributes only (the CSP forbids
style attributes)."""

from __future__ import annotations

from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from gaoxin.common.charts import CSS_FONT

from .choices import StageStatus
from .models import Project, ProjectItem, ProjectStage

WIDTH, LEFT, ROW = 640, 150, 20
COLOURS = {"closed": "#2e7d32", "in_review": "#1565c0", "submitted": "#6a1b9a", "open": "#f9a825"}


def _text_width(text: str) -> float:
    """About how wide a label is at font size 11: a Chinese character is square."""
    return sum(11 if ord(c) > 0x2E80 else 6.2 for c in text)


def timeline(
    project: Project, stages: list[ProjectStage], items: list[ProjectItem], today: date
) -> SafeString:
    days = [project.started_on, today]
    days += [d for s in stages for d in (s.opened_on, s.closed_on) if d]
    days += [d for d in (project.land_contract_on, project.permit_on) if d]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return LEFT + (WIDTH - LEFT - 4) * (day - first).days / span

    parts: list[str] = []
    y = 22
    for s in stages:
        label = escape(f"{s.order}. {s.name}")
        parts.append(f'<text x="2" y="{y + 11}" font-size="12">{label}</text>')
        if s.opened_on:
            end = s.closed_on or today
            colour = COLOURS.get(s.status, "#9e9e9e")
            w = max(x(end) - x(s.opened_on), 2)
            tip = f"{label}: {s.opened_on} → {s.closed_on or '…'}"
            parts.append(
                f'<rect x="{x(s.opened_on):.1f}" y="{y}" width="{w:.1f}" height="12" '
                f'fill="{colour}"><title>{tip}</title></rect>'
            )
        y += ROW
        for it in (i for i in items if i.stage_id == s.pk):
            if it.dispatched_on is None:
                continue
            end = it.decided_on or today
            w = max(x(end) - x(it.dispatched_on), 1.5)
            parts.append(
                f'<rect x="{x(it.dispatched_on):.1f}" y="{y - 3}" width="{w:.1f}" height="3" '
                f'fill="#90a4ae"><title>{escape(it.name)}</title></rect>'
            )
            y += 4
        y += 4
    land, permit = project.land_contract_on, project.permit_on
    for day, text, colour, anchor, dx in (
        (land, _("Land"), "#c62828", "end", -3),
        (permit, _("Permit"), "#000000", "start", 3),
    ):
        if day:
            parts.append(
                f'<line x1="{x(day):.1f}" y1="14" x2="{x(day):.1f}" y2="{y}" stroke="{colour}" '
                f'stroke-dasharray="3 2"/><text x="{x(day) + dx:.1f}" y="12" font-size="11" '
                f'text-anchor="{anchor}" fill="{colour}">{escape(text)} {day:%m-%d}</text>'
            )
    # The legend: what a stage bar's colour says.
    y += 8
    lx = 2.0
    for status in (StageStatus.OPEN, StageStatus.SUBMITTED, StageStatus.IN_REVIEW):
        parts.append(
            f'<rect x="{lx:.1f}" y="{y}" width="10" height="10" fill="{COLOURS[status]}"/>'
            f'<text x="{lx + 13:.1f}" y="{y + 9}" font-size="11">{escape(status.label)}</text>'
        )
        lx += 22 + _text_width(str(status.label))
    parts.append(
        f'<rect x="{lx:.1f}" y="{y}" width="10" height="10" fill="{COLOURS["closed"]}"/>'
        f'<text x="{lx + 13:.1f}" y="{y + 9}" font-size="11">'
        f"{escape(StageStatus.CLOSED.label)}</text>"
    )
    height = y + 16
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" font-family="{CSS_FONT}" '
        f'data-testid="timeline">'
        f"<title>{escape(project.number)}</title>{''.join(parts)}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text above is escaped
