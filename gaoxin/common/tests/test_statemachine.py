"""State machines as tables (issue #12): a transition not in the table is refused with a named
error that names both states; `apply` sets, saves and audits in one go."""

from __future__ import annotations

import pytest

from gaoxin.common.errors import GaoxinError
from gaoxin.common.models import AuditEvent
from gaoxin.housing.choices import BatchStatus, JobStatus, OverrideStatus
from gaoxin.housing.states import BATCH, JOB, OVERRIDE


def test_the_tables_name_their_transitions_and_refuse_the_rest():
    assert BATCH.ensure(BatchStatus.FROZEN, BatchStatus.DRAWN) == "draw"
    with pytest.raises(GaoxinError) as refused:
        BATCH.ensure(BatchStatus.DRAWN, BatchStatus.REGISTRATION)
    assert refused.value.code == "housing.bad_transition"
    assert "已摇号" in refused.value.message("zh") or "Drawn" in refused.value.message("en")
    assert JOB.ensure(JobStatus.RUNNING, JobStatus.DONE) == "finish"
    with pytest.raises(GaoxinError) as done_twice:
        JOB.ensure(JobStatus.DONE, JobStatus.RUNNING)
    assert done_twice.value.code == "housing.job_bad_transition"
    with pytest.raises(GaoxinError) as decided:
        OVERRIDE.ensure(OverrideStatus.APPROVED, OverrideStatus.REJECTED)
    assert decided.value.code == "housing.override_decided"


def test_terminal_states_and_targets():
    assert JOB.terminal() == {JobStatus.DONE, JobStatus.FAILED}
    assert OVERRIDE.terminal() == {OverrideStatus.APPROVED, OverrideStatus.REJECTED}
    assert set(BATCH.targets(BatchStatus.REVIEW)) == {BatchStatus.NOTICE, BatchStatus.CANCELLED}
    assert BATCH.terminal() == {BatchStatus.CLOSED, BatchStatus.CANCELLED}


def test_a_table_naming_an_unknown_state_is_refused_at_import():
    from gaoxin.common.errors import ErrorCode
    from gaoxin.common.statemachine import StateMachine

    with pytest.raises(ValueError):
        StateMachine("x", JobStatus, {("queued", "nowhere"): "go"}, error=ErrorCode("x", "", ""))


@pytest.mark.django_db
def test_apply_saves_and_audits(make_user):
    from gaoxin.housing.tests.factories import make_batch

    batch = make_batch(code="SM2026", status="draft")
    admin = make_user("zone_admin")
    name = BATCH.apply(actor=admin, obj=batch, target=BatchStatus.CANCELLED, after={"why": "test"})
    batch.refresh_from_db()
    assert name == "cancel" and batch.status == BatchStatus.CANCELLED
    event = AuditEvent.objects.filter(action="housing.batch.cancel").last()
    assert event is not None and event.before == {"status": "draft"}
    assert event.after == {"status": "cancelled", "why": "test"}
