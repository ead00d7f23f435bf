"""The dashboard's figures against values computed by hand on a small data set
(docs/servicedesk.md, "The figures")."""

from __future__ import annotations

from datetime import date

import pytest

from gaoxin.servicedesk import clock, selectors, services
from gaoxin.servicedesk.services import escalation

from .builders import desk

pytestmark = pytest.mark.django_db


def _new(d, title="t"):
    return services.submit(
        actor=d.company,
        credit_code=d.enterprise.credit_code,
        category="hiring",  # limits: officer 5, leader 3, department 10 working days
        title=title,
        description="d",
    )


def _resolve(d, r, who):
    services.take(actor=who, pk=r.pk, version=None)
    return services.resolve(actor=who, pk=r.pk, version=None, reply="ok")


def test_figures_by_hand(monkeypatch):
    day = {"today": date(2026, 9, 1)}  # Tuesday
    monkeypatch.setattr(clock, "today", lambda: day["today"])
    d = desk()
    a = _new(d, "a")  # resolved by the officer on day 3 (2 working days), rated 5
    b = _new(d, "b")  # resolved by the officer after its limit (late), rated 3
    c = _new(d, "c")  # escalated to the leader by hand, resolved there, rated 2 then 4
    e = _new(d, "e")  # escalated twice by the job, resolved by the department, unrated
    f = _new(d, "f")  # still open and overdue
    g = _new(d, "g")  # merged into f: left out of every figure
    services.merge(actor=d.officer, pk=g.pk, version=None, into=f.number)

    day["today"] = date(2026, 9, 3)
    _resolve(d, a, d.officer)
    services.rate(actor=d.company, pk=a.pk, version=None, stars=5)
    services.escalate(actor=d.officer, pk=c.pk, version=None, reason="需要网格长")
    _resolve(d, c, d.leader)
    services.rate(actor=d.company, pk=c.pk, version=None, stars=2)  # redo, same leader
    services.resolve(actor=d.leader, pk=c.pk, version=None, reply="again")
    services.rate(actor=d.company, pk=c.pk, version=None, stars=4)

    day["today"] = date(2026, 9, 9)  # officer limit was 8 September
    _resolve(d, b, d.officer)
    services.rate(actor=d.company, pk=b.pk, version=None, stars=3)
    escalation.escalate_overdue()  # e and f to the leader (due 14 September)
    day["today"] = date(2026, 9, 15)
    services.take(actor=d.leader, pk=f.pk, version=None)
    escalation.escalate_overdue()  # e and f to the department
    _resolve(d, e, d.clerk)

    period = selectors.Period(date(2026, 9, 1), date(2026, 9, 30))
    zone = selectors.figures(period, today=date(2026, 10, 12))[0]
    # accepted a b c e f (g merged) = 5; resolved a b c e = 4
    assert (zone.accepted, zone.resolved) == (5, 4)
    assert zone.resolution_rate == 4 / 5
    # on time: a and c (c's redo at the leader within its limit); b late; e escalated overdue
    assert zone.on_time == 2 and zone.on_time_rate == 2 / 4
    # rated a=5, b=3, c=4 (final); satisfied 5 and 4
    assert (zone.rated, zone.satisfied) == (3, 2)
    # in the grid: a, b (officer), c (leader); e at the department
    assert zone.in_grid == 3 and zone.in_grid_rate == 3 / 4
    # working days from 1 September: a 2 (2, 3 Sep), c 2, b 6 (2–4, 7–9), e 10 (2–4, 7–11, 14–15)
    assert zone.average_days == (2 + 2 + 6 + 10) / 4
    # f is open at the department, due 10 working days after 15 September (29 September)
    assert zone.open_overdue == 1

    by_level = {row.key: row.resolved for row in selectors.figures(period, group="department")}
    assert by_level == {None: 3, d.department.code: 1}
    empty = selectors.figures(selectors.Period(date(2025, 1, 1), date(2025, 1, 31)))[0]
    assert empty.accepted == 0 and empty.resolution_rate is None


def test_previous_period_of_a_month_a_quarter_and_a_span():
    assert selectors.month(2026, 3).previous() == selectors.month(2026, 2)
    assert selectors.quarter(2026, 1).previous() == selectors.quarter(2025, 4)
    assert selectors.year(2026).previous() == selectors.year(2025)
    span = selectors.Period(date(2026, 1, 10), date(2026, 1, 19))
    assert span.previous() == selectors.Period(date(2025, 12, 31), date(2026, 1, 9))
