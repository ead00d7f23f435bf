"""Reads of the grid service desk: who serves an enterprise, the queues, a request's page and the
actions it may offer, and the figures (docs/servicedesk.md defines each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts import roles
from gaoxin.registry.models import Enterprise

from . import access, figurestore
from .choices import Level
from .choices import RequestStatus as R
from .models import (
    Category,
    Department,
    DutyHolder,
    EnterpriseAssignment,
    FigureMonth,
    Grid,
    ServiceRequest,
)
from .states import REQUEST

OPEN = figurestore.OPEN


def grid_of(enterprise: Enterprise, day: date) -> Grid | None:
    """The grid serving the enterprise on `day`."""
    row = (
        EnterpriseAssignment.objects.filter(enterprise=enterprise, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("grid")
        .order_by("-valid_from")
        .first()
    )
    return row.grid if row else None


def core_officer(grid: Grid, day: date) -> Any:
    """The officer answerable for the grid's core duty (enterprise service) on `day`."""
    row = (
        DutyHolder.objects.filter(grid=grid, duty__core=True, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("officer")
        .order_by("-valid_from")
        .first()
    )
    return row.officer if row and row.officer.is_active else None


def team(grid: Grid, day: date) -> list[DutyHolder]:
    return list(
        DutyHolder.objects.filter(grid=grid, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("duty", "officer")
        .order_by("duty__sort_order")
    )


def categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True).select_related("department")


def visible_requests(user: Any) -> QuerySet[ServiceRequest]:
    """Every request the user may see (access.can_view_request, as one query)."""
    rows = ServiceRequest.objects.select_related("grid", "category", "enterprise", "department")
    if access.sees_everything(user):
        return rows
    condition = Q(handler_id=user.pk)
    if grids := access.officer_grids(user):
        condition |= Q(grid__code__in=grids)
    if departments := access.departments(user):
        condition |= Q(department__code__in=departments)
    if enterprises := access.enterprises(user):
        condition |= Q(enterprise__credit_code__in=enterprises)
    return rows.filter(condition)


def queue(user: Any) -> QuerySet[ServiceRequest]:
    """What waits for this user now: open requests whose current step they hold."""
    condition = Q(pk__in=[])
    grids, leads, departments = (
        access.officer_grids(user),
        access.leader_grids(user),
        access.departments(user),
    )
    if grids:
        condition |= Q(level=Level.OFFICER, grid__code__in=grids)
    if leads:
        condition |= Q(level=Level.LEADER, grid__code__in=leads)
    if departments:
        condition |= Q(level=Level.DEPARTMENT, department__code__in=departments)
    if roles.has_role(user, roles.LEADERSHIP):
        condition |= Q(level=Level.LEADERSHIP)
    return (
        ServiceRequest.objects.filter(condition, status__in=OPEN)
        .select_related("grid", "category", "enterprise", "department", "handler")
        .order_by("step_due", "pk")
    )


def request_by_number(number: str) -> ServiceRequest | None:
    return (
        ServiceRequest.objects.select_related(
            "grid", "category", "enterprise", "department", "handler", "merged_into"
        )
        .filter(number=number)
        .first()
    )


def history(request: ServiceRequest, *, internal: bool) -> list[Any]:
    rows = request.entries.select_related("author").order_by("id")
    return [row for row in rows if internal or row.public]


def merge_candidates(request: ServiceRequest) -> list[ServiceRequest]:
    """Open requests of the same enterprise and category that this one could join."""
    return list(
        ServiceRequest.objects.filter(
            enterprise_id=request.enterprise_id,
            category_id=request.category_id,
            status__in=OPEN,
        )
        .exclude(pk=request.pk)
        .order_by("accepted_on")[:5]
    )


class RequestActions:
    """What the page of a request may offer this user, from the state machine and access."""

    def __init__(self, request: ServiceRequest, user: Any) -> None:
        self.request, self.user = request, user

    def _can(self, target: str) -> bool:
        return REQUEST.allowed(self.request.status, target) and access.can_act(
            self.user, self.request
        )

    @cached_property
    def take(self) -> bool:
        return self._can(R.IN_PROGRESS) and self.request.status in (R.ACCEPTED, R.ASSIGNED)

    @cached_property
    def wait(self) -> bool:
        return self._can(R.WAITING)

    @cached_property
    def resume(self) -> bool:
        return self.request.status == R.WAITING and self._can(R.IN_PROGRESS)

    @cached_property
    def resolve(self) -> bool:
        return self._can(R.RESOLVED)

    @cached_property
    def escalate(self) -> bool:
        return self._can(R.ASSIGNED) and self.request.level < Level.LEADERSHIP

    @cached_property
    def merge(self) -> bool:
        return self._can(R.CLOSED) and bool(merge_candidates(self.request))

    @cached_property
    def rate(self) -> bool:
        return self.request.status == R.RESOLVED and access.can_rate(self.user, self.request)

    @cached_property
    def note(self) -> bool:
        return access.can_note(self.user, self.request)

    @cached_property
    def internal(self) -> bool:
        return access.can_view_internal(self.user, self.request)

    @cached_property
    def attach(self) -> bool:
        return access.can_attach(self.user, self.request, internal=False)

    @cached_property
    def any(self) -> bool:
        return any((self.take, self.wait, self.resume, self.resolve, self.escalate, self.rate))


def officers_of(grid: Grid) -> list[Any]:
    ids = DutyHolder.objects.filter(grid=grid, valid_to__isnull=True).values("officer_id")
    return list(get_user_model().objects.filter(pk__in=ids))


# -- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def previous(self) -> Period:
        """The period of the same kind just before (a month, a quarter, a year, or as long)."""
        if self.start.day == 1 and (self.end + timedelta(days=1)).day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            y, m = self.start.year, self.start.month - months
            while m < 1:
                y, m = y - 1, m + 12
            return Period(date(y, m, 1), self.start - timedelta(days=1))
        length = self.end - self.start
        return Period(self.start - length - timedelta(days=1), self.start - timedelta(days=1))


def month(year: int, number: int) -> Period:
    end = date(year + number // 12, number % 12 + 1, 1) - timedelta(days=1)
    return Period(date(year, number, 1), end)


def quarter(year: int, number: int) -> Period:
    return Period(date(year, 3 * number - 2, 1), month(year, 3 * number).end)


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31))


