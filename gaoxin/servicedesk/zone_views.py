"""The desk's zone pages: the map of the grids, a grid's page with its team and the team's
history, and the zone administrators' set-up: duties, duty holders, categories' departments and
limits, and the bulk assignment import. A refused change comes back as a message naming the
field, in the user's language; nothing is half-written."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.common.errors import GaoxinError

from . import access, errors, grid_selectors, selectors
from .models import Category, Department, Duty
from .services import setup, team
from .services.imports import SPEC, Outcome, import_assignments, template_csv

MAX_UPLOAD_MB = 50


def _configure_only(http: HttpRequest) -> None:
    if not access.can_configure(http.user):
        raise PermissionDenied


@require_GET
@login_required
def grid_map(http: HttpRequest) -> HttpResponse:
    user = http.user
    if not access.is_staff_member(user):
        raise PermissionDenied
    today = timezone.localdate()
    drawing, rows, busy = grid_selectors.map_of_grids(today)
    return render(
        http,
        "servicedesk/map.html",
        {
            "drawing": drawing,
            "rows": rows,
            "linked": {r.grid.code for r in rows if access.can_view_dashboard(user, r.grid)},
            "busy": busy,
            "late_many": grid_selectors.LATE_MANY_FROM,
            "late_top": grid_selectors.LATE_MANY_FROM - 1,
            "today": today,
        },
    )


@require_GET
@login_required
def grid_page(http: HttpRequest, code: str) -> HttpResponse:
    user = http.user
    if not access.is_staff_member(user):
        raise PermissionDenied
    grid = grid_selectors.grid_by_code(code)
    if grid is None:
        raise Http404
    today = timezone.localdate()
    return render(
        http,
        "servicedesk/grid.html",
        {
            "grid": grid,
            "today": today,
            "team": selectors.team(grid, today),
            "history": grid_selectors.team_history(grid),
            "counts": grid_selectors.grid_counts(grid, today),
            "can_configure": access.can_configure(user),
            "can_dashboard": access.can_view_dashboard(user, grid),
            "duties": grid_selectors.duties(active_only=True),
            "candidates": grid_selectors.duty_candidates() if access.can_configure(user) else [],
        },
    )


def _date(raw: str, *, zh: str, en: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise GaoxinError(
            errors.FIELD_INVALID, field_zh=zh, field_en=en, value=raw.strip()[:20] or "—"
        ) from None


@require_POST
@login_required
def set_holder(http: HttpRequest, code: str) -> HttpResponse:
    _configure_only(http)
    grid = grid_selectors.grid_by_code(code)
    if grid is None:
        raise Http404
    try:
        duty = Duty.objects.filter(code=http.POST.get("duty", "")[:32], active=True).first()
        if duty is None:
            raise GaoxinError(
                errors.FIELD_INVALID,
                field_zh="职责",
                field_en="Duty",
                value=http.POST.get("duty", "")[:40] or "—",
            )
        username = http.POST.get("officer", "")[:150]
        officer = next(
            (u for u in grid_selectors.duty_candidates() if u.username == username), None
        )
        if officer is None:
            raise GaoxinError(errors.UNKNOWN_OFFICER, value=username or "—")
        on = _date(http.POST.get("valid_from", ""), zh="生效日期", en="Valid from")
        setup.set_duty_holder(actor=http.user, grid=grid, duty=duty, officer=officer, on=on)
    except GaoxinError as failure:
        messages.error(http, failure.message())
    else:
        messages.success(
            http,
            _("%(officer)s holds “%(duty)s” in %(grid)s from %(day)s.")
            % {
                "officer": officer.get_full_name() or officer.username,
                "duty": duty.name_zh if (get_language() or "zh").startswith("zh") else duty.name_en,
                "grid": grid.code,
                "day": on.isoformat(),
            },
        )
    return redirect("servicedesk:grid", code=grid.code)


@require_http_methods(["GET", "POST"])
@login_required
def duties_page(http: HttpRequest) -> HttpResponse:
    _configure_only(http)
    error, failed = "", ""
    if http.method == "POST":
        create = http.POST.get("create") == "1"
        code = http.POST.get("code", "")[:40]
        try:
            team.save_duty(
                actor=http.user,
                code=code,
                name_zh=http.POST.get("name_zh", ""),
                name_en=http.POST.get("name_en", ""),
                core=http.POST.get("core") == "1",
                active=http.POST.get("active") == "1",
                create=create,
            )
        except GaoxinError as failure:
            error, failed = failure.message(), ("" if create else code)
        else:
            messages.success(http, _("Duty saved."))
            return redirect("servicedesk:duties")
    return render(
        http,
        "servicedesk/duties.html",
        {"duties": grid_selectors.duties(), "error": error, "failed": failed, "post": http.POST},
        status=422 if error else 200,
    )


LIMIT_FIELDS = (
    ("officer_days", "网格员时限", "Grid officer's limit"),
    ("leader_days", "网格长时限", "Grid leader's limit"),
    ("department_days", "部门时限", "Department's limit"),
    ("leadership_days", "区领导时限", "Leadership's limit"),
)


def _limits(post: Any) -> tuple[int, int, int, int]:
    values = []
    for name, zh, en in LIMIT_FIELDS:
        raw = post.get(name, "").strip()
        if not raw.isdigit() or not 1 <= int(raw) <= 90:
            raise GaoxinError(
                errors.FIELD_INVALID,
                field_zh=zh,
                field_en=en,
                value=(raw[:10] or "—") + _(" (1 to 90 working days)"),
            )
        values.append(int(raw))
    return values[0], values[1], values[2], values[3]


@require_http_methods(["GET", "POST"])
@login_required
def categories_page(http: HttpRequest) -> HttpResponse:
    _configure_only(http)
    error, failed = "", ""
    if http.method == "POST":
        code = http.POST.get("code", "")[:32]
        try:
            category = Category.objects.filter(code=code).first()
            if category is None:
                raise GaoxinError(errors.UNKNOWN_CATEGORY, code=code or "—")
            raw = http.POST.get("department", "")
            department = Department.objects.filter(code=raw[:32]).first() if raw else None
            if raw and department is None:
                raise GaoxinError(
                    errors.FIELD_INVALID, field_zh="默认部门", field_en="Department", value=raw[:40]
                )
            setup.set_category(
                actor=http.user,
                category=category,
                department=department,
                limits=_limits(http.POST),
                active=http.POST.get("active") == "1",
            )
        except GaoxinError as failure:
            error, failed = failure.message(), code
        else:
            messages.success(http, _("Category saved."))
            return redirect("servicedesk:categories")
    return render(
        http,
        "servicedesk/categories.html",
        {
            "categories": Category.objects.select_related("department"),
            "departments": Department.objects.order_by("code"),
            "limit_fields": LIMIT_FIELDS,
            "error": error,
            "failed": failed,
        },
        status=422 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_page(http: HttpRequest) -> HttpResponse:
    _configure_only(http)
    error = ""
    outcome: Outcome | None = None
    if http.method == "POST":
        try:
            outcome = _run_upload(http)
        except GaoxinError as failure:
            error = failure.message()
    status = 422 if error or (outcome is not None and not outcome.ok) else 200
    return render(
        http,
        "servicedesk/import.html",
        {"error": error, "outcome": outcome, "columns": SPEC.columns, "max_mb": MAX_UPLOAD_MB},
        status=status,
    )


def _run_upload(http: HttpRequest) -> Outcome:
    upload = http.FILES.get("file")
    if upload is None:
        raise GaoxinError(errors.UPLOAD_MISSING)
    if upload.size is not None and upload.size > MAX_UPLOAD_MB * 1024 * 1024:
        raise GaoxinError(
            errors.UPLOAD_TOO_LARGE, size=f"{upload.size / 2**20:.1f}", limit=MAX_UPLOAD_MB
        )
    with tempfile.TemporaryDirectory(prefix="gaoxin-upload-") as scratch:
        path = Path(scratch) / "assignments.upload"  # never the uploaded name
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        return import_assignments(actor=http.user, path=path, name=str(upload.name or "")[:200])


@require_GET
@login_required
def import_template(http: HttpRequest) -> HttpResponse:
    _configure_only(http)
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="grid-assignments.csv"'
    return response
