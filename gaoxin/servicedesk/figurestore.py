"""The dashboard's figures at any volume: a monthly store of counts (`FigureMonth`), so that a
year of figures sums a few thousand rows instead of counting every request of the year.

- Every service that changes a request (creation, `_common.move`, the deadline job's bulk
  escalation) calls `changed(months)` in its own transaction: a row per month in
  `FigureMonthChanged`, append-only (no lock is taken, so writers never wait for each other).
- `refresh()` reads the committed marks, recounts those months from `ServiceRequest` (delete and
  re-insert their rows), and deletes exactly the marks it read. A change committed while it
  runs keeps its own mark and is counted by the next refresh. The selectors call it before
  reading (it costs one query when nothing changed), and the scheduler every five minutes.
- `rebuild()` marks every month (after bulk loads that bypass the services: the demo, the
  benchmark) and refreshes.

The store holds what does not depend on today (how many are still open among them); overdue
is counted live (a partial index of the open requests by deadline). A period that does not
start or end on a month's edge takes its partial months live (selectors.FigureCube)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from .choices import Level
from .choices import RequestStatus as R
from .models import FigureMonth, FigureMonthChanged, ServiceRequest

COUNTS = (
    "accepted",
    "resolved",
    "on_time",
    "rated",
    "satisfied",
    "in_grid",
    "open",
    "days_sum",
    "days_n",
)
OPEN = [R.ACCEPTED, R.ASSIGNED, R.IN_PROGRESS, R.WAITING]


def counts() -> dict[str, Any]:
    """The store's counts as aggregates over requests (also used live for partial months)."""
    resolved = Q(resolved_on__isnull=False)
    return {
        "accepted": Count("pk"),
        "resolved": Count("pk", filter=resolved),
        "on_time": Count("pk", filter=resolved & Q(resolved_on_time=True)),
        "rated": Count("pk", filter=Q(rating__isnull=False)),
        "satisfied": Count("pk", filter=Q(rating__gte=4)),
        "in_grid": Count("pk", filter=resolved & Q(resolved_level__lte=Level.LEADER)),
        "open": Count("pk", filter=Q(status__in=OPEN)),
        "days_sum": Sum("working_days", filter=resolved),
        "days_n": Count("working_days", filter=resolved),
    }


def sums() -> dict[str, Any]:
    """The same counts summed over store rows."""
    return {name: Sum(name) for name in COUNTS}


def changed(months: Iterable[date]) -> None:
    """Mark the months (any day of each) as changed, in the caller's transaction."""
    firsts = {day.replace(day=1) for day in months}
    FigureMonthChanged.objects.bulk_create([FigureMonthChanged(month=m) for m in sorted(firsts)])


def stored(first: date, last: date, grid: Any = None) -> QuerySet[FigureMonth]:
    """The store's rows of the months from `first` to `last` (first days), of one grid or all."""
    rows = FigureMonth.objects.filter(month__gte=first, month__lte=last)
    return rows if grid is None else rows.filter(grid=grid)


def refresh() -> int:
    """Recount the months marked changed; returns how many months were recounted."""
    if not FigureMonthChanged.objects.exists():
        return 0
    with transaction.atomic():
        # Refreshers queue here (a second one then finds the marks gone); writers do not.
        marks = list(
            FigureMonthChanged.objects.select_for_update().order_by("pk").values_list("pk", "month")
        )
        months = sorted({month for _pk, month in marks})
        for start in range(0, len(months), 24):
            _recount(months[start : start + 24])
        FigureMonthChanged.objects.filter(pk__in=[pk for pk, _month in marks]).delete()
    return len(months)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _recount(months: list[date]) -> None:
    FigureMonth.objects.filter(month__in=months).delete()
    within = Q(pk__in=[])
    for first in months:  # ranges of accepted_on, which its index answers
        within |= Q(accepted_on__gte=first, accepted_on__lt=_next_month(first))
    rows = (
        ServiceRequest.objects.filter(within, merged_into__isnull=True)
        .annotate(month=TruncMonth("accepted_on"))
        .values("month", "grid_id", "category_id", "department_id", "handler_id")
        .annotate(**counts())
        .order_by()
    )
    FigureMonth.objects.bulk_create(
        (
            FigureMonth(
                month=row["month"],
                grid_id=row["grid_id"],
                category_id=row["category_id"],
                department_id=row["department_id"],
                handler_id=row["handler_id"],
                **{name: row[name] or 0 for name in COUNTS},
            )
            for row in rows.iterator(chunk_size=2000)
        ),
        batch_size=2000,
    )


def rebuild() -> int:
    """Mark every month that has requests, and recount them all."""
    months = (
        ServiceRequest.objects.annotate(month=TruncMonth("accepted_on"))
        .values_list("month", flat=True)
        .distinct()
    )
    with transaction.atomic():
        FigureMonth.objects.all().delete()
        changed(list(months))
    return refresh()
