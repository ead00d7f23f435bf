"""The unit-choice desk (选房): whose turn it is, each turn's outcome, contracts, and closing
the sale with its report (one URL per transition, POST only)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone as tz
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gaoxin.common.errors import INVALID_INPUT, GaoxinError
from gaoxin.common.viewguards import require_rule

from .. import access, errors, selectors, services
from ..models import SaleBatch, Unit
from ._common import staff_batch, transition

BACK = "housing:unit_choice"


@require_GET
@require_rule(access.can_list_batches_admin)
def unit_choice(request: HttpRequest, code: str) -> HttpResponse:
    """The sales office's unit-choice desk: whose turn it is, the units left, contracts."""
    batch = staff_batch(request, code)
    actions = selectors.batch_actions(batch, request.user)
    started = actions.choosing or actions.closed
    return render(
        request,
        "housing/unit_choice.html",
        {
            "batch": batch,
            "actions": actions,
            "board": selectors.choice_board(batch) if started else None,
            "current": selectors.current_turn(batch) if actions.choosing else None,
            "today": tz.localdate().isoformat(),
        },
    )


@require_POST
@require_rule(access.can_list_batches_admin)
def choice_start(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    return transition(
        request,
        batch,
        lambda: services.unit_choice_start(actor=request.user, batch=batch),
        lambda count: _("Unit choice is open: %(n)s places in the queue.") % {"n": count},
        back_to=BACK,
    )


def _number(request: HttpRequest) -> str:
    return request.POST.get("number", "").strip().upper()[:32]


def _unit(request: HttpRequest, batch: SaleBatch) -> Unit:
    try:
        unit_id = int(request.POST.get("unit") or "")
    except ValueError:
        unit_id = None
    unit = batch.units.filter(pk=unit_id).first() if unit_id is not None else None
    if unit is None:
        raise GaoxinError(errors.UNIT_REQUIRED)
    return unit


@require_POST
@require_rule(access.can_list_batches_admin)
def turn_chosen(request: HttpRequest, code: str) -> HttpResponse:
    """The household at the desk chose a unit."""
    batch = staff_batch(request, code)
    number = _number(request)
    return transition(
        request,
        batch,
        lambda: services.turn_record(
            actor=request.user,
            batch=batch,
            number=number,
            outcome="chosen",
            unit=_unit(request, batch),
        ),
        _("Recorded for %(number)s.") % {"number": number},
        back_to=BACK,
    )


@require_POST
@require_rule(access.can_list_batches_admin)
def turn_declined(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    number = _number(request)
    return transition(
        request,
        batch,
        lambda: services.turn_record(
            actor=request.user, batch=batch, number=number, outcome="declined"
        ),
        _("Recorded for %(number)s.") % {"number": number},
        back_to=BACK,
    )


@require_POST
@require_rule(access.can_list_batches_admin)
def turn_no_show(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    number = _number(request)
    return transition(
        request,
        batch,
        lambda: services.turn_record(
            actor=request.user, batch=batch, number=number, outcome="no_show"
        ),
        _("Recorded for %(number)s.") % {"number": number},
        back_to=BACK,
    )


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise GaoxinError(INVALID_INPUT, detail=f"signed_on={value[:20]!r}") from error


@require_POST
@require_rule(access.can_list_batches_admin)
def contract_record(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    number = _number(request)
    return transition(
        request,
        batch,
        lambda: services.contract_record(
            actor=request.user,
            batch=batch,
            number=number,
            contract_number=request.POST.get("contract_number", ""),
            signed_on=_date(request.POST.get("signed_on", "")),
        ),
        _("Contract recorded for %(number)s.") % {"number": number},
        back_to=BACK,
    )


@require_POST
@require_rule(access.can_list_batches_admin)
def contract_forfeit(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    number = _number(request)
    return transition(
        request,
        batch,
        lambda: services.contract_forfeit(actor=request.user, batch=batch, number=number),
        _("%(number)s did not sign; the unit is available again.") % {"number": number},
        back_to=BACK,
    )


@require_POST
@require_rule(access.can_list_batches_admin)
def sale_close(request: HttpRequest, code: str) -> HttpResponse:
    batch = staff_batch(request, code)
    return transition(
        request,
        batch,
        lambda: services.batch_close(actor=request.user, batch=batch),
        _("The sale is closed; its report is published."),
        back_to=BACK,
    )
