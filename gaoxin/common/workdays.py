"""Working days (工作日) on China's official calendar: the deadlines of every desk.

A day is a working day when it is Monday to Friday and not a public holiday, or when it is a
weekend day the State Council made a working day (调休). The years come from the
`chinesecalendar` package as far as it knows them (seeded by the migration), and the zone
administrator enters each new year when the State Council publishes it, usually in November
(`year_enter`, the page /calendar/).

A deadline or a count that reaches a year not entered yet is computed on weekends alone and
marked provisional (`Deadline.provisional`, `Count.provisional`). Whatever stores such a
value must compute it again when the year is entered: `year_entered` is sent then, with the
year, after the commit. Desks connect to it (e.g. the grid desk recomputes its open requests'
deadlines) and show a provisional deadline as such.

Clocks that stop (a request waiting for the enterprise, a correction in an approval) pass their
pauses: inclusive date ranges whose days do not count.

    cal = workdays.calendar()                      # one query; reuse it for a batch of work
    due = cal.add(date(2026, 9, 30), 2)            # Deadline(due=2026-10-09, provisional=False)
    used = cal.count(start, end, pauses=[(a, b)])  # Count(days=…, provisional=…)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import django.dispatch
from django.db import transaction

from gaoxin.common.actors import Actor

from . import access, audit
from .errors import NOT_ALLOWED, ErrorCode, GaoxinError, ensure
from .models import CalendarDay, CalendarYear

Pause = tuple[date, date]

# Sent after commit when a year's schedule is entered or replaced: kwargs `year`.
year_entered = django.dispatch.Signal()

YEAR_INVALID = ErrorCode(
    "calendar.year_invalid",
    "年份 {year} 不在可录入范围（2000 至 2100）。",
    "The year {year} is outside the range that can be entered (2000 to 2100).",
    422,
)
DAY_INVALID = ErrorCode(
    "calendar.day_invalid",
    "第 {line} 行：{detail_zh}",
    "Line {line}: {detail_en}",
    422,
)


@dataclass(frozen=True)
class Deadline:
    due: date
    provisional: bool  # reaches a year whose holidays are not entered yet


@dataclass(frozen=True)
class Count:
    days: int
    provisional: bool


class Calendar:
    """The entered years and their exceptions, loaded once."""

    def __init__(self, years: Iterable[int], days: Iterable[tuple[date, str]]) -> None:
        self.years = frozenset(years)
        self.holidays = frozenset(d for d, kind in days if kind == CalendarDay.HOLIDAY)
        self.adjusted = frozenset(d for d, kind in days if kind == CalendarDay.WORKDAY)

    def entered(self, day: date) -> bool:
        return day.year in self.years

    def is_working_day(self, day: date) -> bool:
        """On an entered year the official answer; otherwise Monday to Friday."""
        if day in self.adjusted:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add(self, start: date, days: int, *, pauses: Sequence[Pause] = ()) -> Deadline:
        """The day on which `days` working days after `start` are complete (`start` itself
        does not count; paused days do not count)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, left, provisional = start, days, False
        while left > 0:
            current += timedelta(days=1)
            if _paused(current, pauses):
                continue
            provisional = provisional or not self.entered(current)
            if self.is_working_day(current):
                left -= 1
        return Deadline(current, provisional)

    def count(self, start: date, end: date, *, pauses: Sequence[Pause] = ()) -> Count:
        """Working days after `start` up to and including `end`, paused days left out."""
        days, provisional, current = 0, False, start
        while current < end:
            current += timedelta(days=1)
            if _paused(current, pauses):
                continue
            provisional = provisional or not self.entered(current)
            if self.is_working_day(current):
                days += 1
        return Count(days, provisional)


def _paused(day: date, pauses: Sequence[Pause]) -> bool:
    return any(low <= day <= high for low, high in pauses)


def calendar() -> Calendar:
    return Calendar(
        CalendarYear.objects.values_list("year", flat=True),
        CalendarDay.objects.values_list("day", "kind"),
    )


