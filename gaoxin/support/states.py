"""The one state machine of an award (proposed → approved | refused) and of a milestone
(pending → paid). A transition not listed raises support.bad_transition."""

from __future__ import annotations

from gaoxin.common.errors import GaoxinError

from . import errors
from .choices import AwardStatus, MilestoneStatus

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
