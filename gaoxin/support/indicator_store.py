"""Stored yearly values of the indicators whose source is too large to read on each request
(at 120,000 enterprises, a year of monthly statistics is 1.4 million revenue figures).

- The service desk sends `statistics_changed` inside every transaction that changes a report's
  values or status; `on_statistics_changed` adds a mark per year touched (append-only rows in
  the same transaction, so writers never wait for each other and a rolled-back change leaves no
  mark).
- `refresh()` reads the committed marks, recomputes every stored indicator for those years and
  deletes exactly the marks it read: a change committed while it runs keeps its own mark and
  is recomputed by the next refresh. The scheduler runs it every five minutes
  (`tasks.refresh_indicators`): at 120,000 enterprises recomputing a year takes seconds, which
  the page must not make a reader wait for. The page shows each stored value with the time it
  was computed and says when the year's reports have changed since (`pending_years`).
- `values()` returns the stored values of the years asked, computing and storing a year seen
  for the first time.
- `rebuild()` drops everything stored (after bulk loads that bypass the services: the demo,
  the benchmark).

A stored value is computed by the indicator's own function, the one the page would call
live: the store changes when a figure is computed, never what it is."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from .models import IndicatorYear, IndicatorYearChanged

if TYPE_CHECKING:
    from .indicators import Indicator


def changed(years: Iterable[int]) -> None:
    IndicatorYearChanged.objects.bulk_create(
        [IndicatorYearChanged(year=y) for y in sorted(set(years))]
    )


def on_statistics_changed(sender: object, *, periods: Iterable[date], **kwargs: object) -> None:
    changed(day.year for day in periods)


def _store(indicator: Indicator, years: Iterable[int]) -> dict[int, IndicatorYear]:
    now = timezone.now()
    rows = []
    for year in years:
        value = indicator.compute(year)
        rows.append(
            IndicatorYear(
                code=indicator.code,
                year=year,
                number=value.number,
                missing_zh=value.missing_zh[:200],
                missing_en=value.missing_en[:200],
                computed_at=now,
            )
        )
    IndicatorYear.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["code", "year"],
        update_fields=["number", "missing_zh", "missing_en", "computed_at"],
    )
    return {r.year: r for r in rows}


def refresh(stored_indicators: Sequence[Indicator]) -> int:
    """Recompute the stored indicators of the years marked changed; returns how many years."""
    marks = list(IndicatorYearChanged.objects.values_list("pk", "year"))
    if not marks:
        return 0
    years = sorted({year for _pk, year in marks})
    with transaction.atomic():
        stored = set(
            IndicatorYear.objects.filter(year__in=years).values_list("code", "year").distinct()
        )
        for indicator in stored_indicators:
            again = [y for y in years if (indicator.code, y) in stored]
            if again:
                _store(indicator, again)
        IndicatorYearChanged.objects.filter(pk__in=[pk for pk, _year in marks]).delete()
    return len(years)


def pending_years() -> set[int]:
    """The years whose statistics changed since their stored values were computed."""
    return set(IndicatorYearChanged.objects.values_list("year", flat=True).distinct())


def values(indicator: Indicator, years: list[int]) -> dict[int, IndicatorYear]:
    """The stored rows of `years` (each with number, missing_zh, missing_en, computed_at)."""
    found = {r.year: r for r in IndicatorYear.objects.filter(code=indicator.code, year__in=years)}
    missing = [y for y in years if y not in found]
    if missing:
        with transaction.atomic():
            found.update(_store(indicator, missing))
    return found


def rebuild() -> None:
    """Forget every stored value (each is computed again when next read)."""
    with transaction.atomic():
        IndicatorYear.objects.all().delete()
        IndicatorYearChanged.objects.all().delete()
