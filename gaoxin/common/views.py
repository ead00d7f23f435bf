from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import access, selectors
from .audit import chain_head
from .forms import AuditFilterForm
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
    context = {"form": form, "page": page, "head": chain_head()}
    template = "common/_audit_rows.html" if request.htmx else "common/audit_log.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_GET
@require_rule(access.can_view_audit_log)
def audit_event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.audit_event_get(event_id=event_id)
    if event is None:
        raise Http404
    return render(request, "common/audit_event.html", {"event": event, "head": chain_head()})
