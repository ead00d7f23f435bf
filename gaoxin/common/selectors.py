"""Reads of the audit log for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


EARLIEST, LATEST = date(1900, 1, 1), date(9000, 12, 31)


def _clamp(day: date) -> date:
    return min(max(day, EARLIEST), LATEST)


def audit_event_list(*, filters: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    """Newest first; every filter is an indexed equality/prefix or a time range."""
    f = filters or AuditFilter()
    events = AuditEvent.objects.select_related("actor").order_by("-id")
    if f.action:
        events = events.filter(action__startswith=f.action)
    if f.actor:
        events = events.filter(actor_name=f.actor)
    if f.object_type:
        events = events.filter(object_type=f.object_type)
    if f.object_id:
        events = events.filter(object_id=f.object_id)
    # Dates far outside the chain's life (0001-01-01, 9999-12-31) are clamped: the zone's time
    # of such a day has no UTC datetime, and nothing was recorded then anyway.
    if f.date_from:
        events = events.filter(created_at__gte=_start_of(_clamp(f.date_from)))
    if f.date_to:
        events = events.filter(created_at__lt=_start_of(_clamp(f.date_to) + timedelta(days=1)))
    return events


def audit_event_get(*, event_id: int) -> AuditEvent | None:
    return AuditEvent.objects.select_related("actor").filter(pk=event_id).first()


def audit_action_choices() -> list[str]:
    return list(AuditEvent.objects.order_by().values_list("action", flat=True).distinct()[:200])
