"""Pages for statistics collection (数据统计), phone-first where an enterprise or an officer fills
a report: the enterprise's reports due, a report's form (save, submit, accept, return: a URL
each), a grid's reports for its statistics officer, completeness per grid for the zone, the
zone's form editor and the export for the statistics bureau. A refused action comes back on the
form with what was typed, naming the field; nothing is half-written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.common.errors import GaoxinError
from gaoxin.registry.models import Enterprise

from . import access, clock, errors, selectors
from . import selectors_statistics as stats
from .choices import FieldKind, PeriodType
from .models import Grid, StatisticsForm
from .services import statistics as services
from .statistics_xlsx import workbook
from .views import posted_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BLANK_ROWS = 3


def _tabs(user: Any) -> dict[str, bool]:
    """The statistics pages this user may open, for the tabs on top."""
    return {
        "grid": bool(access.officer_grids(user)) or access.sees_everything(user),
        "zone": access.can_view_statistics(user),
        "forms": access.can_edit_statistics_forms(user),
    }


def _revision(http: HttpRequest) -> int | None:
    return posted_number(http, "revision")


def _to_report(target: tuple[Any, ...]) -> HttpResponse:
    """Back to the report's page (form, period, enterprise of `_target`)."""
    return redirect(
        "servicedesk:stats_report",
        form=target[0].code,
        period=target[1].label,
        credit_code=target[2].credit_code,
    )


# -- the enterprise's reports ---------------------------------------------------------------------


@require_GET
@login_required
def mine(http: HttpRequest) -> HttpResponse:
    """The enterprise's reports: those still to send first (overdue marked), then those sent."""
    codes = access.enterprises(http.user)
    if not codes:
        raise PermissionDenied
    owed = stats.owed_by(Enterprise.objects.filter(credit_code__in=codes), clock.today())
    todo = sorted((o for o in owed if not o.sent), key=lambda o: (o.due, o.form.code))
    sent = sorted((o for o in owed if o.sent), key=lambda o: o.period.start, reverse=True)
    return render(
        http,
        "servicedesk/statistics/mine.html",
        {"todo": todo, "sent": sent[:24], "enterprises_shown": len(codes) > 1},
    )


# -- one report -----------------------------------------------------------------------------------


def _target(
    http: HttpRequest, form_code: str, period: str, credit_code: str
) -> tuple[StatisticsForm, stats.StatPeriod, Enterprise, Grid]:
    form = stats.form_by_code(form_code)
    span = stats.collectable(form, period, clock.today()) if form else None
    enterprise = Enterprise.objects.filter(credit_code=credit_code.upper()[:18]).first()
    if form is None or span is None or enterprise is None:
        raise Http404
    report = stats.report_of(form, enterprise, span.label)
    grid = report.grid if report else selectors.grid_of(enterprise, span.end)
    if grid is None:
        raise Http404
    if not access.can_view_report(http.user, enterprise.credit_code, grid):
        raise PermissionDenied
    return form, span, enterprise, grid


def _render_report(
    http: HttpRequest,
    form: StatisticsForm,
    span: stats.StatPeriod,
    enterprise: Enterprise,
    grid: Grid,
    *,
    typed: Mapping[str, str] | None = None,
    explained: Mapping[str, str] | None = None,
    error: str = "",
) -> HttpResponse:
    report = stats.report_of(form, enterprise, span.label)
    current = form.current()
    version_id = report.version_id if report else (current.pk if current else None)
    fields = stats.fields_of(version_id) if version_id else []
    stored = stats.values_of(report)
    before, previous = stats.previous_values(form, enterprise, span)
    if typed is None:
        typed = {
            f.code: (stats.shown(stored[f.code].value, f.kind) if f.code in stored else "")
            for f in fields
        }
        explained = {code: v.explanation for code, v in stored.items() if v.explanation}
    explained = explained or {}
    values = {f.code: stats.parse_value(typed.get(f.code, ""), f.kind) for f in fields}
    jumps = {j.field.code: j for j in stats.jumps(fields, values, previous)}
    language = get_language() or "zh-hans"
    rows = []
    for field in fields:
        jump = jumps.get(field.code)
        rows.append(
            {
                "field": field,
                "label": field.label(language),
                "typed": typed.get(field.code, ""),
                "previous": stats.shown(previous.get(field.code), field.kind),
                "jump": jump,
                "change": (jump.change_text()[0 if language.startswith("zh") else 1])
                if jump
                else "",
                "explanation": explained.get(field.code, ""),
                "integer": field.kind == FieldKind.INTEGER,
            }
        )
    can_fill = access.can_fill_report(http.user, enterprise.credit_code, grid) and (
        report is None or report.editable
    )
    context = {
        "form": form,
        "form_name": form.name_zh if language.startswith("zh") else form.name_en,
        "span": span,
        "before": before,
        "enterprise": enterprise,
        "grid": grid,
        "report": report,
        "rows": rows,
        "due": stats.due_date(form, span),
        "can_fill": can_fill and bool(fields),
        "can_review": report is not None
        and report.awaits_review
        and access.can_review_report(http.user, grid),
        "revision": report.revision if report else 0,
        "error": error,
        "here": "mine" if access.enterprises(http.user) else "grid",
        "tabs": _tabs(http.user),
    }
    return render(http, "servicedesk/statistics/report.html", context, status=422 if error else 200)


