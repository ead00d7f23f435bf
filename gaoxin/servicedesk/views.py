"""The grid service desk's pages: the queue of what waits for the user, a request's page with
the actions its state and the user's role allow (one URL per transition), the new-request form
(an enterprise's own account, or an officer recording a call or a visit), the enterprise's list
of its requests and the figures. A refused action comes back as a message in the user's
language; nothing is half-written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.common.errors import GaoxinError

from . import access, charts, clock, errors, fieldwork, monthly, selectors, services
from .choices import Channel, Level
from .choices import RequestStatus as R
from .models import Grid, ServiceRequest

PAGE = 30


def _request_or_404(http: HttpRequest, number: str) -> ServiceRequest:
    request = selectors.request_by_number(number)
    if request is None:
        raise Http404
    if not access.can_view_request(http.user, request):
        raise PermissionDenied
    return request


def posted_number(http: HttpRequest, name: str) -> int | None:
    """A whole number the form posted (the version the person was shown), None if absent or
    not a number (the service then checks nothing, or refuses)."""
    try:
        return int(http.POST.get(name, ""))
    except ValueError:
        return None


def _version(http: HttpRequest) -> int | None:
    return posted_number(http, "version")


@require_GET
@login_required
def queue(http: HttpRequest) -> HttpResponse:
    user = http.user
    if not access.is_staff_member(user):
        if access.enterprises(user):
            return redirect("servicedesk:mine")
        raise PermissionDenied
    show = http.GET.get("show", "mine")
    today = timezone.localdate()
    rows = selectors.queue(user) if show == "mine" else selectors.visible_requests(user)
    if show == "overdue":
        rows = rows.filter(status__in=selectors.OPEN, step_due__lt=today).order_by("step_due")
    elif show == "open":
        rows = rows.filter(status__in=selectors.OPEN).order_by("step_due", "pk")
    elif show == "closed":
        rows = rows.filter(status__in=[R.RESOLVED, R.CLOSED]).order_by("-resolved_on", "-pk")
    query = http.GET.get("q", "").strip()[:100]
    if query:
        rows = rows.filter(
            Q(number__icontains=query)
            | Q(title__icontains=query)
            | Q(enterprise__name__icontains=query)
        )
    page = Paginator(
        rows.select_related("grid", "category", "enterprise", "department"), PAGE
    ).get_page(http.GET.get("page"))
    return render(
        http,
        "servicedesk/queue.html",
        {
            "page": page,
            "show": show,
            "q": query,
            "today": today,
            "tabs": [
                ("mine", _("Waiting for me")),
                ("open", _("All open")),
                ("overdue", _("Overdue")),
                ("closed", _("Resolved and closed")),
            ],
            "can_record": bool(access.officer_grids(user)),
        },
    )


@require_GET
@login_required
def mine(http: HttpRequest) -> HttpResponse:
    """An enterprise's own requests."""
    codes = access.enterprises(http.user)
    if not codes:
        raise PermissionDenied
    rows = ServiceRequest.objects.filter(enterprise__credit_code__in=codes).select_related(
        "category", "enterprise"
    )
    page = Paginator(rows.order_by("-accepted_on", "-pk"), PAGE).get_page(http.GET.get("page"))
    return render(http, "servicedesk/mine.html", {"page": page, "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
@login_required
def new(http: HttpRequest) -> HttpResponse:
    """A new request: an enterprise for itself, or an officer recording a call or a visit."""
    user = http.user
    enterprise_codes = sorted(access.enterprises(user))
    officer = bool(access.officer_grids(user))
    if not enterprise_codes and not officer:
        raise PermissionDenied
    values = {
        key: http.POST.get(key, "")
        for key in ("credit_code", "category", "title", "description", "contact", "channel")
    }
    error = ""
    if http.method == "POST":
        try:
            if officer and values["channel"] in (Channel.PHONE, Channel.VISIT):
                made = services.record(
                    actor=user,
                    credit_code=values["credit_code"],
                    category=values["category"],
                    channel=values["channel"],
                    title=values["title"],
                    description=values["description"],
                    contact=values["contact"],
                )
            else:
                made = services.submit(
                    actor=user,
                    credit_code=values["credit_code"]
                    or (enterprise_codes[0] if enterprise_codes else ""),
                    category=values["category"],
                    title=values["title"],
                    description=values["description"],
                    contact=values["contact"],
                )
        except GaoxinError as failure:
            error = failure.message()
        else:
            messages.success(
                http,
                _("Request %(number)s accepted; it is due by %(due)s.")
                % {"number": made.number, "due": made.step_due},
            )
            return redirect("servicedesk:request", number=made.number)
    return render(
        http,
        "servicedesk/new.html",
        {
            "values": values,
            "error": error,
            "categories": selectors.categories(),
            "officer": officer,
            "enterprise_codes": enterprise_codes,
            "channels": [
                (Channel.PHONE, Channel.PHONE.label),
                (Channel.VISIT, Channel.VISIT.label),
            ],
        },
        status=422 if error else 200,
    )


@require_GET
@login_required
def detail(http: HttpRequest, number: str) -> HttpResponse:
    request = _request_or_404(http, number)
    actions = selectors.RequestActions(request, http.user)
    today = timezone.localdate()
    return render(
        http,
        "servicedesk/request.html",
        {
            "r": request,
            "actions": actions,
            "history": selectors.history(request, internal=actions.internal),
            "steps": request.steps.select_related("handler", "department"),
            "attachments": [
                a for a in request.attachments.all() if actions.internal or not a.internal
            ],
            "merge_candidates": selectors.merge_candidates(request) if actions.merge else [],
            "overdue": request.overdue_on(today),
            "today": today,
            "levels": Level,
            "departments": selectors.department_choices()
            if actions.escalate and request.level == Level.LEADER
            else [],
        },
    )


def _act(
    http: HttpRequest, number: str, call: Callable[[ServiceRequest], Any], done: str
) -> HttpResponse:
    request = _request_or_404(http, number)
    try:
        call(request)
    except GaoxinError as failure:
        messages.error(http, failure.message())
    else:
        messages.success(http, done)
    return redirect("servicedesk:request", number=number)


@require_POST
@login_required
def take(http: HttpRequest, number: str) -> HttpResponse:
    return _act(
        http,
        number,
        lambda r: services.take(actor=http.user, pk=r.pk, version=_version(http)),
        _("Taken in hand."),
    )


@require_POST
@login_required
def wait(http: HttpRequest, number: str) -> HttpResponse:
    return _act(
        http,
        number,
        lambda r: services.wait(
            actor=http.user, pk=r.pk, version=_version(http), reason=http.POST.get("reason", "")
        ),
        _("Waiting for the enterprise; the clock has stopped."),
    )


@require_POST
@login_required
def resume(http: HttpRequest, number: str) -> HttpResponse:
    return _act(
        http,
        number,
        lambda r: services.resume(actor=http.user, pk=r.pk, version=_version(http)),
        _("Resumed; the clock runs again."),
    )


@require_POST
@login_required
def resolve(http: HttpRequest, number: str) -> HttpResponse:
    return _act(
        http,
        number,
        lambda r: services.resolve(
            actor=http.user, pk=r.pk, version=_version(http), reply=http.POST.get("reply", "")
        ),
        _("Resolved; the enterprise is asked to rate it."),
    )


@require_POST
@login_required
def escalate(http: HttpRequest, number: str) -> HttpResponse:
    return _act(
        http,
        number,
        lambda r: services.escalate(
            actor=http.user,
            pk=r.pk,
            version=_version(http),
            reason=http.POST.get("reason", ""),
            department=http.POST.get("department", ""),
        ),
        _("Escalated to the next step."),
    )


@require_POST
@login_required
def rate(http: HttpRequest, number: str) -> HttpResponse:
    return _act(
        http,
        number,
        lambda r: services.rate(
            actor=http.user,
            pk=r.pk,
            version=_version(http),
            stars=http.POST.get("stars", ""),
            comment=http.POST.get("comment", ""),
        ),
        _("Thank you; your rating was recorded."),
    )


@require_POST
@login_required
def note(http: HttpRequest, number: str) -> HttpResponse:
    internal = http.POST.get("internal") == "1"
    return _act(
        http,
        number,
        lambda r: services.add_note(
            actor=http.user, pk=r.pk, text=http.POST.get("text", ""), internal=internal
        ),
        _("Note added.") if internal else _("Message sent."),
    )


@require_POST
@login_required
def attach(http: HttpRequest, number: str) -> HttpResponse:
    internal = http.POST.get("internal") == "1"
    return _act(
        http,
        number,
        lambda r: services.attach(
            actor=http.user, pk=r.pk, files=http.FILES.getlist("files"), internal=internal
        ),
        _("Attached."),
    )


@require_GET
@login_required
def attachment(http: HttpRequest, number: str, pk: int) -> FileResponse:
    """A request's photo or file, to those who may see the request; an internal one to the desk's
    staff only (media files are not public)."""
    request = _request_or_404(http, number)
    row = request.attachments.filter(pk=pk).first()
    if row is None or (row.internal and not access.can_view_internal(http.user, request)):
        raise Http404
    try:
        handle = row.file.open("rb")
    except OSError as missing:
        raise Http404 from missing
    inline = row.content_type.startswith("image/") or row.content_type == "application/pdf"
    response = FileResponse(
        handle,
        content_type=row.content_type or "application/octet-stream",
        as_attachment=not inline,
        filename=row.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
@login_required
def merge(http: HttpRequest, number: str) -> HttpResponse:
    return _act(
        http,
        number,
        lambda r: services.merge(
            actor=http.user, pk=r.pk, version=_version(http), into=http.POST.get("into", "")
        ),
        _("Merged."),
    )


# -- figures -----------------------------------------------------------------------------------


def _period(http: HttpRequest, today: date) -> tuple[selectors.Period, selectors.Period, str]:
    """The period asked for (`?period=2026`, `2026-Q3`, `2026-11`) and the one it is compared
    with (the one before); by default the last twelve months (this month to today and the eleven
    before) against the same span a year earlier."""
    raw = http.GET.get("period", "")
    try:
        if len(raw) == 4:
            period = selectors.year(int(raw))
        elif len(raw) == 7 and raw[4] == "-":
            period = selectors.month(int(raw[:4]), int(raw[5:]))
        elif len(raw) == 7 and raw[4:6] == "-Q":
            period = selectors.quarter(int(raw[:4]), int(raw[6]))
        else:
            raise ValueError(raw)
    except (ValueError, KeyError):
        period = selectors.last_twelve_months(today)
        return period, selectors.a_year_before(period), ""
    return period, period.previous(), raw


def dashboard_scope(http: HttpRequest) -> Grid | None:
    """The grid whose figures are asked for (`?grid=`; an officer's own grid by default), or
    None for the whole zone; refused unless the user may see them."""
    user = http.user
    grid = None
    if code := http.GET.get("grid", ""):
        grid = Grid.objects.filter(code=code[:16]).first()
        if grid is None:
            raise Http404
    elif not access.sees_everything(user):
        grids = sorted(access.officer_grids(user))
        grid = Grid.objects.filter(code=grids[0]).first() if grids else None
    if not access.can_view_dashboard(user, grid):
        raise PermissionDenied
    return grid


@require_GET
@login_required
def dashboard(http: HttpRequest) -> HttpResponse:
    grid = dashboard_scope(http)
    today = clock.today()
    period, previous, raw = _period(http, today)
    cube = selectors.FigureCube(period, grid=grid, today=today)
    total = cube.figures()[0]
    before = selectors.FigureCube(previous, grid=grid, today=today).figures()[0]
    names = selectors.group_names()
    titles = {
        "grid": _("By grid"),
        "category": _("By category"),
        "department": _("By department (requests escalated to one)"),
        "officer": _("By handler"),
    }
    tables = []
    per_grid: list[tuple[str, selectors.Figures]] = []
    for name in (
        ["category", "department", "officer"] if grid else ["grid", "category", "department"]
    ):
        rows = cube.figures(name)
        labelled = [(names[name].get(f.key, f.key), f) for f in rows if f.key is not None]
        tables.append((titles[name], labelled))
        if name == "grid":
            per_grid = [(str(f.key), f) for f in rows if f.key is not None]
    months = selectors.figures_by_month(
        selectors.twelve_months(min(period.end, today)), grid=grid, today=today
    )
    whole_month = period == selectors.month(period.start.year, period.start.month)
    report_month = period if whole_month else monthly.last_month(today)
    return render(
        http,
        "servicedesk/dashboard.html",
        {
            "grid": grid,
            "period": period,
            "previous": previous,
            "raw": raw,
            "headline": selectors.headline(total, before)
            + fieldwork.headline(period, previous, today, grid),
            "tables": tables,
            "overview": selectors.grid_overview(today) if grid is None else [],
            "today": today,
            "months": months,
            "charts": charts.svg_charts(months, per_grid),
            "report_month": f"{report_month.start:%Y-%m}",
        },
    )


REPORT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
@login_required
def monthly_report(http: HttpRequest, kind: str) -> HttpResponse:
    """月度报告 as PDF or XLSX: `?month=2026-11` (default: last month) and `?grid=` as the
    dashboard's (who may see the dashboard may download its report)."""
    grid = dashboard_scope(http)
    today = clock.today()
    raw = http.GET.get("month", "")
    month = monthly.parse_month(raw) if raw else monthly.last_month(today)
    if month is None:
        messages.error(http, GaoxinError(errors.MONTH_INVALID, value=raw[:20]).message())
        return redirect(reverse("servicedesk:dashboard") + (f"?grid={grid.code}" if grid else ""))
    report = monthly.build(month, grid=grid, today=today)
    data = monthly.to_pdf(report) if kind == "pdf" else monthly.to_xlsx(report)
    response = HttpResponse(data, content_type=REPORT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{report.filename}.{kind}"'
    return response
