"""A project's Gantt-style timeline as inline SVG drawn by the app: one bar per stage (from the
day it opened to the day it closed, or today), each item as a thin bar under it, and the land
contract and permit dates as marked lines. Presentation attributes only (the CSP forbids
style attributes)."""

from __future__ import annotations

from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from gaoxin.common.charts import CSS_FONT

from .models import Project, ProjectItem, ProjectStage

WIDTH, LEFT, ROW = 360, 110, 16
COLOURS = {"closed": "#2e7d32", "in_review": "#1565c0", "submitted": "#6a1b9a", "open": "#f9a825"}


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
    y = 18
    for s in stages:
        label = escape(f"{s.order}. {s.name}")
        parts.append(f'<text x="2" y="{y + 11}" font-size="10">{label}</text>')
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
    for day, text, colour in (
        (project.land_contract_on, "拿地", "#c62828"),
        (project.permit_on, "施工许可", "#000000"),
    ):
        if day:
            parts.append(
                f'<line x1="{x(day):.1f}" y1="12" x2="{x(day):.1f}" y2="{y}" stroke="{colour}" '
                f'stroke-dasharray="3 2"/><text x="{x(day):.1f}" y="10" font-size="9" '
                f'text-anchor="middle" fill="{colour}">{text} {day:%m-%d}</text>'
            )
    height = y + 4
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" font-family="{CSS_FONT}" data-testid="timeline">'
        f"<title>{escape(project.number)}</title>{''.join(parts)}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text above is escaped
