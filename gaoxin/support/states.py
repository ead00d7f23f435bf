"""The one state machine of an award (proposed → approved | refused) and of a milestone
(pending → paid), and the open call's (CALL). A transition not listed raises
support.bad_transition (support.call_transition for a call)."""

from __future__ import annotations

from gaoxin.common.errors import GaoxinError
from gaoxin.common.statemachine import StateMachine

from . import errors
from .choices import AwardStatus, CallStatus, MilestoneStatus

AWARD = {
    (AwardStatus.PROPOSED, AwardStatus.APPROVED): "approve",
    (AwardStatus.PROPOSED, AwardStatus.REFUSED): "refuse",
}
MILESTONE = {(MilestoneStatus.PENDING, MilestoneStatus.PAID): "pay"}


def check_award(current: str, target: str, *, number: str) -> str:
    name = AWARD.get((AwardStatus(current), AwardStatus(target)))
    if name is None:
        raise GaoxinError(
            errors.BAD_TRANSITION,
            what=number,
            current=AwardStatus(current).label,
            target=AwardStatus(target).label,
        )
    return name


def check_milestone(current: str, target: str, *, what: str) -> str:
    name = MILESTONE.get((MilestoneStatus(current), MilestoneStatus(target)))
    if name is None:
        raise GaoxinError(
            errors.BAD_TRANSITION,
            what=what,
            current=MilestoneStatus(current).label,
            target=MilestoneStatus(target).label,
        )
    return name


CALL = StateMachine(
    "support.call",
    CallStatus,
    {
        (CallStatus.DRAFT, CallStatus.OPEN): "publish",  # the call is posted
        (CallStatus.OPEN, CallStatus.CLOSED): "close",  # after the deadline
        (CallStatus.CLOSED, CallStatus.REVIEW): "start_review",  # conflicts found, panel scores
        (CallStatus.REVIEW, CallStatus.DECIDED): "decide",  # the zone confirms the winner
        (CallStatus.DECIDED, CallStatus.NOTICE): "announce",  # 公示 starts
        (CallStatus.NOTICE, CallStatus.CONFIRMED): "confirm",  # the award is made
    },
    error=errors.CALL_TRANSITION,
)
