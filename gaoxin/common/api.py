"""Audit log API (auditors): events and the chain head.

(No `from __future__ import annotations` in API modules: django-ninja reads the annotations.)"""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from . import access, selectors
from .audit import chain_head
from .errors import NOT_ALLOWED, NOT_FOUND, GaoxinError, ensure

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    seq: int
    created_at: datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    before: Any | None
    after: Any | None
    ip: str | None
    prev_hash: str
    hash: str


class ChainHeadOut(Schema):
    event_id: int | None
    seq: int
    hash: str
    head: str


class AuditFilterIn(Schema):
    action: str = Field("", max_length=100)
    actor: str = Field("", max_length=150)
    object_type: str = Field("", max_length=100)
    object_id: str = Field("", max_length=64)
    date_from: date | None = None
    date_to: date | None = None


@router.get("/events", response=list[AuditEventOut], summary="List audit events, newest first")
@paginate
def list_events(request: HttpRequest, filters: Query[AuditFilterIn]) -> Any:
    ensure(access.can_view_audit_log(request.user), NOT_ALLOWED)
    return selectors.audit_event_list(filters=selectors.AuditFilter(**filters.dict()))


@router.get("/events/{event_id}", response=AuditEventOut, summary="One audit event")
def get_event(request: HttpRequest, event_id: int) -> Any:
    ensure(access.can_view_audit_log(request.user), NOT_ALLOWED)
    event = selectors.audit_event_get(event_id=event_id)
    if event is None:
        raise GaoxinError(NOT_FOUND)
    return event


@router.get("/head", response=ChainHeadOut, summary="The audit chain head (ID:HASH)")
def get_head(request: HttpRequest) -> Any:
    ensure(access.can_view_chain_head(request.user), NOT_ALLOWED)
    head = chain_head()
    return {"event_id": head.event_id, "seq": head.seq, "hash": head.hash, "head": str(head)}