@require_GET
@login_required
def report_page(http: HttpRequest, form: str, period: str, credit_code: str) -> HttpResponse:
    target = _target(http, form, period, credit_code)
    return _render_report(http, *target)


def _posted(http: HttpRequest, prefix: str) -> dict[str, str]:
    return {k[len(prefix) :]: str(http.POST.get(k, "")) for k in http.POST if k.startswith(prefix)}


def _fill(
    http: HttpRequest, form: str, period: str, credit_code: str, *, submit: bool
) -> HttpResponse:
    target = _target(http, form, period, credit_code)
    typed: dict[str, str] | None = _posted(http, "value_")
    explained: dict[str, str] | None = _posted(http, "why_")
    action = services.submit_report if submit else services.save_report
    try:
        action(
            actor=http.user,
            form_code=target[0].code,
            period=target[1].label,
            credit_code=target[2].credit_code,
            values=typed or {},
            explanations=explained or {},
            revision=_revision(http),
        )
    except GaoxinError as failure:
        if failure.error in (errors.REPORT_CONFLICT, errors.REPORT_LOCKED):
            typed, explained = None, None  # show the report as it is now
        return _render_report(
            http, *target, typed=typed, explained=explained, error=failure.message()
        )
    if submit:
        messages.success(http, _("Report submitted. Thank you."))
    else:
        messages.success(http, _("Draft saved. It is not submitted yet."))
    return _to_report(target)


@require_POST
@login_required
def report_save(http: HttpRequest, form: str, period: str, credit_code: str) -> HttpResponse:
    return _fill(http, form, period, credit_code, submit=False)


@require_POST
@login_required
def report_submit(http: HttpRequest, form: str, period: str, credit_code: str) -> HttpResponse:
    return _fill(http, form, period, credit_code, submit=True)


def _review(
    http: HttpRequest, form: str, period: str, credit_code: str, *, accept: bool
) -> HttpResponse:
    target = _target(http, form, period, credit_code)
    report = stats.report_of(target[0], target[2], target[1].label)
    if report is None or not access.can_review_report(http.user, target[3]):
        raise PermissionDenied
    try:
        if accept:
            services.accept_report(actor=http.user, pk=report.pk, revision=_revision(http))
            messages.success(http, _("Report accepted."))
        else:
            services.return_report(
                actor=http.user,
                pk=report.pk,
                reason=http.POST.get("reason", ""),
                revision=_revision(http),
            )
            messages.success(http, _("Report returned to the enterprise for correction."))
    except GaoxinError as failure:
        messages.error(http, failure.message())
    return _to_report(target)


@require_POST
@login_required
def report_accept(http: HttpRequest, form: str, period: str, credit_code: str) -> HttpResponse:
    return _review(http, form, period, credit_code, accept=True)


@require_POST
@login_required
def report_return(http: HttpRequest, form: str, period: str, credit_code: str) -> HttpResponse:
    return _review(http, form, period, credit_code, accept=False)


# -- choosing a form and a period -----------------------------------------------------------------


def _choice(http: HttpRequest) -> tuple[StatisticsForm | None, stats.StatPeriod | None, list[Any]]:
    """The form and period asked for (?form=&period=), defaulting to the first active form and
    its latest ended period; unknown ones are a 404."""
    today = clock.today()
    active = list(stats.forms())
    code = http.GET.get("form", "")
    form = next((f for f in active if f.code == code), None) if code else None
    if code and form is None:
        raise Http404
    form = form or (active[0] if active else None)
    if form is None:
        return None, None, active
    label = http.GET.get("period", "")
    span = stats.collectable(form, label, today) if label else stats.latest_period(form, today)
    if label and span is None:
        raise Http404
    return form, span, active


# -- a grid's reports (its statistics officer) ----------------------------------------------------


