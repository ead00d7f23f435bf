"""Service desk API: transfers from the 12345 hotline's system, and a request's state for it.

(No `from __future__ import annotations`: django-ninja reads the annotations.)"""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from gaoxin.common.errors import NOT_ALLOWED, NOT_FOUND, GaoxinError

from . import access, selectors, services

router = Router(tags=["servicedesk"])


class HotlineTransferIn(Schema):
    case_number: str
    credit_code: str
    category: str
    title: str
    description: str
    contact: str = ""


class RequestOut(Schema):
    number: str
    created: bool
    hotline_case: str | None
    status: str
    level: int
    grid: str
    due: date | None
    due_provisional: bool
    reply: str


def _out(request: Any, created: bool) -> dict[str, Any]:
    return {
        "number": request.number,
        "created": created,
        "hotline_case": request.hotline_case,
        "status": request.status,
        "level": request.level,
        "grid": request.grid.code,
        "due": request.step_due,
        "due_provisional": request.due_provisional,
        "reply": request.reply,
    }


@router.post(
    "/hotline",
    response={200: RequestOut, 201: RequestOut},
    summary="Transfer a case from the 12345 hotline (idempotent by its case number)",
)
def hotline_transfer(request: HttpRequest, payload: HotlineTransferIn) -> Any:
    """201 with the new request; 200 with the same request when the case was transferred
    before (a resend after a lost answer creates nothing)."""
    made, created = services.transfer_from_hotline(
        actor=request.user,
        case_number=payload.case_number,
        credit_code=payload.credit_code,
        category=payload.category,
        title=payload.title,
        description=payload.description,
        contact=payload.contact,
    )
    return Status(201 if created else 200, _out(made, created))


@router.get("/requests/{number}", response=RequestOut, summary="A request's state and reply")
def request_get(request: HttpRequest, number: str) -> Any:
    found = selectors.request_by_number(number[:20])
    if found is None:
        raise GaoxinError(NOT_FOUND)
    if not access.can_view_request(request.user, found):
        raise GaoxinError(NOT_ALLOWED)
    return _out(found, False)
