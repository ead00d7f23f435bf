"""The escalation ladder: grid officer → grid leader → department → zone leadership (督办).

Each step has its own working-day limit (the category's). An officer may escalate by hand with
a reason; a step that is overdue escalates by itself when the deadline job runs
(`escalate_overdue`, every 15 minutes on the scheduler). The job locks each request and checks
again that it is still overdue before moving it, one short transaction per chunk: a job killed
half-way, or two jobs at once, never escalate a request twice (the second finds its new step
not yet due). Requests already with the leadership stay there and are counted as overdue."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.common import audit, notifications, workdays
from gaoxin.common.actors import SCHEDULER, Actor, user_of
from gaoxin.common.errors import ensure
from gaoxin.common.faults import pause_point
from gaoxin.common.workdays import Calendar

from .. import clock, errors, figurestore
from ..choices import EntryKind, Level
from ..choices import RequestStatus as R
from ..models import Department, RequestEntry, RequestStep, ServiceRequest
from ..states import REQUEST
from ._common import actor_name, event, holders, level_label, locked, move, text_field
from .requests import _require_actor, department_for

CHUNK = 500
CLOSE_UNRATED_AFTER = 5  # working days after resolution without a rating


def _next_level(request: ServiceRequest, department: Department | None) -> int:
    if request.level == Level.OFFICER:
        return Level.LEADER
    if request.level == Level.LEADER:
        return Level.DEPARTMENT if department is not None else Level.LEADERSHIP
    return Level.LEADERSHIP


def _escalate_all(
    requests: list[ServiceRequest],
    *,
    actor: Actor,
    cal: Calendar,
    on: date,
    reason: str,
    how: str,
    department: Department | None = None,
) -> None:
    """Move each (locked) request one rung up, in bulk: one update of the requests, one insert
    each of steps, history entries, audit events (chained in order) and notifications. Each
    request gets exactly the rows and the audit event a single escalation writes. `department`:
    where a leader's step goes (None: the category's department)."""
    steps, entries, changes, notices = [], [], [], []
    lates: set[int] = set()
    people: dict[tuple[int, str], list[Any]] = {}
    who = actor_name(actor)
    now = timezone.now()
    for request in requests:
        ensure(request.level < Level.LEADERSHIP, errors.TOP_OF_LADDER, number=request.number)
        target = department if department is not None else request.category.department
        name = REQUEST.ensure(request.status, R.ASSIGNED)
        late = request.step_due is not None and on > request.step_due
        before = (request.status, request.level)
        level = _next_level(request, target)
        due = clock.step_deadline(cal, request.category, level, on)
        request.status, request.level = R.ASSIGNED, level
        if level == Level.DEPARTMENT:
            request.department = target
        request.handler = None
        request.step_started_on, request.step_due, request.due_provisional = (
            on,
            due.due,
            due.provisional,
        )
        request.overdue_steps += 1 if late else 0
        if late:
            lates.add(request.pk)
        request.version += 1
        request.last_change, request.last_changed_by, request.updated_at = "escalated", who, now
        steps.append(
            RequestStep(
                request=request,
                level=level,
                department=request.department if level == Level.DEPARTMENT else None,
                started_on=on,
                due_on=due.due,
                how=how,
                reason=reason,
            )
        )
        changes.append(
            audit.Change(
                action=f"{REQUEST.name}.{name}",
                obj=request,
                before={"status": str(before[0])},
                after={
                    "status": str(R.ASSIGNED),
                    "from_level": before[1],
                    "to_level": level,
                    "department": request.department.code
                    if request.department and level == Level.DEPARTMENT
                    else None,
                    "how": how,
                    "reason": reason,
                    "due": due.due,
                },
            )
        )
        where = level_label(level)
        if level == Level.DEPARTMENT and request.department is not None:
            where = f"{where}：{request.department.name_zh}"
        if how == "overdue":
            text = _("Overdue at the %(from)s: escalated to the %(to)s.") % {
                "from": level_label(before[1]),
                "to": where,
            }
        else:
            text = _("Escalated to the %(to)s: %(reason)s") % {"to": where, "reason": reason}
        entries.append(
            RequestEntry(
                request=request,
                kind=EntryKind.EVENT,
                author=user_of(actor),
                author_name=who,
                text=text,
            )
        )
        scope = (level, _scope_key(request, level))
        if scope not in people:
            people[scope] = holders(request, level)
        if people[scope]:
            notices.append(
                (
                    people[scope],
                    f"{request.number} {_('Request escalated to you')}",
                    text,
                    f"/servicedesk/requests/{request.number}/",
                )
            )
    _write(requests, lates, on=on, who=who, now=now)
    figurestore.changed({r.accepted_on for r in requests})
    RequestStep.objects.filter(request__in=[r.pk for r in requests], ended_on__isnull=True).update(
        ended_on=on
    )
    RequestStep.objects.bulk_create(steps)
    RequestEntry.objects.bulk_create(entries)
    audit.record_many(actor=actor, changes=changes)
    notifications.notify_many(notices)


def _write(
    requests: list[ServiceRequest], lates: set[int], *, on: date, who: str, now: Any
) -> None:
    """Save the escalated (and locked) requests in a few UPDATEs: those moved to the same rung,
    department and deadline share one statement, their version and count of overdue steps raised
    in the database (a chunk of 500 makes a handful of groups; Django's bulk_update built a CASE
    per field and row, 70% of the job's time)."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for request in requests:
        key = (
            request.level,
            request.department_id,
            request.step_due,
            request.due_provisional,
            request.pk in lates,
        )
        groups.setdefault(key, []).append(request.pk)
    for (level, department, due, provisional, late), ids in groups.items():
        ServiceRequest.objects.filter(pk__in=ids).update(
            status=R.ASSIGNED,
            level=level,
            department_id=department,
            handler=None,
            step_started_on=on,
            step_due=due,
            due_provisional=provisional,
            overdue_steps=F("overdue_steps") + (1 if late else 0),
            version=F("version") + 1,
            last_change="escalated",
            last_changed_by=who,
            updated_at=now,
        )


def _scope_key(request: ServiceRequest, level: int) -> str:
    if level in (Level.OFFICER, Level.LEADER):
        return request.grid.code
    if level == Level.DEPARTMENT:
        return request.department.code if request.department else ""
    return ""


@transaction.atomic
def escalate(
    *, actor: Actor, pk: int, version: int | None, reason: str, department: str = ""
) -> ServiceRequest:
    """Escalate by hand, with a reason, to the next step (a department named or the category's)."""
    request = locked(pk, version, actor)
    _require_actor(actor, request)
    reason = text_field(reason, zh="上报理由", en="Reason for escalating", limit=500)
    target = department_for(request, department or None)
    if request.level == Level.LEADER and department:
        ensure(target is not None, errors.NO_DEPARTMENT, category=request.category.name_zh)
    _escalate_all(
        [request],
        actor=actor,
        cal=workdays.calendar(),
        on=clock.today(),
        reason=reason,
        how="by_hand",
        department=target,
    )
    return request


def overdue_ids(on: date) -> list[int]:
    return list(
        ServiceRequest.objects.filter(
            status__in=[R.ASSIGNED, R.IN_PROGRESS],
            step_due__lt=on,
            level__lt=Level.LEADERSHIP,
        )
        .order_by("step_due", "pk")
        .values_list("pk", flat=True)
    )


def escalate_overdue(*, actor: Actor = SCHEDULER, on: date | None = None) -> int:
    """The deadline job: move every overdue step one rung up. Returns how many moved."""
    on = on or clock.today()
    cal = workdays.calendar()
    moved = 0
    ids = overdue_ids(on)
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            rows = list(
                ServiceRequest.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("grid", "category__department", "department", "enterprise")
                .filter(
                    pk__in=ids[start : start + CHUNK],
                    status__in=[R.ASSIGNED, R.IN_PROGRESS],
                    step_due__lt=on,
                    level__lt=Level.LEADERSHIP,
                )
                .order_by("pk")
            )
            if rows:
                _escalate_all(rows, actor=actor, cal=cal, on=on, reason="", how="overdue")
                moved += len(rows)
            # Fault tests kill the process here: this chunk written, not committed.
            pause_point(f"servicedesk.escalate.chunk_{start // CHUNK + 1}")
    return moved


def close_unrated(*, actor: Actor = SCHEDULER, on: date | None = None) -> int:
    """Resolved requests the enterprise has not rated within CLOSE_UNRATED_AFTER working days
    close unrated (they count as resolved, not in the satisfaction rate)."""
    on = on or clock.today()
    cal = workdays.calendar()
    closed = 0
    candidates = ServiceRequest.objects.filter(status=R.RESOLVED, resolved_on__lt=on).values_list(
        "pk", "resolved_on"
    )
    due = [
        pk
        for pk, resolved in candidates
        if resolved is not None and cal.count(resolved, on).days >= CLOSE_UNRATED_AFTER
    ]
    for start in range(0, len(due), CHUNK):
        with transaction.atomic():
            for request in ServiceRequest.objects.select_for_update(skip_locked=True).filter(
                pk__in=due[start : start + CHUNK], status=R.RESOLVED
            ):
                request.closed_on = on
                move(
                    request,
                    actor=actor,
                    target=R.CLOSED,
                    change="closed_unrated",
                    fields=["closed_on"],
                    after={"rating": None},
                )
                event(
                    request,
                    actor,
                    _("Closed without a rating after %(days)s working days.")
                    % {"days": CLOSE_UNRATED_AFTER},
                )
                closed += 1
    return closed


def recompute_provisional(year: int) -> int:
    """After `year`'s holidays are entered: recompute every open step whose deadline was
    provisional (computed on weekends alone)."""
    cal = workdays.calendar()
    changed = 0
    rows = ServiceRequest.objects.filter(
        due_provisional=True, step_due__isnull=False
    ).select_related("category")
    for request in rows.iterator(chunk_size=CHUNK):
        due = clock.step_deadline(
            cal, request.category, request.level, request.step_started_on, clock.pauses_of(request)
        )
        if (due.due, due.provisional) == (request.step_due, request.due_provisional):
            continue
        with transaction.atomic():
            updated = ServiceRequest.objects.filter(
                pk=request.pk, version=request.version, step_due=request.step_due
            ).update(step_due=due.due, due_provisional=due.provisional)
            if not updated:  # changed meanwhile: its new deadline was computed then
                continue
            RequestStep.objects.filter(request=request, ended_on__isnull=True).update(
                due_on=due.due
            )
            audit.record(
                actor=SCHEDULER,
                action="servicedesk.request.deadline_recomputed",
                obj=request,
                before={"due": request.step_due, "provisional": True},
                after={"due": due.due, "provisional": due.provisional, "year": year},
            )
        changed += 1
    return changed
