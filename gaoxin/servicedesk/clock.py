"""A request's clock on the working-day calendar (common/workdays.py).

Each step of the ladder has its own limit in working days (the category's). The step starts on
the day it is handed over and is due when that many working days after it are complete. Days
spent waiting for the enterprise (挂起) do not count: from the day the request was paused to the
day before it resumed. A deadline that reaches a year whose holidays are not entered yet is
provisional and computed again when the year is entered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.utils import timezone

from gaoxin.common.workdays import Calendar, Count, Deadline, Pause

from .models import Category, ServiceRequest


def today() -> date:
    """The zone's date today: every service of the desk reads it here (tests set it)."""
    return timezone.localdate()


def pauses_of(request: ServiceRequest) -> list[Pause]:
    return [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in request.pauses]


def pause_span(since: date, resumed: date) -> Pause | None:
    """The days that do not count for a wait from `since` until `resumed` (exclusive)."""
    if resumed <= since:
        return None
    return (since, resumed - timedelta(days=1))


def step_deadline(
    cal: Calendar, category: Category, level: int, start: date, pauses: Sequence[Pause] = ()
) -> Deadline:
    return cal.add(start, category.limit(level), pauses=pauses)


def working_days(cal: Calendar, request: ServiceRequest, end: date) -> Count:
    """Working days from acceptance to `end`, the waits left out."""
    return cal.count(request.accepted_on, end, pauses=pauses_of(request))
