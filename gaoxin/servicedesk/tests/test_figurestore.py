"""The figures' monthly store (figurestore.py) is a cache: whatever the services did, the
figures read through it equal the figures counted live from the requests, for whole-month and
ragged periods and every grouping; a month is recounted only when marked, and a bulk load that
bypassed the services is counted after `rebuild()`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import F

from gaoxin.servicedesk import figurestore, selectors, services
from gaoxin.servicedesk.models import FigureMonth, FigureMonthChanged, ServiceRequest
from gaoxin.servicedesk.selectors import Period
from gaoxin.servicedesk.services import escalation

from .builders import desk

pytestmark = pytest.mark.django_db


def _live(period: Period, group: str, grid: Any, today: date) -> list[selectors.Figures]:
    """The figures counted straight from the requests, as before the store existed."""
    rows = selectors._accepted_in(period, grid)
    aggregates = selectors._aggregates(today)
    field = selectors.GROUPS[group]
    if field is None:
        return [selectors._figures(None, rows.aggregate(**aggregates))]
    result = rows.values(key=F(field)).annotate(**aggregates).order_by()
    rows_by_key = sorted(result, key=lambda row: (row["key"] is None, row["key"]))  # None last
    return [selectors._figures(row["key"], row) for row in rows_by_key]


def _same(a: list[selectors.Figures], b: list[selectors.Figures]) -> None:
    assert [f.key for f in a] == [f.key for f in b]
    for x, y in zip(a, b, strict=True):
        assert (x.accepted, x.resolved, x.on_time, x.rated, x.satisfied, x.in_grid) == (
            y.accepted,
            y.resolved,
            y.on_time,
            y.rated,
            y.satisfied,
            y.in_grid,
        ), x.key
        assert x.open_overdue == y.open_overdue, x.key
        assert (x.average_days is None) == (y.average_days is None)
        if x.average_days is not None:
            assert x.average_days == pytest.approx(y.average_days)


def _new(d: Any, title: str) -> Any:
    return services.submit(
        actor=d.company,
        credit_code=d.enterprise.credit_code,
        category="hiring",
        title=title,
        description="d",
    )


PERIODS = [
    Period(date(2026, 8, 1), date(2026, 10, 31)),  # whole months
    Period(date(2026, 8, 20), date(2026, 10, 10)),  # ragged at both ends
    Period(date(2026, 9, 5), date(2026, 9, 25)),  # inside one month
    Period(date(2026, 9, 1), date(2026, 10, 15)),  # whole start, ragged end
    Period(date(2025, 10, 16), date(2026, 10, 15)),  # a rolling year ended before today
    Period(date(2025, 10, 21), date(2026, 10, 20)),  # the dashboard's default: up to today
    Period(date(2026, 9, 10), date(2026, 10, 31)),  # ends after today (20 October)
]


def test_the_store_agrees_with_counting_live(on: Any) -> None:
    on(date(2026, 8, 24))
    d, other = desk(), desk("G02")
    made = [_new(d, "a"), _new(other, "b")]
    on(date(2026, 9, 1))
    made += [_new(d, "c"), _new(d, "d"), _new(other, "e")]
    services.merge(actor=d.officer, pk=made[3].pk, version=None, into=made[2].number)
    on(date(2026, 9, 3))
    for r, who in ((made[0], d.officer), (made[2], d.officer), (made[1], other.officer)):
        services.take(actor=who, pk=r.pk, version=None)
        services.resolve(actor=who, pk=r.pk, version=None, reply="ok")
    services.rate(actor=d.company, pk=made[0].pk, version=None, stars=5)
    services.rate(actor=other.company, pk=made[1].pk, version=None, stars=2)  # redo
    on(date(2026, 10, 2))
    made.append(_new(d, "f"))
    escalation.escalate_overdue()  # e to the leader, through the job's bulk path
    services.take(actor=other.leader, pk=made[4].pk, version=None)
    services.resolve(actor=other.leader, pk=made[4].pk, version=None, reply="ok")
    today = date(2026, 10, 20)
    for period in PERIODS:
        for group in selectors.GROUPS:
            for grid in (None, d.grid):
                _same(
                    selectors.figures(period, group=group, grid=grid, today=today),
                    _live(period, group, grid, today),
                )
    for shade in selectors.grid_overview(today):  # the map's shading: open from the store
        mine = ServiceRequest.objects.filter(grid=shade["grid"], status__in=selectors.OPEN)
        assert shade["open"] == mine.count() > 0
        assert shade["overdue"] == mine.filter(step_due__lt=today).count()
    for one in selectors.figures_by_month(PERIODS[0], today=today):
        end = selectors.month(one.key.year, one.key.month).end
        _same([replace(one, key=None)], _live(Period(one.key, end), "zone", None, today))


def test_a_month_is_recounted_only_when_marked_and_rebuild_counts_bulk_loads(on: Any) -> None:
    on(date(2026, 9, 1))
    d = desk()
    _new(d, "a")
    assert figurestore.refresh() == 1  # September
    assert figurestore.refresh() == 0  # nothing changed since
    assert not FigureMonthChanged.objects.exists()
    # Rows written past the services (a bulk load) are not seen until the store is rebuilt.
    template = ServiceRequest.objects.get()
    template.pk, template.number = None, "2026-BULK"
    template.accepted_on = date(2026, 7, 15)
    template.save()
    july = Period(date(2026, 7, 1), date(2026, 7, 31))
    assert selectors.figures(july)[0].accepted == 0
    assert figurestore.rebuild() == 2  # July and September
    assert selectors.figures(july)[0].accepted == 1
    assert FigureMonth.objects.filter(month=date(2026, 7, 1)).count() == 1


def test_a_change_committed_during_a_refresh_keeps_its_mark(on: Any) -> None:
    """The refresh deletes the marks it read, not every mark: one written after it read them
    is left for the next refresh."""
    on(date(2026, 9, 1))
    d = desk()
    _new(d, "a")
    read = list(FigureMonthChanged.objects.values_list("pk", flat=True))
    figurestore.changed([date(2026, 9, 1) + timedelta(days=3)])  # a later change's mark
    FigureMonthChanged.objects.filter(pk__in=read).delete()  # what refresh() deletes
    assert FigureMonthChanged.objects.count() == 1
    assert figurestore.refresh() == 1
