"""Approvals API: departments whose own systems decide push their decisions here, idempotent by
their case number, under the same rules as a decision on the page; and an item's state.

(No `from __future__ import annotations`: django-ninja reads the annotations.)"""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from gaoxin.common.errors import GaoxinError

from . import access, errors, selectors, services

router = Router(tags=["approvals"])


class DecisionIn(Schema):
    department: str
    case_number: str
    project: str
    item: str
    decision: str  # approve | conditional | correction | refuse
    text: str = ""


class ItemOut(Schema):
    project: str
    item: str
    status: str
    created: bool
    decided_on: date | None
    due_on: date | None
    certificate_held: bool


def _out(item: Any, created: bool) -> dict[str, Any]:
    return {
        "project": item.project.number,
        "item": item.code,
        "status": item.status,
        "created": created,
        "decided_on": item.decided_on,
        "due_on": item.due_on,
        "certificate_held": item.certificate_held,
    }


@router.post(
    "/decisions",
    response={200: ItemOut, 201: ItemOut},
    summary="A department system's decision on an item (idempotent by its case number)",
)
def decision_push(request: HttpRequest, payload: DecisionIn) -> Any:
    """201 when the decision was recorded; 200 with the item unchanged when the same case was
    sent before; 409 `approvals.case_reused` when the case number came with another decision."""
    item, created = services.decision_push(
        actor=request.user,
        department=payload.department,
        case_number=payload.case_number,
        project_number=payload.project,
        item_code=payload.item,
        decision=payload.decision,
        text=payload.text,
    )
    return Status(201 if created else 200, _out(item, created))


@router.get("/items/{project}/{code}", response=ItemOut, summary="An item's state")
def item_get(request: HttpRequest, project: str, code: str) -> Any:
    found = selectors.item_by_number(project[:32], code[:32])
    if found is None:
        raise GaoxinError(errors.NOT_FOUND, what_zh="事项", what_en="item", key=f"{project}/{code}")
    if not access.can_view_project(request.user, found.project):
        raise GaoxinError(errors.NOT_ALLOWED, what_zh="该事项", what_en="this item")
    return _out(found, False)