@dataclass(frozen=True)
class Figures:
    """The figures of one group of requests accepted in a period (docs/servicedesk.md)."""

    key: Any
    accepted: int
    resolved: int
    on_time: int
    rated: int
    satisfied: int
    in_grid: int
    days_total: float | None
    open_overdue: int

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def resolution_rate(self) -> float | None:  # 办结率
        return self._rate(self.resolved, self.accepted)

    @property
    def on_time_rate(self) -> float | None:  # 按时办结率
        return self._rate(self.on_time, self.resolved)

    @property
    def satisfaction_rate(self) -> float | None:  # 满意率
        return self._rate(self.satisfied, self.rated)

    @property
    def in_grid_rate(self) -> float | None:  # 网格内解决率
        return self._rate(self.in_grid, self.resolved)

    @property
    def average_days(self) -> float | None:  # 平均办结用时（工作日）
        return self.days_total


GROUPS = {
    "grid": "grid__code",
    "category": "category__code",
    "department": "department__code",
    "officer": "handler__username",
    "zone": None,
}


def _aggregates(today: date) -> dict[str, Any]:
    """The figures' counts over requests, live (tests compare the store against these)."""
    return figurestore.counts() | {
        "open_overdue": Count("pk", filter=Q(status__in=OPEN, step_due__lt=today))
    }


def _accepted_in(period: Period, grid: Grid | None) -> QuerySet[ServiceRequest]:
    rows = ServiceRequest.objects.filter(
        accepted_on__gte=period.start, accepted_on__lte=period.end, merged_into__isnull=True
    )
    return rows if grid is None else rows.filter(grid=grid)


def _figures(key: Any, row: dict[str, Any]) -> Figures:
    days_n = row.get("days_n") or 0
    return Figures(
        key=key,
        accepted=row.get("accepted") or 0,
        resolved=row.get("resolved") or 0,
        on_time=row.get("on_time") or 0,
        rated=row.get("rated") or 0,
        satisfied=row.get("satisfied") or 0,
        in_grid=row.get("in_grid") or 0,
        days_total=(row.get("days_sum") or 0) / days_n if days_n else None,
        open_overdue=row.get("open_overdue") or 0,
    )


