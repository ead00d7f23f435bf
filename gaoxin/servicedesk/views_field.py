"""Pages for visits, work safety and notices (phone-first where an officer uses them at the
enterprise's door): the visits due this quarter, recording a visit and turning its finding into a
request, inspections against a checklist, hazards with their re-inspection, the zone's settings
and checklists, and notices with their acknowledgements. A refused action comes back as a
message in the user's language; nothing is half-written."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.common.errors import GaoxinError
from gaoxin.registry.models import Enterprise, KeyIndustry

from . import access, clock, fieldwork, selectors
from .choices import NoticeKind, Severity
from .models import ChecklistTemplate, Grid, Hazard, Inspection, Notice, Visit
from .services import notices as notice_services
from .services import safety, visits

PAGE = 30


def _field_user(http: HttpRequest) -> None:
    if not (access.officer_grids(http.user) or access.sees_everything(http.user)):
        raise PermissionDenied


def _version(http: HttpRequest) -> int | None:
    try:
        return int(http.POST.get("version", ""))
    except ValueError:
        return None


@require_GET
@login_required
def visits_due(http: HttpRequest) -> HttpResponse:
    """The officer's list: enterprises of their grids still due a visit this quarter."""
    _field_user(http)
    today = clock.today()
    grid = None
    if code := http.GET.get("grid", ""):
        grid = Grid.objects.filter(code=code[:16]).first()
        if grid is None:
            raise Http404
        if not access.can_view_field(http.user, grid):
            raise PermissionDenied
    due = fieldwork.due_visits(http.user, today, grid)
    page = Paginator(due, PAGE).get_page(http.GET.get("page"))
    recent = fieldwork.visible_visits(http.user).order_by("-visited_on", "-pk")[:10]
    return render(
        http,
        "servicedesk/field/visits_due.html",
        {
            "page": page,
            "total": len(due),
            "quarter": fieldwork.quarter_of(today),
            "needed": fieldwork.settings_row().visits_per_quarter,
            "recent": recent,
            "grid": grid,
            "can_record": bool(access.officer_grids(http.user)),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def visit_new(http: HttpRequest) -> HttpResponse:
    if not access.officer_grids(http.user):
        raise PermissionDenied
    keys = ("credit_code", "visited_on", "notes", "findings")
    values = {k: http.POST.get(k, http.GET.get(k, "")) for k in keys}
    error = ""
    if http.method == "POST":
        try:
            visit = visits.record_visit(actor=http.user, **values)
        except GaoxinError as failure:
            error = failure.message()
        else:
            messages.success(http, _("Visit recorded."))
            return redirect("servicedesk:visit", pk=visit.pk)
    enterprise = None
    if values["credit_code"]:
        enterprise = Enterprise.objects.filter(
            credit_code=values["credit_code"].strip().upper()[:18]
        ).first()
    return render(
        http,
        "servicedesk/field/visit_new.html",
        {"values": values, "error": error, "enterprise": enterprise, "today": clock.today()},
        status=422 if error else 200,
    )


def _visit(http: HttpRequest, pk: int) -> Visit:
    visit = Visit.objects.select_related("enterprise", "grid", "officer", "request").filter(pk=pk)
    row = visit.first()
    if row is None:
        raise Http404
    if not access.can_view_field(http.user, row.grid):
        raise PermissionDenied
    return row


@require_GET
@login_required
def visit_detail(http: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(http, pk)
    return render(
        http,
        "servicedesk/field/visit.html",
        {
            "v": visit,
            "can_turn": access.can_work_in(http.user, visit.grid)
            and visit.request is None
            and bool(visit.findings.strip()),
            "categories": selectors.categories(),
        },
    )


@require_POST
@login_required
def visit_to_request(http: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(http, pk)
    try:
        made = visits.finding_to_request(
            actor=http.user, pk=visit.pk, category=http.POST.get("category", "")
        )
    except GaoxinError as failure:
        messages.error(http, failure.message())
        return redirect("servicedesk:visit", pk=visit.pk)
    messages.success(
        http,
        _("Request %(number)s accepted; it is due by %(due)s.")
        % {"number": made.number, "due": made.step_due},
    )
    return redirect("servicedesk:request", number=made.number)


@require_http_methods(["GET", "POST"])
@login_required
def field_settings(http: HttpRequest) -> HttpResponse:
    """Zone administrators: N visits per quarter, rectification limits, checklist templates."""
    if not access.can_edit_field_settings(http.user):
        raise PermissionDenied
    error = ""
    if http.method == "POST":
        try:
            if http.POST.get("form") == "checklist":
                version = safety.save_checklist(
                    actor=http.user,
                    code=http.POST.get("code", ""),
                    name=http.POST.get("name", ""),
                    items=http.POST.get("items", ""),
                )
                messages.success(
                    http,
                    _("Checklist %(name)s saved as version %(number)s.")
                    % {"name": version.template.name, "number": version.number},
                )
            else:
                visits.update_settings(
                    actor=http.user,
                    visits_per_quarter=http.POST.get("visits_per_quarter", ""),
                    general_days=http.POST.get("general_days", ""),
                    serious_days=http.POST.get("serious_days", ""),
                    major_days=http.POST.get("major_days", ""),
                )
                messages.success(http, _("Settings saved."))
        except GaoxinError as failure:
            error = failure.message()
        else:
            return redirect("servicedesk:field_settings")
    templates = [(t, t.current()) for t in ChecklistTemplate.objects.prefetch_related("versions")]
    return render(
        http,
        "servicedesk/field/settings.html",
        {"row": fieldwork.settings_row(), "templates": templates, "error": error},
        status=422 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def inspection_new(http: HttpRequest) -> HttpResponse:
    if not access.officer_grids(http.user):
        raise PermissionDenied
    templates = [
        (t, t.current()) for t in ChecklistTemplate.objects.filter(active=True) if t.current()
    ]
    code = http.POST.get("template", http.GET.get("template", ""))
    chosen = next((pair for pair in templates if pair[0].code == code), None) or (
        templates[0] if templates else None
    )
    values = {
        "credit_code": http.POST.get("credit_code", http.GET.get("credit_code", "")),
        "notes": http.POST.get("notes", ""),
    }
    error = ""
    if http.method == "POST":
        results: dict[int, str] = {}
        for key in http.POST:
            if key.startswith("item-") and key[5:].isdigit() and len(key) < 10:
                results[int(key[5:])] = http.POST.get(key, "")
        try:
            made = safety.inspect(
                actor=http.user,
                credit_code=values["credit_code"],
                template=code,
                results=results,
                notes=values["notes"],
            )
        except GaoxinError as failure:
            error = failure.message()
        else:
            messages.success(http, _("Inspection recorded. Add the hazards found, if any."))
            return redirect("servicedesk:inspection", pk=made.pk)
    return render(
        http,
        "servicedesk/field/inspection_new.html",
        {
            "templates": templates,
            "chosen": chosen,
            "values": values,
            "error": error,
            "answers": {k: v for k, v in http.POST.items() if k.startswith("item-")},
        },
        status=422 if error else 200,
    )


def _inspection(http: HttpRequest, pk: int) -> Inspection:
    row = (
        Inspection.objects.select_related("enterprise", "grid", "officer", "version__template")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise Http404
    if not access.can_view_field(http.user, row.grid):
        raise PermissionDenied
    return row


@require_GET
@login_required
def inspection_detail(http: HttpRequest, pk: int) -> HttpResponse:
    row = _inspection(http, pk)
    return render(
        http,
        "servicedesk/field/inspection.html",
        {
            "i": row,
            "hazards": row.hazards.all(),
            "can_add": access.can_work_in(http.user, row.grid),
            "severities": Severity.choices,
            "days": fieldwork.settings_row(),
        },
    )


@require_POST
@login_required
def hazard_add(http: HttpRequest, pk: int) -> HttpResponse:
    row = _inspection(http, pk)
    try:
        hazard = safety.add_hazard(
            actor=http.user,
            inspection=row.pk,
            description=http.POST.get("description", ""),
            severity=http.POST.get("severity", ""),
            photos=http.FILES.getlist("photos"),
        )
    except GaoxinError as failure:
        messages.error(http, failure.message())
        return redirect("servicedesk:inspection", pk=row.pk)
    messages.success(
        http,
        _("Hazard %(number)s recorded; rectify by %(due)s.")
        % {"number": hazard.number, "due": hazard.due_on},
    )
    return redirect("servicedesk:hazard", number=hazard.number)


@require_GET
@login_required
def hazards(http: HttpRequest) -> HttpResponse:
    if not access.can_use_desk(http.user):
        raise PermissionDenied
    show = http.GET.get("show", "open")
    rows = (
        fieldwork.open_hazards(http.user)
        if show == "open"
        else fieldwork.visible_hazards(http.user).order_by("-found_on", "-pk")
    )
    page = Paginator(rows, PAGE).get_page(http.GET.get("page"))
    return render(
        http,
        "servicedesk/field/hazards.html",
        {
            "page": page,
            "show": show,
            "today": clock.today(),
            "staff": access.is_staff_member(http.user),
        },
    )


def _hazard(http: HttpRequest, number: str) -> Hazard:
    row = (
        Hazard.objects.select_related("enterprise", "grid", "inspection__version__template")
        .filter(number=number[:20])
        .first()
    )
    if row is None:
        raise Http404
    if not access.can_view_hazard(http.user, row):
        raise PermissionDenied
    return row


@require_GET
@login_required
def hazard_detail(http: HttpRequest, number: str) -> HttpResponse:
    row = _hazard(http, number)
    return render(
        http,
        "servicedesk/field/hazard.html",
        {
            "h": row,
            "staff": access.is_staff_member(http.user),
            "checks": row.checks.all(),
            "photos": row.photos.all(),
            "overdue": row.overdue_on(clock.today()),
            "can_report": row.awaits_rectification and access.can_report_rectified(http.user, row),
            "can_reinspect": not row.is_closed and access.can_reinspect(http.user, row),
        },
    )


@require_GET
@login_required
def hazard_photo(http: HttpRequest, number: str, pk: int) -> FileResponse:
    """A hazard's photo, to those who may see the hazard (media files are not public)."""
    row = _hazard(http, number)
    photo = row.photos.filter(pk=pk).first()
    if photo is None:
        raise Http404
    try:
        handle = photo.file.open("rb")
    except OSError as missing:
        raise Http404 from missing
    response = FileResponse(handle, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
@login_required
def hazard_report(http: HttpRequest, number: str) -> HttpResponse:
    row = _hazard(http, number)
    try:
        safety.report_rectified(
            actor=http.user,
            pk=row.pk,
            version=_version(http),
            text=http.POST.get("text", ""),
            photos=http.FILES.getlist("photos"),
        )
    except GaoxinError as failure:
        messages.error(http, failure.message())
    else:
        messages.success(http, _("Rectification reported; the grid will re-inspect."))
    return redirect("servicedesk:hazard", number=row.number)


@require_POST
@login_required
def hazard_reinspect(http: HttpRequest, number: str) -> HttpResponse:
    row = _hazard(http, number)
    try:
        done = safety.reinspect(
            actor=http.user,
            pk=row.pk,
            version=_version(http),
            passed=http.POST.get("passed", ""),
            text=http.POST.get("text", ""),
            photos=http.FILES.getlist("photos"),
        )
    except GaoxinError as failure:
        messages.error(http, failure.message())
    else:
        messages.success(
            http,
            _("Re-inspection passed: the hazard is closed.")
            if done.is_closed
            else _("Re-inspection failed: the hazard stays open."),
        )
    return redirect("servicedesk:hazard", number=row.number)


# -- notices -------------------------------------------------------------------------------------


@require_GET
@login_required
def notices(http: HttpRequest) -> HttpResponse:
    if not access.can_view_notices(http.user):
        raise PermissionDenied
    return render(
        http,
        "servicedesk/field/notices.html",
        {
            "rows": fieldwork.notices_for(http.user),
            "can_send": access.can_send_notice(http.user),
            "staff": access.is_staff_member(http.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def notice_new(http: HttpRequest) -> HttpResponse:
    if not access.can_send_notice(http.user):
        raise PermissionDenied
    values: dict[str, Any] = {
        "kind": http.POST.get("kind", ""),
        "title": http.POST.get("title", ""),
        "body": http.POST.get("body", ""),
        "grids": http.POST.getlist("grids"),
        "industries": http.POST.getlist("industries"),
    }
    error = ""
    if http.method == "POST":
        try:
            notice = notice_services.send(actor=http.user, **values)
        except GaoxinError as failure:
            error = failure.message()
        else:
            messages.success(
                http,
                _("Notice %(number)s sent to %(count)s enterprises.")
                % {"number": notice.number, "count": notice.recipients.count()},
            )
            return redirect("servicedesk:notice", number=notice.number)
    return render(
        http,
        "servicedesk/field/notice_new.html",
        {
            "values": values,
            "error": error,
            "kinds": NoticeKind.choices,
            "grids": selectors.grid_choices(),
            "industries": KeyIndustry.objects.order_by("sort_order", "code"),
        },
        status=422 if error else 200,
    )


def _notice(http: HttpRequest, number: str) -> Notice:
    row = Notice.objects.select_related("sent_by").filter(number=number[:20]).first()
    if row is None:
        raise Http404
    if not fieldwork.can_view_notice(http.user, row):
        raise PermissionDenied
    return row


@require_GET
@login_required
def notice_detail(http: HttpRequest, number: str) -> HttpResponse:
    notice = _notice(http, number)
    rows = fieldwork.recipients_of(http.user, notice)
    staff = access.is_staff_member(http.user)
    pending = rows.filter(acknowledged_at__isnull=True).order_by("grid__code", "enterprise__name")
    mine = [] if staff else list(rows)
    total = rows.count()
    acknowledged = rows.filter(acknowledged_at__isnull=False).count()
    return render(
        http,
        "servicedesk/field/notice.html",
        {
            "n": notice,
            "staff": staff,
            "total": total,
            "acknowledged": acknowledged,
            "percent": round(100 * acknowledged / total) if total else 0,
            "pending": Paginator(pending, 100).get_page(http.GET.get("page")) if staff else None,
            "mine": mine,
            "can_ack": any(r.acknowledged_at is None for r in mine),
        },
    )


@require_POST
@login_required
def notice_ack(http: HttpRequest, number: str) -> HttpResponse:
    notice = _notice(http, number)
    try:
        notice_services.acknowledge(actor=http.user, pk=notice.pk)
    except GaoxinError as failure:
        messages.error(http, failure.message())
    else:
        messages.success(http, _("Thank you: the notice is acknowledged."))
    return redirect("servicedesk:notice", number=notice.number)
