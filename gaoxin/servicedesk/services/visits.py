"""Visits (走访): the zone's settings row (visits per quarter, rectification limits), visit
records, and a finding turned into a request with one click (channel "visit")."""

from __future__ import annotations

from django.db import transaction

from gaoxin.common import audit
from gaoxin.common.actors import Actor, user_of
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure

from .. import access, errors, selectors
from ..choices import Channel
from ..models import FieldSettings, ServiceRequest, Visit
from ._common import text_field
from ._field import field_settings, past_date, whole
from .requests import _enterprise, record


@transaction.atomic
def update_settings(
    *,
    actor: Actor,
    visits_per_quarter: object,
    general_days: object,
    serious_days: object,
    major_days: object,
) -> FieldSettings:
    """Zone administrators set N (visits per key enterprise per quarter) and the rectification
    limit of each hazard severity (working days)."""
    ensure(access.can_edit_field_settings(actor), NOT_ALLOWED)
    row = field_settings()
    before = {
        "visits_per_quarter": row.visits_per_quarter,
        "general_days": row.general_days,
        "serious_days": row.serious_days,
        "major_days": row.major_days,
    }
    row.visits_per_quarter = whole(
        visits_per_quarter, zh="每季度走访次数", en="Visits per quarter", low=1, high=30
    )
    row.general_days = whole(
        general_days, zh="一般隐患整改时限", en="Limit for a general hazard", low=1, high=90
    )
    row.serious_days = whole(
        serious_days, zh="较大隐患整改时限", en="Limit for a serious hazard", low=1, high=90
    )
    row.major_days = whole(
        major_days, zh="重大隐患整改时限", en="Limit for a major hazard", low=1, high=90
    )
    row.save()
    after = {
        "visits_per_quarter": row.visits_per_quarter,
        "general_days": row.general_days,
        "serious_days": row.serious_days,
        "major_days": row.major_days,
    }
    audit.record(
        actor=actor,
        action="servicedesk.field_settings.changed",
        obj=row,
        before=before,
        after=after,
    )
    return row


@transaction.atomic
def record_visit(
    *, actor: Actor, credit_code: str, visited_on: object = "", notes: str = "", findings: str = ""
) -> Visit:
    """An officer records a visit to an enterprise of their grid."""
    enterprise = _enterprise(credit_code)
    day = past_date(visited_on, zh="走访日期", en="Date of the visit")
    grid = selectors.grid_of(enterprise, day)
    if grid is None:
        raise GaoxinError(errors.NOT_IN_A_GRID, name=enterprise.name, code=enterprise.credit_code)
    ensure(access.can_work_in(actor, grid), NOT_ALLOWED)
    notes = text_field(notes, zh="走访记录", en="Notes", limit=5000, required=False)
    findings = text_field(findings, zh="发现的问题", en="Findings", limit=5000, required=False)
    ensure(bool(notes or findings), errors.FIELD_REQUIRED, field_zh="走访记录", field_en="Notes")
    visit = Visit.objects.create(
        enterprise=enterprise,
        grid=grid,
        officer=user_of(actor),
        visited_on=day,
        notes=notes,
        findings=findings,
    )
    audit.record(
        actor=actor,
        action="servicedesk.visit.recorded",
        obj=visit,
        after={
            "enterprise": enterprise.credit_code,
            "grid": grid.code,
            "visited_on": day,
            "findings": bool(findings),
        },
    )
    return visit


@transaction.atomic
def finding_to_request(*, actor: Actor, pk: int, category: str) -> ServiceRequest:
    """The visit's findings become a request (channel: visit finding), once."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("grid", "enterprise", "request")
        .get(pk=pk)
    )
    ensure(access.can_work_in(actor, visit.grid), NOT_ALLOWED)
    if visit.request is not None:
        raise GaoxinError(errors.ALREADY_TURNED, number=visit.request.number)
    ensure(bool(visit.findings.strip()), errors.NO_FINDINGS)
    first_line = visit.findings.strip().splitlines()[0].strip()
    title = first_line if len(first_line) <= 60 else first_line[:59] + "…"
    description = visit.findings
    if visit.notes:
        description += "\n\n" + visit.notes
    made = record(
        actor=actor,
        credit_code=visit.enterprise.credit_code,
        category=category,
        channel=Channel.VISIT,
        title=title,
        description=description[:5000],
    )
    visit.request = made
    visit.save(update_fields=["request"])
    audit.record(
        actor=actor,
        action="servicedesk.visit.finding_to_request",
        obj=visit,
        after={"request": made.number},
    )
    return made
