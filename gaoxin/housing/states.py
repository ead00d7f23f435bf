"""Housing's state machines (gaoxin/common/statemachine.py): the one place that lists which
transitions exist for a sale batch, an eligibility review or a draw request (background jobs)
and an override."""

from __future__ import annotations

from gaoxin.common.statemachine import StateMachine

from . import errors
from .choices import BatchStatus as S
from .choices import JobStatus as J
from .choices import OverrideStatus as O

BATCH = StateMachine(
    "housing.batch",
    S,
    {
        (S.DRAFT, S.REGISTRATION): "publish",  # announcement and registration window
        (S.REGISTRATION, S.REVIEW): "close_registration",
        (S.REVIEW, S.NOTICE): "start_notice",
        (S.NOTICE, S.FROZEN): "freeze_roster",
        (S.FROZEN, S.DRAWN): "draw",
        (S.DRAWN, S.UNIT_CHOICE): "start_unit_choice",
        (S.UNIT_CHOICE, S.CLOSED): "close",
        (S.DRAFT, S.CANCELLED): "cancel",
        (S.REGISTRATION, S.CANCELLED): "cancel",
        (S.REVIEW, S.CANCELLED): "cancel",
        (S.NOTICE, S.CANCELLED): "cancel",
    },
    error=errors.BATCH_BAD_TRANSITION,
)

# A background job of the batch (the eligibility review, the draw request): queued until a
# worker takes it; running may go back to queued when its worker was lost and it is run again.
JOB = StateMachine(
    "housing.job",
    J,
    {
        (J.QUEUED, J.RUNNING): "start",
        (J.QUEUED, J.FAILED): "fail",
        (J.RUNNING, J.RUNNING): "restart",  # a lost worker's job run again
        (J.RUNNING, J.DONE): "finish",
        (J.RUNNING, J.FAILED): "fail",
    },
    error=errors.JOB_BAD_TRANSITION,
)

OVERRIDE = StateMachine(
    "housing.override",
    O,
    {
        (O.PROPOSED, O.APPROVED): "approved",
        (O.PROPOSED, O.REJECTED): "rejected",
    },
    error=errors.OVERRIDE_DECIDED,
)

# Compatibility: the batch table as it was named before the common mechanism.
TRANSITIONS = BATCH.transitions


def ensure_transition(current: str, target: str) -> str:
    """The batch transition's name, or BATCH_BAD_TRANSITION naming both states."""
    return BATCH.ensure(current, target)
