"""Pages of enterprise support for the zone: the programmes with their ceilings and what is
committed, the awards, one award (milestones, approve or refuse, pay a milestone: a URL each)
and the ledger export for the finance bureau. A refused action comes back as a message naming
the ceiling and the sums; nothing is half-written."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gaoxin.common.errors import GaoxinError

from . import access, selectors
from .ledger_xlsx import workbook
from .models import Programme
from .services import awards as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MILESTONE_ROWS = 4


def _year(http: HttpRequest) -> int:
    raw = http.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@require_GET
@login_required
def awards(http: HttpRequest) -> HttpResponse:
    if not access.can_view_awards(http.user):
        raise PermissionDenied
    year = _year(http)
    return render(
        http,
        "support/awards.html",
        {
            "year": year,
            "programmes": selectors.programme_rows(year),
            "awards": selectors.award_list()[:200],
            "can_propose": access.can_propose_award(http.user),
            "all_programmes": Programme.objects.order_by("code"),
        },
    )


@require_POST
@login_required
def award_new(http: HttpRequest) -> HttpResponse:
    if not access.can_propose_award(http.user):
        raise PermissionDenied
    year = _year(http) if "year" not in http.POST else http.POST.get("year", "")
    try:
        award = services.award_propose(
            actor=http.user,
            programme_code=http.POST.get("programme", ""),
            recipient=http.POST.get("recipient", ""),
            title=http.POST.get("title", ""),
            year=int(year) if str(year).isdigit() else timezone.localdate().year,
            amount=http.POST.get("amount", ""),
        )
    except GaoxinError as failure:
        messages.error(http, failure.message())
        return redirect("support:awards")
    messages.success(http, _("Award proposed; set its milestones."))
    return redirect("support:award", pk=award.pk)


@require_GET
@login_required
def award(http: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_view_awards(http.user):
        raise PermissionDenied
    found = selectors.award_get(pk)
    if found is None:
        raise Http404
    return render(
        http,
        "support/award.html",
        {
            "award": found,
            "actions": selectors.award_actions(http.user, found),
            "paid": selectors.award_paid(found),
            "next_payable": selectors.next_payable(found),
            "blank_rows": range(1, MILESTONE_ROWS + 1),
        },
    )


def _act(http: HttpRequest, pk: int, call: object, done: str) -> HttpResponse:
    try:
        call()  # type: ignore[operator]
        messages.success(http, done)
    except GaoxinError as failure:
        messages.error(http, failure.message())
    return redirect("support:award", pk=pk)


@require_POST
@login_required
def award_milestones(http: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_propose_award(http.user):
        raise PermissionDenied
    plan = [
        services.MilestonePlan(http.POST.get(f"title_{i}", ""), http.POST.get(f"amount_{i}", ""))
        for i in range(1, MILESTONE_ROWS + 1)
        if http.POST.get(f"title_{i}", "").strip() or http.POST.get(f"amount_{i}", "").strip()
    ]
    return _act(
        http,
        pk,
        lambda: services.milestones_set(actor=http.user, pk=pk, plan=plan),
        _("Milestones saved."),
    )


@require_POST
@login_required
def award_approve(http: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_decide_award(http.user):
        raise PermissionDenied
    return _act(
        http, pk, lambda: services.award_approve(actor=http.user, pk=pk), _("Award approved.")
    )


@require_POST
@login_required
def award_refuse(http: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_decide_award(http.user):
        raise PermissionDenied
    return _act(
        http,
        pk,
        lambda: services.award_refuse(actor=http.user, pk=pk, reason=http.POST.get("reason", "")),
        _("Award refused."),
    )


@require_POST
@login_required
def milestone_pay(http: HttpRequest, pk: int, milestone: int) -> HttpResponse:
    if not access.can_pay_milestone(http.user):
        raise PermissionDenied
    found = selectors.award_get(pk)
    if found is None or not found.milestones.filter(pk=milestone).exists():
        raise Http404
    return _act(
        http,
        pk,
        lambda: services.milestone_pay(
            actor=http.user, pk=milestone, evidence=http.POST.get("evidence", "")
        ),
        _("Milestone paid."),
    )


@require_GET
@login_required
def ledger_export(http: HttpRequest) -> HttpResponse:
    if not access.can_export_ledger(http.user):
        raise PermissionDenied
    year = _year(http)
    response = HttpResponse(workbook(selectors.ledger_rows(year)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="support-ledger-{year}.xlsx"'
    return response
