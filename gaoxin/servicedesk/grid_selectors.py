"""Reads for the map and the zone's set-up pages: each grid's shading, a grid's team with its
history, the people who may hold a duty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from gaoxin.accounts import roles
from gaoxin.accounts.models import RoleGrant

from . import geo, selectors
from .models import Duty, DutyHolder, EnterpriseAssignment, Grid

# Shading classes of the map, lightest to darkest; the legend explains each.
CALM, OPEN, BUSY, LATE, LATE_MANY = "calm", "open", "busy", "late", "late-many"
LATE_MANY_FROM = 5  # overdue requests from which a grid is drawn darkest


@dataclass(frozen=True)
class MapGrid:
    grid: Grid
    open: int
    overdue: int
    shade: str
    shape: geo.Shape | None


def busy_from(counts: list[int]) -> int:
    """Open requests from which a grid without overdue ones counts as busy: half the busiest
    grid's, at least 5."""
    return max(5, (max(counts, default=0) + 1) // 2)


def shade(open_count: int, overdue: int, busy: int) -> str:
    if overdue >= LATE_MANY_FROM:
        return LATE_MANY
    if overdue:
        return LATE
    if open_count >= busy:
        return BUSY
    return OPEN if open_count else CALM


def map_of_grids(today: date) -> tuple[geo.Drawing, list[MapGrid], int]:
    overview = selectors.grid_overview(today)
    drawing = geo.draw((row["grid"].code, row["grid"].boundary) for row in overview)
    shapes = {s.key: s for s in drawing.shapes}
    busy = busy_from([row["open"] for row in overview if not row["overdue"]])
    rows = [
        MapGrid(
            grid=row["grid"],
            open=row["open"],
            overdue=row["overdue"],
            shade=shade(row["open"], row["overdue"], busy),
            shape=shapes.get(row["grid"].code),
        )
        for row in overview
    ]
    return drawing, rows, busy


def grid_by_code(code: str) -> Grid | None:
    return Grid.objects.filter(code=code[:16]).first()


def team_history(grid: Grid) -> list[DutyHolder]:
    """Every holder the grid's duties have had, by duty, the latest first."""
    return list(
        DutyHolder.objects.filter(grid=grid)
        .select_related("duty", "officer")
        .order_by("duty__sort_order", "duty__code", "-valid_from", "-id")
    )


def grid_counts(grid: Grid, today: date) -> dict[str, int]:
    in_force = Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    return {
        "enterprises": EnterpriseAssignment.objects.filter(in_force, grid=grid).count(),
        "carriers": grid.carriers.count(),
    } | grid.requests.filter(status__in=selectors.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(step_due__lt=today))
    )


def duties(*, active_only: bool = False) -> list[Duty]:
    rows = Duty.objects.all()
    return list(rows.filter(active=True) if active_only else rows)


def duty_candidates() -> list[Any]:
    """Accounts that may hold a duty: active grid officers and grid leaders (of any grid)."""
    ids = RoleGrant.objects.filter(
        revoked_at__isnull=True, role__in=[roles.GRID_OFFICER, roles.GRID_LEADER]
    ).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username"))
