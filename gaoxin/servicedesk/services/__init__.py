"""The grid service desk's writes, a module per concern: requests (their life), escalation (the
ladder and the deadline job)."""

from .escalation import close_unrated, escalate, escalate_overdue, recompute_provisional
from .requests import (
    add_note,
    attach,
    merge,
    rate,
    record,
    resolve,
    resume,
    submit,
    take,
    transfer_from_hotline,
    wait,
)

__all__ = [
    "add_note",
    "attach",
    "close_unrated",
    "escalate",
    "escalate_overdue",
    "merge",
    "rate",
    "recompute_provisional",
    "record",
    "resolve",
    "resume",
    "submit",
    "take",
    "transfer_from_hotline",
    "wait",
]

# Visits, work safety and notices live in their own modules (services/visits.py, safety.py,
# notices.py) and are imported from there.
