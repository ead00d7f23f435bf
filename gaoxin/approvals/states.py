"""The approvals desk's state machines (common/statemachine.py): a project, a stage, an item."""

from __future__ import annotations

from gaoxin.common.statemachine import StateMachine

from . import errors
from .choices import ItemStatus as I
from .choices import ProjectStatus as P
from .choices import StageStatus as S

PROJECT = StateMachine(
    "approvals.project",
    P,
    {(P.IN_PROGRESS, P.COMPLETED): "complete"},
    error=errors.BAD_TRANSITION,
)

STAGE = StateMachine(
    "approvals.stage",
    S,
    {
        (S.WAITING, S.OPEN): "open",  # the previous stage closed (全程串联)
        (S.OPEN, S.SUBMITTED): "submit",  # the package, once
        (S.SUBMITTED, S.OPEN): "return",  # incomplete: back to the applicant
        (S.SUBMITTED, S.IN_REVIEW): "dispatch",  # every item at the same moment
        (S.IN_REVIEW, S.CLOSED): "close",  # its last item ended
        (S.WAITING, S.CLOSED): "close",  # every item pre-reviewed, converted on the land date
        (S.OPEN, S.CLOSED): "close",
        (S.SUBMITTED, S.CLOSED): "close",
    },
    error=errors.BAD_TRANSITION,
)

ITEM = StateMachine(
    "approvals.item",
    I,
    {
        (I.PENDING, I.PREREVIEWED): "prereview",  # on draft documents, before land
        (I.PENDING, I.IN_REVIEW): "dispatch",
        (I.IN_REVIEW, I.PREREVIEWED): "prereview",  # dispatched before the land was obtained
        (I.PREREVIEWED, I.APPROVED): "convert",  # the land contract date: one step
        (I.IN_REVIEW, I.APPROVED): "approve",
        (I.IN_REVIEW, I.CONDITIONAL): "approve_with_conditions",
        (I.IN_REVIEW, I.CORRECTION): "ask_correction",  # the clock stops
        (I.CORRECTION, I.IN_REVIEW): "answer_correction",  # the clock runs again
        (I.IN_REVIEW, I.REFUSED): "refuse",
        (I.APPROVED, I.SUSPENDED): "suspend",  # a 容缺 promise broken
        (I.CONDITIONAL, I.SUSPENDED): "suspend",
        (I.IN_REVIEW, I.SUSPENDED): "suspend",
        (I.SUSPENDED, I.APPROVED): "reinstate",  # the document arrived
        (I.SUSPENDED, I.CONDITIONAL): "reinstate",
        (I.SUSPENDED, I.IN_REVIEW): "reinstate",
        (I.APPROVED, I.REVOKED): "revoke",  # 告知承诺 compliance check failed
    },
    error=errors.BAD_TRANSITION,
)