def add_working_days(start: date, days: int, *, pauses: Sequence[Pause] = ()) -> Deadline:
    return calendar().add(start, days, pauses=pauses)


def working_days_between(start: date, end: date, *, pauses: Sequence[Pause] = ()) -> Count:
    return calendar().count(start, end, pauses=pauses)


# -- entering a year -----------------------------------------------------------------------------


def parse_schedule(text: str, year: int) -> list[tuple[date, str, str]]:
    """Lines `2027-01-01 休 元旦` (a holiday) or `2027-02-07 班 春节` (a weekend day worked);
    blank lines and lines starting with # are ignored. Errors name the line."""
    out: list[tuple[date, str, str]] = []
    seen: set[date] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(maxsplit=2)
        if len(parts) < 2:
            raise GaoxinError(
                DAY_INVALID,
                line=number,
                detail_zh=f"应为“日期 休/班 名称”，收到“{line[:40]}”",
                detail_en=f"expected “DATE 休/班 NAME”, got “{line[:40]}”",
            )
        try:
            day = date.fromisoformat(parts[0])
        except ValueError:
            raise GaoxinError(
                DAY_INVALID,
                line=number,
                detail_zh=f"日期“{parts[0][:20]}”无效，应为 YYYY-MM-DD",
                detail_en=f"the date “{parts[0][:20]}” is not a YYYY-MM-DD date",
            ) from None
        if day.year != year:
            raise GaoxinError(
                DAY_INVALID,
                line=number,
                detail_zh=f"{day} 不在 {year} 年",
                detail_en=f"{day} is not in {year}",
            )
        kinds = {"休": CalendarDay.HOLIDAY, "班": CalendarDay.WORKDAY}
        kinds |= {"holiday": CalendarDay.HOLIDAY, "workday": CalendarDay.WORKDAY}
        kind = kinds.get(parts[1].lower())
        if kind is None:
            raise GaoxinError(
                DAY_INVALID,
                line=number,
                detail_zh=f"“{parts[1][:10]}”应为“休”（放假）或“班”（调休上班）",
                detail_en=f"“{parts[1][:10]}” must be 休 (holiday) or 班 (working day)",
            )
        if day in seen:
            raise GaoxinError(
                DAY_INVALID,
                line=number,
                detail_zh=f"{day} 重复出现",
                detail_en=f"{day} appears twice",
            )
        if kind == CalendarDay.WORKDAY and day.weekday() < 5:
            raise GaoxinError(
                DAY_INVALID,
                line=number,
                detail_zh=f"{day} 是工作日，不需要标为调休上班",
                detail_en=f"{day} is a weekday already; only weekend days are marked 班",
            )
        seen.add(day)
        out.append((day, kind, parts[2][:40] if len(parts) > 2 else ""))
    return out


@transaction.atomic
def year_enter(*, actor: Actor, year: int, schedule: str, source: str) -> CalendarYear:
    """Enter (or replace) a year's official schedule; audited. Deadlines that were provisional
    for this year are recomputed by the receivers of `year_entered` after the commit."""
    ensure(access.can_enter_calendar(actor), NOT_ALLOWED)
    ensure(2000 <= year <= 2100, YEAR_INVALID, year=year)
    days = parse_schedule(schedule, year)
    before = list(
        CalendarDay.objects.filter(year_id=year).values_list("day", "kind").order_by("day")
    )
    row, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source.strip()[:200] or "manual", "entered_by": actor}
    )
    CalendarDay.objects.filter(year=row).delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(day=d, year=row, kind=k, name=n) for d, k, n in days]
    )
    audit.record(
        actor=actor,
        action="calendar.year_entered",
        obj=row,
        before={"days": [[str(d), k] for d, k in before]} if before else None,
        after={"source": row.source, "days": [[str(d), k, n] for d, k, n in days]},
    )
    transaction.on_commit(lambda: year_entered.send(sender=CalendarYear, year=year))
    return row
