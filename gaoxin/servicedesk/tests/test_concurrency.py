"""On PostgreSQL: two officers acting on one request at the same moment (one wins, the other is
told who changed it), one hotline case sent twice at the same moment (one request), two deadline
jobs at once and a job killed half-way then run again (no request escalated twice)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gaoxin.common.errors import GaoxinError
from gaoxin.servicedesk import services
from gaoxin.servicedesk.choices import Level
from gaoxin.servicedesk.choices import RequestStatus as R
from gaoxin.servicedesk.models import RequestStep, ServiceRequest
from gaoxin.servicedesk.services import escalation
from gaoxin.testing.concurrency import together
from gaoxin.testing.processes import manage, run, start_paused

from .builders import desk

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_officers_take_one_request_at_the_same_moment():
    d = desk()
    r = services.submit(
        actor=d.company,
        credit_code=d.enterprise.credit_code,
        category="hiring",
        title="招聘",
        description="需要对接",
    )
    shown = r.version
    outcomes = together(
        [
            lambda: services.take(actor=d.officer, pk=r.pk, version=shown),
            lambda: services.take(actor=d.officer2, pk=r.pk, version=shown),
        ]
    )
    won = [o for o in outcomes if isinstance(o, ServiceRequest)]
    lost = [o for o in outcomes if isinstance(o, GaoxinError)]
    assert len(won) == 1 and len(lost) == 1
    assert lost[0].code == "servicedesk.conflict"
    assert lost[0].params["who"] == getattr(won[0].handler, "username", None)
    r.refresh_from_db()
    assert r.status == R.IN_PROGRESS and r.handler == won[0].handler and r.version == shown + 1


def test_one_hotline_case_sent_twice_at_the_same_moment_makes_one_request():
    d = desk()

    def send():
        return services.transfer_from_hotline(
            actor=d.leadership,
            case_number="HF-2026-77",
            credit_code=d.enterprise.credit_code,
            category="utilities",
            title="停电",
            description="园区停电",
        )

    outcomes = together([send, send, send, send])
    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    assert sorted(created for _r, created in outcomes) == [False, False, False, True]
    assert len({made.pk for made, _c in outcomes}) == 1
    assert ServiceRequest.objects.filter(hotline_case="HF-2026-77").count() == 1


def _overdue(d, count):
    today = timezone.localdate()
    rows = ServiceRequest.objects.bulk_create(
        [
            ServiceRequest(
                number=f"T-{n:06d}",
                enterprise=d.enterprise,
                grid=d.grid,
                category=d.category,
                channel="phone",
                title="t",
                description="d",
                status=R.IN_PROGRESS,
                level=Level.OFFICER,
                handler=d.officer,
                accepted_on=today - timedelta(days=30),
                step_started_on=today - timedelta(days=30),
                step_due=today - timedelta(days=10),
            )
            for n in range(count)
        ]
    )
    RequestStep.objects.bulk_create(
        [
            RequestStep(request=r, level=1, started_on=r.accepted_on, due_on=r.step_due, how="x")
            for r in rows
        ]
    )


def _escalated_once_each(count):
    assert ServiceRequest.objects.filter(level=Level.LEADER).count() == count
    steps = RequestStep.objects.filter(level=Level.LEADER).values_list("request_id", flat=True)
    assert len(steps) == len(set(steps)) == count


def test_two_deadline_jobs_at_once_escalate_each_request_once():
    d = desk()
    _overdue(d, 600)
    moved = together([escalation.escalate_overdue, escalation.escalate_overdue])
    assert sum(moved) == 600
    _escalated_once_each(600)


@pytest.mark.slow
def test_a_deadline_job_killed_half_way_then_run_again(tmp_path):
    d = desk()
    _overdue(d, escalation.CHUNK * 2 + 100)
    paused = start_paused(
        manage("servicedesk_escalate"),
        point="servicedesk.escalate.chunk_2",
        log=tmp_path / "killed.log",
    )
    paused.kill()
    # The first chunk committed; the second was written but not committed.
    assert ServiceRequest.objects.filter(level=Level.LEADER).count() == escalation.CHUNK
    run(manage("servicedesk_escalate"), log=tmp_path / "again.log")
    _escalated_once_each(escalation.CHUNK * 2 + 100)
