"""The sale batch's state machine: the one place that lists which transitions exist."""

from __future__ import annotations

from gaoxin.common.errors import GaoxinError

from . import errors
from .choices import BatchStatus as S

TRANSITIONS: dict[tuple[str, str], str] = {
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
}


def ensure_transition(current: str, target: str) -> str:
    """The transition's name, or BATCH_BAD_TRANSITION naming both states."""
    name = TRANSITIONS.get((current, target))
    if name is None:
        raise GaoxinError(
            errors.BATCH_BAD_TRANSITION,
            current=S(current).label,
            target=S(target).label,
        )
    return name
