"""State machines as tables (issue #12): a transition not in the table is refused with a named
error that names both states; `apply` sets, saves and audits in one go."""

from __future__ import annotations

import pytest

from gaoxin.common.models import AuditEvent
from gaoxin.housing.choices import BatchStatus, JobStatus, OverrideStatus
from gaoxin.housing.states import BATCH, JOB, OVERRIDE
from gaoxin.testing.errors import raises_code


def test_the_tables_name_their_transitions_and_refuse_the_rest():
    assert BATCH.ensure(BatchStatus.FROZEN, BatchStatus.DRAWN) == "draw"
    with raises_code("housing.bad_transition") as refused:
        BATCH.ensure(BatchStatus.DRAWN, BatchStatus.REGISTRATION)
    assert "已摇号" in refused.value.message("zh") or "Drawn" in refused.value.message("en")
    assert JOB.ensure(JobStatus.RUNNING, JobStatus.DONE) == "finish"
    with raises_code("job_bad_transition"):
        JOB.ensure(JobStatus.DONE, JobStatus.RUNNING)
    with raises_code("housing.override_decided"):
        OVERRIDE.ensure(OverrideStatus.APPROVED, OverrideStatus.REJECTED)


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
    from gaoxin.housing.tests.builders import draft_batch

    batch = draft_batch(code="SM2026")
    admin = make_user("zone_admin")
    name = BATCH.apply(actor=admin, obj=batch, target=BatchStatus.CANCELLED, after={"why": "test"})
    batch.refresh_from_db()
    assert name == "cancel" and batch.status == BatchStatus.CANCELLED
    event = AuditEvent.objects.filter(action="housing.batch.cancel").last()
    assert event is not None and event.before == {"status": "draft"}
    assert event.after == {"status": "cancelled", "why": "test"}


def test_every_status_in_housing_moves_along_a_table():
    """Issue #12, item 2: each status field's enum has its machine (states.py or jobs.py)."""
    from django.apps import apps

    from gaoxin.common import jobs
    from gaoxin.common.statemachine import StateMachine
    from gaoxin.housing import states

    machines = {m.states for m in vars(states).values() if isinstance(m, StateMachine)}
    machines.add(jobs.JOB.states)
    values_of = {frozenset(enum.values) for enum in machines}
    for model in apps.get_app_config("housing").get_models():
        for field in model._meta.concrete_fields:
            if field.name == "status" and field.choices:
                values = frozenset(value for value, _label in field.choices)
                assert values in values_of, f"{model.__name__}.status has no state machine"
