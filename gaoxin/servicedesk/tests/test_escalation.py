"""The escalation ladder: by hand with a reason, and by the deadline job when a step is overdue;
the job run twice (or killed and run again) never escalates a request twice."""

from __future__ import annotations

from datetime import date

import pytest

from gaoxin.common.models import AuditEvent
from gaoxin.servicedesk import services
from gaoxin.servicedesk.choices import Level
from gaoxin.servicedesk.choices import RequestStatus as R
from gaoxin.servicedesk.services import escalation
from gaoxin.testing.errors import raises_code

from .builders import desk

pytestmark = pytest.mark.django_db


def _submit(d):
    return services.submit(
        actor=d.company,
        credit_code=d.enterprise.credit_code,
        category="hiring",
        title="招聘",
        description="需要对接",
    )


def test_overdue_steps_climb_one_rung_per_run_and_never_twice(on):
    on(date(2026, 9, 1))
    d = desk()
    r = _submit(d)  # officer: 5 working days, due 8 September
    on(date(2026, 9, 8))
    assert escalation.escalate_overdue() == 0  # due today is not overdue
    on(date(2026, 9, 9))
    assert escalation.escalate_overdue() == 1
    assert escalation.escalate_overdue() == 0  # run again: its new step is not due
    r.refresh_from_db()
    assert (r.level, r.status, r.handler, r.overdue_steps) == (Level.LEADER, R.ASSIGNED, None, 1)
    assert r.step_due == date(2026, 9, 14)  # leader: 3 working days from 9 September
    on(date(2026, 9, 15))
    assert escalation.escalate_overdue() == 1
    r.refresh_from_db()
    assert r.level == Level.DEPARTMENT and r.department == d.department
    assert list(r.steps.values_list("level", "how")) == [
        (1, "accepted"),
        (2, "overdue"),
        (3, "overdue"),
    ]
    assert AuditEvent.objects.filter(action="servicedesk.request.escalate").count() == 2


def test_waiting_requests_do_not_escalate(on):
    on(date(2026, 9, 1))
    d = desk()
    r = _submit(d)
    services.take(actor=d.officer, pk=r.pk, version=None)
    services.wait(actor=d.officer, pk=r.pk, version=None, reason="请补充材料")
    on(date(2026, 10, 30))
    assert escalation.escalate_overdue() == 0


def test_escalating_by_hand_needs_a_reason_and_stops_at_the_leadership(on):
    on(date(2026, 9, 1))
    d = desk()
    r = _submit(d)
    with raises_code("servicedesk.field_required"):
        services.escalate(actor=d.officer, pk=r.pk, version=None, reason=" ")
    services.escalate(actor=d.officer, pk=r.pk, version=None, reason="超出网格员权限")
    services.escalate(actor=d.leader, pk=r.pk, version=None, reason="需要人社局")
    services.escalate(actor=d.clerk, pk=r.pk, version=None, reason="需要区领导协调")
    r.refresh_from_db()
    assert r.level == Level.LEADERSHIP
    with raises_code("servicedesk.top_of_ladder"):
        services.escalate(actor=d.leadership, pk=r.pk, version=None, reason="再上报")
    services.take(actor=d.leadership, pk=r.pk, version=None)
    r = services.resolve(actor=d.leadership, pk=r.pk, version=None, reply="领导督办，已解决")
    assert r.resolved_level == Level.LEADERSHIP and r.resolved_on_time


def test_unrated_resolutions_close_after_five_working_days(on):
    on(date(2026, 9, 1))
    d = desk()
    r = _submit(d)
    services.take(actor=d.officer, pk=r.pk, version=None)
    services.resolve(actor=d.officer, pk=r.pk, version=None, reply="已解决")
    on(date(2026, 9, 7))
    assert escalation.close_unrated() == 0
    on(date(2026, 9, 8))
    assert escalation.close_unrated() == 1
    r.refresh_from_db()
    assert r.status == R.CLOSED and r.rating is None