@require_GET
@login_required
def grid_list(http: HttpRequest) -> HttpResponse:
    """Who in the grid has not sent in the period's report, with a link to fill it."""
    mine_grids = access.officer_grids(http.user)
    if not (mine_grids or access.sees_everything(http.user)):
        raise PermissionDenied
    code = http.GET.get("grid", "") or (sorted(mine_grids)[0] if mine_grids else "")
    grid = Grid.objects.filter(code=code[:16]).first() if code else Grid.objects.first()
    if code and grid is None:
        raise Http404
    if grid is not None and not access.can_view_field(http.user, grid):
        raise PermissionDenied
    form, span, active = _choice(http)
    rows = stats.grid_reports(grid, form, span) if grid and form and span else []
    grids = (
        Grid.objects.all()
        if access.sees_everything(http.user)
        else Grid.objects.filter(code__in=mine_grids)
    )
    return render(
        http,
        "servicedesk/statistics/grid.html",
        {
            "grid": grid,
            "grids": grids,
            "form": form,
            "forms": active,
            "span": span,
            "periods": stats.ended_periods(form, clock.today()) if form else [],
            "rows": rows,
            "missing": sum(1 for r in rows if not r.sent),
            "can_fill": grid is not None
            and grid.code in access.statistics_officer_grids(http.user),
            "due": stats.due_date(form, span) if form and span else None,
            "here": "grid",
            "tabs": _tabs(http.user),
        },
    )


# -- the zone: completeness, export, forms --------------------------------------------------------


@require_GET
@login_required
def completeness(http: HttpRequest) -> HttpResponse:
    if not access.can_view_statistics(http.user):
        raise PermissionDenied
    form, span, active = _choice(http)
    rows, total = stats.completeness(form, span) if form and span else ([], None)
    return render(
        http,
        "servicedesk/statistics/completeness.html",
        {
            "form": form,
            "forms": active,
            "span": span,
            "periods": stats.ended_periods(form, clock.today()) if form else [],
            "rows": rows,
            "total": total,
            "due": stats.due_date(form, span) if form and span else None,
            "here": "completeness",
            "tabs": _tabs(http.user),
        },
    )


@require_GET
@login_required
def export(http: HttpRequest, form: str, period: str) -> HttpResponse:
    if not access.can_view_statistics(http.user):
        raise PermissionDenied
    chosen = stats.form_by_code(form)
    span = stats.collectable(chosen, period, clock.today()) if chosen else None
    if chosen is None or span is None:
        raise Http404
    body, count = workbook(chosen, span)
    services.record_export(actor=http.user, form=chosen, period=span.label, rows=count)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{chosen.code}-{span.label}.xlsx"'
    return response


def _rows_from(post: Mapping[str, Any], count: int) -> list[dict[str, str]]:
    keys = ("code", "label_zh", "label_en", "unit", "kind", "required", "band")
    return [{k: str(post.get(f"{k}_{i}", "")) for k in keys} for i in range(count)]


@require_http_methods(["GET", "POST"])
@login_required
def forms_page(http: HttpRequest) -> HttpResponse:
    """Zone administrators define the forms and their fields; a change of fields is a new
    version."""
    if not access.can_edit_statistics_forms(http.user):
        raise PermissionDenied
    error, failed = "", ""
    if http.method == "POST":
        try:
            count = min(int(http.POST.get("rows", "0")), 60)
        except ValueError:
            count = 0
        try:
            version = services.save_form(
                actor=http.user,
                code=http.POST.get("code", ""),
                name_zh=http.POST.get("name_zh", ""),
                name_en=http.POST.get("name_en", ""),
                period_type=http.POST.get("period_type", ""),
                starts_on=http.POST.get("starts_on", ""),
                due_days=http.POST.get("due_days", ""),
                fields=_rows_from(http.POST, count),
                active=http.POST.get("active") == "on",
            )
        except GaoxinError as failure:
            error, failed = failure.message(), http.POST.get("code", "")[:32] or "new"
        else:
            messages.success(
                http,
                _("Form %(name)s saved; its fields are version %(number)s.")
                % {"name": version.form.name_zh, "number": version.number},
            )
            return redirect("servicedesk:stats_forms")
    editors = []
    for form in stats.forms(active_only=False):
        shown = form.current()
        fields = stats.fields_of(shown.pk) if shown else []
        editors.append(
            {
                "form": form,
                "version": shown,
                "fields": fields,
                "blank": range(len(fields), len(fields) + BLANK_ROWS),
                "rows": len(fields) + BLANK_ROWS,
            }
        )
    return render(
        http,
        "servicedesk/statistics/forms.html",
        {
            "editors": editors,
            "error": error,
            "failed": failed,
            "period_types": PeriodType.choices,
            "kinds": FieldKind.choices,
            "new_blank": range(6),
            "today": clock.today(),
            "here": "forms",
            "tabs": _tabs(http.user),
        },
        status=422 if error else 200,
    )
