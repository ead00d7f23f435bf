"""What each desk role's home page lists as waiting for it (common/todos.py), counted from data:
the officer's visits due, hazards to re-inspect and notices unacknowledged in the grid; the
enterprise's hazards to rectify and notices to acknowledge."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import RequestFactory

from gaoxin.accounts import roles
from gaoxin.servicedesk.choices import Severity
from gaoxin.servicedesk.models import Duty, DutyHolder
from gaoxin.servicedesk.navigation import todos
from gaoxin.servicedesk.services import notices, safety

from .builders import desk
from .test_field import _hazard
from .test_statistics import GOOD, _form, _submit

pytestmark = pytest.mark.django_db


def _todos(user: Any) -> dict[str, int | None]:
    request = RequestFactory().get("/")
    request.user = user
    return {str(t.label): t.count for t in todos(request)}


def test_the_officer_and_the_enterprise_see_what_waits_for_them(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    d = desk()
    officer = _todos(d.officer)
    assert officer["Enterprises to visit this quarter"] == 1  # the grid's one enterprise
    assert "Hazards reported rectified, awaiting re-inspection" not in officer
    company = _todos(d.company)
    assert company["Notices to acknowledge"] == 0
    assert "Safety hazards to rectify" not in company

    hazard = _hazard(d, Severity.GENERAL)
    notice = notices.send(
        actor=d.leadership, kind="health", title="流感防控", body="请做好通风。", grids=["G01"]
    )
    company = _todos(d.company)
    assert company["Safety hazards to rectify"] == 1
    assert company["Notices to acknowledge"] == 1
    assert _todos(d.officer)["Notices not yet acknowledged by all your enterprises"] == 1

    safety.report_rectified(actor=d.company, pk=hazard.pk, version=None, text="已清理通道")
    notices.acknowledge(actor=d.company, pk=notice.pk)
    company = _todos(d.company)
    assert "Safety hazards to rectify" not in company
    assert company["Notices to acknowledge"] == 0
    officer = _todos(d.officer)
    assert officer["Hazards reported rectified, awaiting re-inspection"] == 1
    assert "Notices not yet acknowledged by all your enterprises" not in officer
    # Each to-do goes on the panel of a role the user holds: the grid leader's queue on theirs.
    request = RequestFactory().get("/")
    request.user = d.leader
    leader = list(todos(request))
    assert "Requests waiting for you" in {str(t.label) for t in leader}
    assert {t.role for t in leader} == {roles.GRID_LEADER}


def test_statistics_reports_owed_and_awaiting_acceptance_are_counted(
    settings: Any, on: Any
) -> None:
    """A monthly form from January; today 2026-05-15, so January to April have ended: four
    reports owed by the enterprise; one sent in waits for the grid's statistics officer
    (officer2) to accept it."""
    settings.LANGUAGE_CODE = "en"
    on(date(2026, 5, 15))
    d = desk()
    statistics_duty = Duty.objects.get(code="statistics")
    DutyHolder.objects.create(
        grid=d.grid, duty=statistics_duty, officer=d.officer2, valid_from=date(2020, 1, 1)
    )
    _form()
    assert _todos(d.company)["Statistics reports to send"] == 4
    assert "Statistics reports sent in, awaiting your acceptance" not in _todos(d.officer2)
    _submit(d.company, d.enterprise, "2026-01", GOOD)
    assert _todos(d.company)["Statistics reports to send"] == 3
    assert _todos(d.officer2)["Statistics reports sent in, awaiting your acceptance"] == 1
    # The service-duty officer does not answer for statistics: nothing for them.
    assert "Statistics reports sent in, awaiting your acceptance" not in _todos(d.officer)
