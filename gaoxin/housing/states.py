"""Housing's state machines (gaoxin/common/statemachine.py): the one place that lists which
transitions exist for every status in housing — a sale batch, an application, an override, a
unit and a place in the unit-choice queue; background jobs use common/jobs.py. Services check
the transition here and the actor's right in access.py, and record the audit event."""

from __future__ import annotations

from gaoxin.common import jobs
from gaoxin.common.statemachine import StateMachine

from . import errors
from .choices import ApplicationStatus as A
from .choices import BatchStatus as S
from .choices import OverrideStatus as O
from .choices import TurnStatus as T
from .choices import UnitStatus as U

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

# A background job of the batch (the eligibility review, the draw request) moves along the
# platform's one job machine (common/jobs.py).
JOB = jobs.JOB

OVERRIDE = StateMachine(
    "housing.override",
    O,
    {
        (O.PROPOSED, O.APPROVED): "approved",
        (O.PROPOSED, O.REJECTED): "rejected",
    },
    error=errors.OVERRIDE_DECIDED,
)

APPLICATION = StateMachine(
    "housing.application",
    A,
    {
        (A.UNCONFIRMED, A.SUBMITTED): "confirmed",  # the applicant, from the bound account
        (A.UNCONFIRMED, A.WITHDRAWN): "withdrawn",  # the sales office that entered it
        (A.UNCONFIRMED, A.LAPSED): "lapsed",  # not confirmed when registration closed
        (A.SUBMITTED, A.WITHDRAWN): "withdrawn",
    },
    error=errors.APPLICATION_BAD_TRANSITION,
)

UNIT = StateMachine(
    "housing.unit",
    U,
    {
        (U.AVAILABLE, U.CHOSEN): "chosen",
        (U.CHOSEN, U.CONTRACTED): "contracted",
        (U.CHOSEN, U.AVAILABLE): "forfeited",  # chosen but not signed: offered again
    },
    error=errors.UNIT_BAD_TRANSITION,
)

TURN = StateMachine(
    "housing.choice",
    T,
    {
        (T.WAITING, T.CHOSEN): "chosen",
        (T.WAITING, T.DECLINED): "declined",
        (T.WAITING, T.NO_SHOW): "no_show",
        (T.WAITING, T.NOT_CALLED): "not_called",  # the sale closed before this place was called
        (T.CHOSEN, T.CONTRACTED): "contracted",
        (T.CHOSEN, T.FORFEITED): "forfeited",
    },
    error=errors.TURN_BAD_TRANSITION,
)

# Compatibility: the batch table as it was named before the common mechanism.
TRANSITIONS = BATCH.transitions


def ensure_transition(current: str, target: str) -> str:
    """The batch transition's name, or BATCH_BAD_TRANSITION naming both states."""
    return BATCH.ensure(current, target)
