"""What the desk's services share: locks in one order (project → stage → item → document),
the stage chain (全程串联), certificates, and the people an alert goes to."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.accounts.models import RoleGrant
from gaoxin.common import audit
from gaoxin.common.actors import Actor, is_system
from gaoxin.common.errors import GaoxinError
from gaoxin.common.workdays import Calendar, Pause

from .. import clock, errors
from ..certfacts import facts_digest
from ..choices import DocumentStatus, ItemStatus, ProjectStatus, StageStatus
from ..models import Certificate, Project, ProjectDocument, ProjectItem, ProjectStage
from ..states import PROJECT, STAGE

DECIDED_ALIVE = (ItemStatus.APPROVED, ItemStatus.CONDITIONAL)


def actor_name(actor: Actor) -> str:
    return str(actor.get_username()) if not is_system(actor) else str(actor)


def lock_project(pk: int) -> Project:
    try:
        return (
            Project.objects.select_for_update(of=("self",))
            .select_related("enterprise", "version")
            .get(pk=pk)
        )
    except Project.DoesNotExist:
        raise GaoxinError(errors.NOT_FOUND, what_zh="项目", what_en="project", key=pk) from None


def lock_stages(project: Project) -> list[ProjectStage]:
    return list(
        ProjectStage.objects.select_for_update(of=("self",))
        .select_related("lead_department")
        .filter(project=project)
        .order_by("order")
    )


def lock_items(project: Project) -> list[ProjectItem]:
    return list(
        ProjectItem.objects.select_for_update(of=("self",))
        .select_related("department", "stage")
        .filter(project=project)
        .order_by("stage__order", "code")
    )


def received_codes(project: Project) -> set[str]:
    """The codes of the project's documents received in full (not promised, not drafts)."""
    return set(
        ProjectDocument.objects.filter(project=project, status=DocumentStatus.RECEIVED).values_list(
            "code", flat=True
        )
    )


def item_pauses(item: ProjectItem, upto: date | None = None) -> list[Pause]:
    return clock.pauses_of(item.pauses, item.paused_since, upto)


def certificate_issue(item: ProjectItem, project: Project, day: date) -> Certificate:
    """The certificate of a decision: its facts, their SHA-256 digest and a verification code."""
    facts = {
        "project": project.number,
        "project_name": project.name,
        "enterprise": project.enterprise.name,
        "credit_code": project.enterprise.credit_code,
        "parcel": project.parcel,
        "item": item.code,
        "item_name": item.name,
        "department": item.department.name,
        "decision": item.status,
        "conditions": item.conditions,
        "decided_on": str(item.decided_on or day),
        "issued_on": str(day),
    }
    code = secrets.token_hex(6).upper()
    return Certificate.objects.create(
        item=item, code=code, digest=facts_digest(facts), facts=facts, issued_on=day
    )


def advance(
    *,
    actor: Actor,
    project: Project,
    stages: list[ProjectStage],
    items: list[ProjectItem],
    cal: Calendar,
    day: date,
) -> None:
    """Close every stage whose items have all ended and open the next at once (全程串联); the
    permit date, 拿地即开工 and the project's serial and actual days follow."""
    by_stage: dict[int, list[ProjectItem]] = {}
    for it in items:
        by_stage.setdefault(it.stage_id, []).append(it)
    previous_closed = True
    for stage in stages:
        if stage.status == StageStatus.CLOSED:
            previous_closed = True
            continue
        if not previous_closed:
            break
        own = by_stage.get(stage.pk, [])
        if stage.status == StageStatus.WAITING:
            stage.opened_on = day
            STAGE.apply(
                actor=actor, obj=stage, target=StageStatus.OPEN, update_fields=["opened_on"]
            )
        if not own or any(it.decided_on is None for it in own):
            break
        closed_on = max([day, *(it.decided_on for it in own if it.decided_on)])
        stage.closed_on = closed_on
        stage.serial_days = sum(it.limit_days for it in own)
        stage.working_days = (
            clock.stage_working_days(
                cal,
                stage.submitted_on,
                closed_on,
                [(it.dispatched_on, it.decided_on, item_pauses(it)) for it in own],
            )
            if stage.submitted_on
            else 0
        )
        STAGE.apply(
            actor=actor,
            obj=stage,
            target=StageStatus.CLOSED,
            after={"closed_on": str(closed_on), "working_days": stage.working_days},
            update_fields=["closed_on", "serial_days", "working_days"],
        )
        previous_closed = True
    closed = [s for s in stages if s.status == StageStatus.CLOSED]
    project.serial_days = sum(s.serial_days for s in closed)
    project.actual_days = sum(s.working_days or 0 for s in closed)
    fields = ["serial_days", "actual_days"]
    permit = next((s for s in closed if s.issues_permit), None)
    if permit is not None and project.permit_on is None:
        project.permit_on = permit.closed_on
        fields.append("permit_on")
    if project.permit_on and project.land_contract_on:
        used = cal.count(project.land_contract_on, project.permit_on).days
        project.quick_start = used <= project.version.quick_start_days
        fields.append("quick_start")
    project.save(update_fields=fields)
    if len(closed) == len(stages) and project.status == ProjectStatus.IN_PROGRESS:
        PROJECT.apply(actor=actor, obj=project, target=ProjectStatus.COMPLETED)


def recipients(codes: Iterable[str], *, leadership: bool = False) -> list[Any]:
    """The heads of these departments (and the leadership when asked), active users."""
    q = Q(
        role=roles.APPROVAL_HEAD,
        scope_kind=ScopeKind.APPROVAL_DEPARTMENT,
        scope_key__in=list(codes),
    )
    if leadership:
        q |= Q(role=roles.LEADERSHIP, scope_kind="")
    ids = RoleGrant.objects.filter(q, revoked_at__isnull=True).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def audit_change(actor: Actor, action: str, obj: Any, **after: Any) -> None:
    audit.record(actor=actor, action=action, obj=obj, after=after or None)
