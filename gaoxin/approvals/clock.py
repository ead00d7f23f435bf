"""An item's and a stage's clocks on the working-day calendar (common/workdays.py).

An item's clock starts on the day it is dispatched and its statutory limit is due when that many
working days after it are complete. Days in correction (补正) do not count: from the day the
correction was asked to the day before the applicant answered. A stage's clock runs from its
package's submission to its closing day; a day counts for the stage unless every item still open
on it was in correction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta

from django.utils import timezone

from gaoxin.common.workdays import Calendar, Pause

_pinned: ContextVar[date | None] = ContextVar("approvals_today", default=None)


def today() -> date:
    """The zone's date today: every service of the desk reads it here (tests set it; the demo
    replays its history on the dates it happened, `on`)."""
    return _pinned.get() or timezone.localdate()


@contextmanager
def on(day: date) -> Iterator[None]:
    """Act as on `day` (the demo data's history)."""
    token = _pinned.set(day)
    try:
        yield
    finally:
        _pinned.reset(token)


def pauses_of(
    raw: Iterable[Sequence[str]], paused_since: date | None = None, upto: date | None = None
) -> list[Pause]:
    """The stored pauses, and the one still running (from `paused_since` on) if any."""
    out = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in raw]
    if paused_since is not None:
        out.append((paused_since, upto or date.max))
    return out


def pause_span(since: date, resumed: date) -> Pause | None:
    """The days that do not count for a correction from `since` until `resumed` (exclusive)."""
    if resumed <= since:
        return None
    return (since, resumed - timedelta(days=1))


def green_target(limit: int) -> int:
    """The green channel's internal target: half the statutory limit, at least one day."""
    return max(1, (limit + 1) // 2)


def stage_working_days(
    cal: Calendar,
    submitted: date,
    closed: date,
    items: Iterable[tuple[date | None, date | None, list[Pause]]],
) -> int:
    """Working days after `submitted` up to `closed`; a day on which every item open on it was
    in correction does not count. `items`: (dispatched, decided, pauses) of each item."""
    rows = list(items)
    days, current = 0, submitted
    while current < closed:
        current += timedelta(days=1)
        if not cal.is_working_day(current):
            continue
        open_rows = [
            p for start, end, p in rows if start is not None and start < current <= (end or closed)
        ]
        if open_rows and all(any(a <= current <= b for a, b in p) for p in open_rows):
            continue
        days += 1
    return days