def _whole_months(period: Period, today: date) -> tuple[date, date] | None:
    """The first days of the first and last calendar months the store can answer for `period`:
    those wholly inside it, and the month of its end when the end is today or later (nothing is
    accepted after today, so that month's requests are all within the period)."""
    first = period.start
    if first.day != 1:
        first = month(first.year, first.month).end + timedelta(days=1)
    after = period.end + timedelta(days=1)
    if after.day == 1 or period.end >= today:
        last = period.end.replace(day=1)
    else:
        last = (after.replace(day=1) - timedelta(days=1)).replace(day=1)
    if first > last:
        return None
    return first, last


def _add(into: dict[Any, dict[str, Any]], key: Any, row: dict[str, Any]) -> None:
    mine = into.setdefault(key, {})
    for name, value in row.items():
        if name not in DIMENSIONS and name != "key" and value is not None:
            mine[name] = mine.get(name, 0) + value


# The store's dimensions, and the code each grouping of the figures shows for them.
DIMENSIONS = ("grid_id", "category_id", "department_id", "handler_id")
_DIMENSION = {"grid": "grid_id", "category": "category_id", "department": "department_id"}
_DIMENSION["officer"] = "handler_id"


class FigureCube:
    """The counts of the requests accepted in `period` by grid, category, department and
    handler, read once (whole months from the store, refreshed first; partial months at the
    edges and open-and-overdue live: at most four queries), then summed per grouping in Python
    — a dashboard asks for five groupings of the same period."""

    def __init__(self, period: Period, *, grid: Grid | None = None, today: date | None = None):
        today = today or timezone.localdate()
        figurestore.refresh()
        self.rows: list[dict[str, Any]] = []
        whole = _whole_months(period, today)
        if whole is None:
            self._read(_accepted_in(period, grid), figurestore.counts())
        else:
            first, last = whole
            self._read(figurestore.stored(first, last, grid), figurestore.sums())
            if period.start < first:
                edge = Period(period.start, first - timedelta(days=1))
                self._read(_accepted_in(edge, grid), figurestore.counts())
            last_end = month(last.year, last.month).end
            if last_end < period.end and last < period.end.replace(day=1):
                edge = Period(last_end + timedelta(days=1), period.end)
                self._read(_accepted_in(edge, grid), figurestore.counts())
        overdue = _accepted_in(period, grid).filter(status__in=OPEN, step_due__lt=today)
        self._read(overdue, {"open_overdue": Count("pk")})

    def _read(self, rows: QuerySet[Any], aggregates: dict[str, Any]) -> None:
        self.rows += list(rows.values(*DIMENSIONS).annotate(**aggregates).order_by())

    def _codes(self, group: str) -> dict[Any, Any]:
        ids = {row[_DIMENSION[group]] for row in self.rows} - {None}
        if group == "grid":
            return dict(Grid.objects.filter(pk__in=ids).values_list("pk", "code"))
        if group == "category":
            return dict(Category.objects.filter(pk__in=ids).values_list("pk", "code"))
        if group == "department":
            return dict(Department.objects.filter(pk__in=ids).values_list("pk", "code"))
        users = get_user_model().objects.filter(pk__in=ids)
        return dict(users.values_list("pk", "username"))

    def figures(self, group: str = "zone") -> list[Figures]:
        """The figures per group (GROUPS), keys as codes; the zone's as one row keyed None."""
        found: dict[Any, dict[str, Any]] = {}
        if group == "zone":
            for row in self.rows:
                _add(found, None, row)
            return [_figures(None, found.get(None, {}))]
        codes = self._codes(group)
        for row in self.rows:
            _add(found, codes.get(row[_DIMENSION[group]]), row)
        keys = sorted(found, key=lambda k: (k is None, k))  # no department or handler: last
        return [_figures(key, found[key]) for key in keys if found[key].get("accepted")]


def figures(
    period: Period, *, group: str = "zone", grid: Grid | None = None, today: date | None = None
) -> list[Figures]:
    """The figures of the requests accepted in `period` (merged ones left out), per group (see
    FigureCube; a page asking for several groupings of one period builds the cube once)."""
    if group not in GROUPS:
        raise KeyError(group)
    return FigureCube(period, grid=grid, today=today).figures(group)


def last_twelve_months(today: date) -> Period:
    """This month up to `today` and the eleven whole months before (whole months: the figures'
    store answers it without counting requests)."""
    return Period(twelve_months(today).start, today)


def a_year_before(period: Period) -> Period:
    """The same span one year earlier (29 February becomes the 28th)."""

    def back(day: date) -> date:
        return day.replace(year=day.year - 1, day=min(day.day, 28 if day.month == 2 else 31))

    return Period(back(period.start), back(period.end))


