from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import access, auditwords, checkpoints, notifications, selectors, workdays
from .audit import chain_head
from .errors import GaoxinError
from .forms import AuditFilterForm
from .models import AuditCheckpoint, CalendarDay, CalendarYear, Notification
from .viewguards import require_rule


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
@require_rule(access.can_view_audit_log)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = selectors.AuditFilter()
    if form.is_valid():
        filters = selectors.AuditFilter(**form.cleaned_data)
    page = Paginator(selectors.audit_event_list(filters=filters), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "rows": auditwords.tell(page.object_list),
        "head": chain_head(),
    }
    template = "common/_audit_rows.html" if request.htmx else "common/audit_log.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_GET
@require_rule(access.can_view_audit_log)
def audit_event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.audit_event_get(event_id=event_id)
    if event is None:
        raise Http404
    told = auditwords.tell([event])[0]
    return render(
        request,
        "common/audit_event.html",
        {"event": event, "sentence": told.sentence, "head": chain_head()},
    )


@require_GET
def checkpoint_list(request: HttpRequest) -> HttpResponse:
    """Public: every signed checkpoint of the audit chain, the key that signs them and how to
    check them. Anyone may keep a copy; a later rewrite of the log contradicts it."""
    rows = AuditCheckpoint.objects.prefetch_related("countersignatures__user").order_by(
        "-signed_at"
    )[:200]
    return render(
        request,
        "common/checkpoints.html",
        {
            "rows": rows,
            "public_key": checkpoints.public_key_hex(),
            "can_countersign": access.can_countersign_checkpoint(request.user),
        },
    )


@require_GET
def checkpoint_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "type": checkpoints.MESSAGE_TYPE,
            "public_key": checkpoints.public_key_hex(),
            "checkpoints": [c.as_dict() for c in checkpoints.published()],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_POST
@require_rule(access.can_countersign_checkpoint)
def checkpoint_countersign(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(AuditCheckpoint, pk=pk)
    try:
        checkpoints.checkpoint_countersign(actor=request.user, checkpoint=row)
    except GaoxinError as error:
        messages.error(request, error.message())
    else:
        messages.success(request, _("Countersigned: you recorded this head yourself."))
    return redirect("common:checkpoints")


def _calendar_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    years = list(CalendarYear.objects.order_by("-year")[:6])
    today = timezone.localdate()
    return {
        "years": years,
        "next_year": today.year + 1,
        "next_entered": CalendarYear.objects.filter(year=today.year + 1).exists(),
        "days": CalendarDay.objects.filter(year__in=[y.year for y in years[:2]]).order_by("day"),
        **extra,
    }


@require_GET
@require_rule(access.can_enter_calendar)
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The working-day calendar: the years entered, and a form for next year's schedule."""
    return render(request, "common/calendar.html", _calendar_context(request))


@require_POST
@require_rule(access.can_enter_calendar)
def calendar_enter(request: HttpRequest) -> HttpResponse:
    text = request.POST.get("schedule", "")
    source = request.POST.get("source", "")
    try:
        year = int(request.POST.get("year", ""))
        workdays.year_enter(actor=request.user, year=year, schedule=text, source=source)
    except ValueError:
        messages.error(request, _("Give the year as a number, e.g. 2027."))
    except GaoxinError as error:
        context = _calendar_context(request, error=error.message(), schedule=text, source=source)
        return render(request, "common/calendar.html", context, status=422)
    else:
        messages.success(request, _("The year %(year)s is entered.") % {"year": year})
    return redirect("common:calendar")


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The signed-in user's messages, newest first."""
    page = Paginator(Notification.objects.filter(recipient_id=request.user.pk), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "common/inbox.html", {"page": page})


@require_POST
@login_required
def inbox_read(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    notifications.mark_read(user=request.user, ids=ids or None)
    return redirect("common:inbox")
