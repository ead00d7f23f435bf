"""The zone's indicators page: each indicator's value for the year, its change on the year
before, its definition (formula, unit, source, period) and a chart of five years. An
incomplete source shows the reason, never a number."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import access, charts, indicator_store, indicators


@require_GET
@login_required
def page(http: HttpRequest) -> HttpResponse:
    if not access.can_view_indicators(http.user):
        raise PermissionDenied
    raw = http.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year - 1
    years = list(range(year - indicators.YEARS + 1, year + 1))
    pending = indicator_store.pending_years()  # recomputed by the scheduler, not here
    cards = []
    for indicator in indicators.INDICATORS:
        points = indicators.series(indicator, years)
        current, previous = points[-1][1], points[-2][1]
        cards.append(
            {
                "row": indicators.with_change(indicator, year, current, previous),
                "points": points,
                "chart": charts.svg(points, str(indicator.name), indicator.code),
                "pending": indicator.stored and year in pending,
            }
        )
    return render(
        http,
        "support/indicators.html",
        {
            "year": year,
            "cards": cards,
            "can_edit_sources": access.can_edit_indicator_sources(http.user),
        },
    )
