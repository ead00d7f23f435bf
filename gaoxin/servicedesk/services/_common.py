"""What every service of the desk shares: the request lock with its version check, the audit
of a transition, the history entry, and the people a step's notice goes to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.accounts.models import RoleGrant
from gaoxin.common import notifications
from gaoxin.common.actors import Actor, is_system, user_of
from gaoxin.common.errors import GaoxinError, ensure

from .. import errors, figurestore
from ..choices import EntryKind, Level
from ..models import RequestEntry, ServiceRequest
from ..states import REQUEST


def actor_name(actor: Actor) -> str:
    return str(actor.get_username()) if not is_system(actor) else str(actor)


def locked(pk: int, version: int | None, actor: Actor) -> ServiceRequest:
    """The request, locked for this transaction. `version`: the version the acting person was
    shown; if someone changed the request since, the action is refused as a conflict naming who
    changed it and how (nothing is written)."""
    request = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("grid", "category", "department", "enterprise")
        .get(pk=pk)
    )
    if version is not None and version != request.version:
        raise GaoxinError(
            errors.CONFLICT,
            number=request.number,
            who=request.last_changed_by or "—",
            what=request.last_change or "—",
        )
    return request


def move(
    request: ServiceRequest,
    *,
    actor: Actor,
    target: str,
    change: str,
    after: dict[str, Any] | None = None,
    fields: Iterable[str] = (),
) -> None:
    """Apply a transition of the request's machine (audited) and bump its version; the month's
    figures are marked for recounting (figurestore.py)."""
    request.version += 1
    request.last_change = change
    request.last_changed_by = actor_name(actor)
    REQUEST.apply(
        actor=actor,
        obj=request,
        target=target,
        after=after,
        update_fields=["version", "last_change", "last_changed_by", *fields],
    )
    figurestore.changed([request.accepted_on])


def entry(request: ServiceRequest, *, actor: Actor, kind: str, text: str) -> RequestEntry:
    return RequestEntry.objects.create(
        request=request,
        kind=kind,
        author=user_of(actor),
        author_name=actor_name(actor),
        text=text,
    )


def event(request: ServiceRequest, actor: Actor, text: str) -> RequestEntry:
    return entry(request, actor=actor, kind=EntryKind.EVENT, text=text)


def text_field(value: str, *, zh: str, en: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    ensure(not required or bool(value), errors.FIELD_REQUIRED, field_zh=zh, field_en=en)
    ensure(
        len(value) <= limit,
        errors.FIELD_TOO_LONG,
        field_zh=zh,
        field_en=en,
        limit=limit,
        length=len(value),
    )
    return value


def holders(request: ServiceRequest, level: int) -> list[Any]:
    """The people who hold the request's step at `level`: the grid's officers or leader, the
    department's officers, or the leadership."""
    grants = RoleGrant.objects.filter(revoked_at__isnull=True)
    if level == Level.OFFICER:
        grants = grants.filter(
            role=roles.GRID_OFFICER, scope_kind=ScopeKind.GRID, scope_key=request.grid.code
        )
    elif level == Level.LEADER:
        grants = grants.filter(
            role=roles.GRID_LEADER, scope_kind=ScopeKind.GRID, scope_key=request.grid.code
        )
    elif level == Level.DEPARTMENT:
        if request.department is None:
            return []
        grants = grants.filter(
            role=roles.DEPARTMENT_OFFICER,
            scope_kind=ScopeKind.DEPARTMENT,
            scope_key=request.department.code,
        )
    else:
        grants = grants.filter(role=roles.LEADERSHIP, scope_kind="")
    ids = grants.values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def enterprise_users(request: ServiceRequest) -> list[Any]:
    ids = RoleGrant.objects.filter(
        Q(revoked_at__isnull=True),
        role=roles.ENTERPRISE_USER,
        scope_kind=ScopeKind.ENTERPRISE,
        scope_key=request.enterprise.credit_code,
    ).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def notify(people: Iterable[Any], request: ServiceRequest, subject: str, body: str = "") -> None:
    people = [p for p in people if p is not None]
    if people:
        notifications.notify(
            recipients=people,
            subject=f"{request.number} {subject}",
            body=body or request.title,
            link=f"/servicedesk/requests/{request.number}/",
        )


def level_label(level: int) -> str:
    return str(Level(level).label)
