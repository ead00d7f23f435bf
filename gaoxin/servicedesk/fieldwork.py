"""Reads for visits, work safety and notices: the visits an officer's grid still owes this
quarter, the figures the dashboard shows (visit coverage, hazard rectification rate; their
definitions are in docs/servicedesk.md) and each notice's acknowledgements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import access
from .choices import HazardLevel
from .choices import HazardStatus as H
from .models import (
    EnterpriseAssignment,
    FieldSettings,
    Grid,
    Hazard,
    Notice,
    NoticeRecipient,
    Visit,
)
from .selectors import Period, quarter
from .services._field import field_settings


def settings_row() -> FieldSettings:
    return field_settings()


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def _assigned(
    on: date, grid: Grid | None = None, codes: frozenset[str] | None = None
) -> QuerySet[EnterpriseAssignment]:
    rows = EnterpriseAssignment.objects.filter(valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    if grid is not None:
        rows = rows.filter(grid=grid)
    if codes is not None:
        rows = rows.filter(grid__code__in=codes)
    return rows


@dataclass(frozen=True)
class DueVisit:
    enterprise: Any
    grid: Grid
    carrier: Any
    done: int
    needed: int
    last: date | None


def due_visits(user: Any, today: date, grid: Grid | None = None) -> list[DueVisit]:
    """The enterprises of the user's grids (or `grid`) visited fewer than N times this quarter,
    the least visited and longest unvisited first."""
    period = quarter_of(today)
    needed = settings_row().visits_per_quarter
    codes = None if access.sees_everything(user) else access.officer_grids(user)
    rows = _assigned(period.end if period.end < today else today, grid, codes).select_related(
        "enterprise", "grid", "carrier"
    )
    counts = {
        row["enterprise_id"]: row
        for row in Visit.objects.filter(visited_on__gte=period.start, visited_on__lte=period.end)
        .values("enterprise_id")
        .annotate(n=Count("pk"))
    }
    last = dict(
        Visit.objects.filter(enterprise_id__in=rows.values("enterprise_id"))
        .values("enterprise_id")
        .annotate(last=Max("visited_on"))
        .values_list("enterprise_id", "last")
    )
    out = []
    for row in rows:
        done = counts.get(row.enterprise_id, {}).get("n", 0)
        if done < needed:
            out.append(
                DueVisit(
                    row.enterprise, row.grid, row.carrier, done, needed, last.get(row.enterprise_id)
                )
            )
    out.sort(key=lambda d: (d.done, d.last or date.min, d.enterprise.name))
    return out


@dataclass(frozen=True)
class Coverage:
    period: Period
    needed: int
    enterprises: int
    covered: int

    @property
    def rate(self) -> float | None:
        return self.covered / self.enterprises if self.enterprises else None


def visit_coverage(period: Period, grid: Grid | None = None) -> Coverage:
    """走访覆盖率 over one quarter: of the enterprises assigned (to the grid) on the quarter's
    last day, the share visited at least N times in the quarter (by whichever grid served them
    at the time of each visit)."""
    needed = settings_row().visits_per_quarter
    assigned = _assigned(period.end, grid).values("enterprise_id")
    visits = Visit.objects.filter(
        visited_on__gte=period.start, visited_on__lte=period.end, enterprise_id__in=assigned
    )
    covered = visits.values("enterprise_id").annotate(n=Count("pk")).filter(n__gte=needed).count()
    return Coverage(period, needed, _assigned(period.end, grid).count(), covered)


@dataclass(frozen=True)
class Rectification:
    due: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


def rectification(period: Period, today: date, grid: Grid | None = None) -> Rectification:
    """隐患按时整改率: of the hazards due in the period whose deadline has passed (before today)
    or which were rectified already, the share rectified on or before the deadline."""
    rows = Hazard.objects.filter(due_on__gte=period.start, due_on__lte=period.end).filter(
        Q(due_on__lt=today) | Q(rectified_on__isnull=False)
    )
    if grid is not None:
        rows = rows.filter(grid=grid)
    counts = rows.aggregate(due=Count("pk"), on_time=Count("pk", filter=Q(rectified_on_time=True)))
    return Rectification(counts["due"], counts["on_time"])


def headline(
    period: Period, previous: Period, today: date, grid: Grid | None
) -> list[dict[str, Any]]:
    """The dashboard's two field figures, with their change against the period before. Visit
    coverage is the quarter in which the period ends (against the quarter before)."""
    q = quarter_of(min(period.end, today))
    q_before = quarter_of(q.start - timedelta(days=1))
    now_cov, old_cov = visit_coverage(q, grid), visit_coverage(q_before, grid)
    now_rect, old_rect = rectification(period, today, grid), rectification(previous, today, grid)

    def change(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a - b

    return [
        {
            "label": _("Visit coverage (走访覆盖率), %(quarter)s")
            % {"quarter": f"{q.start.year}-Q{(q.start.month - 1) // 3 + 1}"},
            "code": "visits",
            "value": now_cov.rate,
            "before": old_cov.rate,
            "change": change(now_cov.rate, old_cov.rate),
            "kind": "rate",
        },
        {
            "label": _("Hazards rectified on time (隐患按时整改率)"),
            "code": "hazards",
            "value": now_rect.rate,
            "before": old_rect.rate,
            "change": change(now_rect.rate, old_rect.rate),
            "kind": "rate",
        },
    ]


# -- lists ---------------------------------------------------------------------------------------


def visible_hazards(user: Any) -> QuerySet[Hazard]:
    rows = Hazard.objects.select_related("grid", "enterprise")
    if access.sees_everything(user):
        return rows
    condition = Q(pk__in=[])
    if grids := access.officer_grids(user):
        condition |= Q(grid__code__in=grids)
    if access.EMERGENCY_DEPARTMENT in access.departments(user):
        condition |= Q(level=HazardLevel.DEPARTMENT)
    if codes := access.enterprises(user):
        condition |= Q(enterprise__credit_code__in=codes)
    return rows.filter(condition)


def open_hazards(user: Any) -> QuerySet[Hazard]:
    return visible_hazards(user).filter(status__in=[H.OPEN, H.REPORTED]).order_by("due_on", "pk")


def visible_visits(user: Any) -> QuerySet[Visit]:
    rows = Visit.objects.select_related("enterprise", "grid", "officer", "request")
    if access.sees_everything(user):
        return rows
    return rows.filter(grid__code__in=access.officer_grids(user))


@dataclass(frozen=True)
class NoticeRow:
    notice: Notice
    recipients: int
    acknowledged: int
    mine_pending: bool  # for an enterprise: not yet acknowledged by it


def notices_for(user: Any) -> list[NoticeRow]:
    """Staff: the notices sent (counted over the grids they see); an enterprise: those sent to
    it."""
    grids = access.notice_grids(user)
    staff = access.is_staff_member(user)
    recipients = NoticeRecipient.objects.all()
    if not staff:
        recipients = recipients.filter(enterprise__credit_code__in=access.enterprises(user))
    elif grids is not None:
        recipients = recipients.filter(grid__code__in=grids)
    counts = {
        row["notice_id"]: row
        for row in recipients.values("notice_id").annotate(
            n=Count("pk"),
            ack=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        )
    }
    if staff and grids is None:
        notices = Notice.objects.all()
    else:
        notices = Notice.objects.filter(Q(pk__in=list(counts)) | Q(sent_by_id=user.pk))
    return [
        NoticeRow(
            n,
            counts.get(n.pk, {}).get("n", 0),
            counts.get(n.pk, {}).get("ack", 0),
            not staff and counts.get(n.pk, {}).get("ack", 0) < counts.get(n.pk, {}).get("n", 0),
        )
        for n in notices.order_by("-sent_on", "-pk")[:200]
    ]


def can_view_notice(user: Any, notice: Notice) -> bool:
    if not access.can_view_notices(user):
        return False
    if access.sees_everything(user) or notice.sent_by_id == user.pk:
        return True
    grids = access.officer_grids(user)
    codes = access.enterprises(user)
    return NoticeRecipient.objects.filter(
        Q(grid__code__in=grids) | Q(enterprise__credit_code__in=codes), notice=notice
    ).exists()


def recipients_of(user: Any, notice: Notice) -> QuerySet[NoticeRecipient]:
    """The recipients of the notice this user may see: all for the zone-wide and the sender,
    their grids' for officers, their own for an enterprise."""
    rows = NoticeRecipient.objects.filter(notice=notice).select_related(
        "enterprise", "grid", "acknowledged_by"
    )
    if access.sees_everything(user) or notice.sent_by_id == user.pk:
        return rows
    if access.is_staff_member(user):
        return rows.filter(grid__code__in=access.officer_grids(user))
    return rows.filter(enterprise__credit_code__in=access.enterprises(user))