def twelve_months(end: date) -> Period:
    """The twelve calendar months up to and including the month of `end`."""
    last = month(end.year, end.month)
    first = month(end.year - (1 if end.month < 12 else 0), end.month % 12 + 1)
    return Period(first.start, last.end)


def figures_by_month(
    period: Period, *, grid: Grid | None = None, today: date | None = None
) -> list[Figures]:
    """The figures of each calendar month of `period` (whole months), the month's first day as
    the key; a month without requests has zeros. From the store, with open-and-overdue live."""
    today = today or timezone.localdate()
    figurestore.refresh()
    first = period.start.replace(day=1)
    found: dict[Any, dict[str, Any]] = {}
    for row in (
        figurestore.stored(first, period.end, grid)
        .values(key=F("month"))
        .annotate(**figurestore.sums())
        .order_by()
    ):
        _add(found, row["key"], row)
    overdue = (
        _accepted_in(Period(first, month(period.end.year, period.end.month).end), grid)
        .filter(status__in=OPEN, step_due__lt=today)
        .annotate(key=TruncMonth("accepted_on"))
        .values("key")
        .annotate(open_overdue=Count("pk"))
        .order_by()
    )
    for row in overdue:
        _add(found, row["key"], row)
    out = []
    day = first
    while day <= period.end:
        out.append(_figures(day, found.get(day, {})))
        day = month(day.year, day.month).end + timedelta(days=1)
    return out


def grid_overview(today: date) -> list[dict[str, Any]]:
    """Each grid with its open and overdue requests now (the map's shading): open from the
    figures' store, overdue live from the open requests' deadline index."""
    figurestore.refresh()
    opened = dict(
        FigureMonth.objects.values("grid_id").annotate(n=Sum("open")).values_list("grid_id", "n")
    )
    overdue = dict(
        ServiceRequest.objects.filter(status__in=OPEN, step_due__lt=today)
        .values("grid_id")
        .annotate(n=Count("pk"))
        .values_list("grid_id", "n")
    )
    return [
        {"grid": grid, "open": opened.get(grid.pk) or 0, "overdue": overdue.get(grid.pk, 0)}
        for grid in Grid.objects.order_by("code")
    ]


def grid_choices() -> list[tuple[str, str]]:
    return [(g.code, f"{g.code} {g.name}") for g in Grid.objects.order_by("code")]


def department_choices() -> list[tuple[str, str]]:
    return [(d.code, d.name_zh) for d in Department.objects.order_by("code")]


def group_names() -> dict[str, dict[Any, str]]:
    """How the keys of each group of figures read on a page."""
    return {
        "grid": {g.code: f"{g.code} {g.name}" for g in Grid.objects.all()},
        "category": {c.code: c.name_zh for c in Category.objects.all()},
        "department": {d.code: d.name_zh for d in Department.objects.all()},
        "officer": {
            u.username: u.display_name or u.username
            for u in get_user_model()
            .objects.filter(pk__in=DutyHolder.objects.values("officer_id"))
            .only("username", "display_name")
        },
    }


def headline(now: Figures, before: Figures) -> list[dict[str, Any]]:
    """The dashboard's headline figures with their change against the previous period."""

    def row(label: Any, code: str, value: Any, old: Any, kind: str) -> dict[str, Any]:
        change = None if value is None or old is None else value - old
        return {
            "label": label,
            "code": code,
            "value": value,
            "before": old,
            "change": change,
            "kind": kind,
        }

    return [
        row(_("Accepted (受理量)"), "accepted", now.accepted, before.accepted, "count"),
        row(
            _("Resolution rate (办结率)"),
            "resolution",
            now.resolution_rate,
            before.resolution_rate,
            "rate",
        ),
        row(
            _("Resolved on time (按时办结率)"),
            "on_time",
            now.on_time_rate,
            before.on_time_rate,
            "rate",
        ),
        row(
            _("Satisfaction (满意率)"),
            "satisfaction",
            now.satisfaction_rate,
            before.satisfaction_rate,
            "rate",
        ),
        row(
            _("Settled in the grid (网格内解决率)"),
            "in_grid",
            now.in_grid_rate,
            before.in_grid_rate,
            "rate",
        ),
        row(
            _("Average working days to resolve"),
            "days",
            now.average_days,
            before.average_days,
            "days",
        ),
        row(_("Open and overdue now"), "overdue", now.open_overdue, None, "count"),
    ]
