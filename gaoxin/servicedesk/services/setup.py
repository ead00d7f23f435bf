"""The zone's set-up of the desk: which grid serves which enterprise, who holds each duty of a
grid's team, and the categories' departments and limits. Reassignments are effective-dated: the
old row ends the day before the new one starts, so past requests still show who served them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction

from gaoxin.common import audit
from gaoxin.common.actors import Actor
from gaoxin.common.errors import NOT_ALLOWED, ensure
from gaoxin.registry.models import Enterprise

from .. import access, errors
from ..models import Carrier, Category, Department, Duty, DutyHolder, EnterpriseAssignment, Grid


def _end_current(rows: Any, on: date) -> list[Any]:
    """End the rows in force on `on` the day before; a row starting on `on` is replaced."""
    ended = []
    for row in rows.filter(valid_to__isnull=True):
        if row.valid_from >= on:
            row.delete()
        else:
            row.valid_to = on - timedelta(days=1)
            row.save(update_fields=["valid_to"])
        ended.append(row)
    return ended


@transaction.atomic
def assign_enterprise(
    *, actor: Actor, enterprise: Enterprise, grid: Grid, carrier: Carrier | None, on: date
) -> EnterpriseAssignment:
    ensure(access.can_configure(actor), NOT_ALLOWED)
    before = EnterpriseAssignment.objects.filter(
        enterprise=enterprise, valid_to__isnull=True
    ).first()
    _end_current(EnterpriseAssignment.objects.select_for_update().filter(enterprise=enterprise), on)
    row = EnterpriseAssignment.objects.create(
        enterprise=enterprise, grid=grid, carrier=carrier, valid_from=on
    )
    audit.record(
        actor=actor,
        action="servicedesk.assignment.set",
        obj=enterprise,
        before={"grid": before.grid.code if before else None},
        after={"grid": grid.code, "carrier": carrier.code if carrier else None, "from": on},
    )
    return row


@transaction.atomic
def set_duty_holder(*, actor: Actor, grid: Grid, duty: Duty, officer: Any, on: date) -> DutyHolder:
    """Make `officer` answerable for `duty` in `grid` from `on`."""
    ensure(access.can_configure(actor), NOT_ALLOWED)
    current = DutyHolder.objects.filter(grid=grid, duty=duty, valid_to__isnull=True).first()
    _end_current(DutyHolder.objects.select_for_update().filter(grid=grid, duty=duty), on)
    row = DutyHolder.objects.create(grid=grid, duty=duty, officer=officer, valid_from=on)
    audit.record(
        actor=actor,
        action="servicedesk.duty.holder_set",
        obj=grid,
        before={"duty": duty.code, "officer": current.officer.get_username() if current else None},
        after={"duty": duty.code, "officer": officer.get_username(), "from": on},
    )
    return row


@transaction.atomic
def set_category(
    *,
    actor: Actor,
    category: Category,
    department: Department | None,
    limits: tuple[int, int, int, int],
    active: bool = True,
) -> Category:
    """A category's default department and working-day limits (officer, leader, department,
    leadership). A new limit applies to steps that start after the change."""
    ensure(access.can_configure(actor), NOT_ALLOWED)
    for value in limits:
        ensure(
            isinstance(value, int) and 1 <= value <= 90,
            errors.LIMIT_INVALID,
            value=str(value)[:10],
        )
    before = {
        "department": category.department.code if category.department else None,
        "limits": [
            category.officer_days,
            category.leader_days,
            category.department_days,
            category.leadership_days,
        ],
        "active": category.active,
    }
    category.department = department
    (
        category.officer_days,
        category.leader_days,
        category.department_days,
        category.leadership_days,
    ) = limits
    category.active = active
    category.save()
    audit.record(
        actor=actor,
        action="servicedesk.category.changed",
        obj=category,
        before=before,
        after={
            "department": department.code if department else None,
            "limits": list(limits),
            "active": active,
        },
    )
    return category
