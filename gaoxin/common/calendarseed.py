"""The years of China's official calendar that the `chinesecalendar` package knows, as rows:
used by the migration that creates the calendar tables and by `calendar_seed`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from importlib.metadata import version
from typing import Any

import chinese_calendar.constants as official  # type: ignore[import-untyped]  # no stubs

HOLIDAY, WORKDAY = "holiday", "workday"
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def source() -> str:
    return f"chinesecalendar {version('chinesecalendar')}"


def known_years() -> list[int]:
    return sorted({d.year for d in official.holidays} | {d.year for d in official.workdays})


def days(year: int) -> Iterator[tuple[date, str, str]]:
    """(day, kind, Chinese name) of every exception in `year`."""
    for kind, table in ((HOLIDAY, official.holidays), (WORKDAY, official.workdays)):
        for day, label in table.items():
            if day.year == year:
                yield day, kind, NAMES.get(str(label), str(label))[:40]


def seed(calendar_year: Any, calendar_day: Any) -> int:
    """Create every year the package knows and is not entered yet (models passed in, so that a
    migration can pass its historical models)."""
    created = 0
    have = set(calendar_year.objects.values_list("year", flat=True))
    for year in known_years():
        if year in have:
            continue
        row = calendar_year.objects.create(year=year, source=source())
        calendar_day.objects.bulk_create(
            [calendar_day(day=d, year=row, kind=k, name=n) for d, k, n in days(year)]
        )
        created += 1
    return created
