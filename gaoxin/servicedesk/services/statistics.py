"""Statistics collection (数据统计): the zone defines report forms and their fields (versioned);
an enterprise, or its grid's statistics officer, fills the report of each period, saving drafts
and submitting; the grid accepts it or returns it for correction.

A value whose change against the previous period exceeds the field's plausible band is never
refused for it: submitting asks for an explanation naming the field and the change, and the
value stands with its explanation. A missing required value, or one that is not a number of the
field's kind, is refused naming the field. Every write is one transaction and one audit event;
a refused one writes nothing."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.common import audit, notifications
from gaoxin.common.actors import Actor, user_of
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure
from gaoxin.registry.models import Enterprise

from .. import access, clock, errors, selectors, signals
from .. import selectors_statistics as stats
from ..choices import FieldKind, PeriodType, ReportStatus
from ..models import (
    DutyHolder,
    StatisticsField,
    StatisticsForm,
    StatisticsFormVersion,
    StatisticsReport,
    StatisticsValue,
)
from ..states import STATISTICS_REPORT
from ._common import actor_name, text_field
from ._field import granted, whole

MAX_FIELDS = 50
CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
YES = {"1", "true", "yes", "on", "y", "是", "必填"}


# -- the zone's forms -----------------------------------------------------------------------------


def _row_error(row: int, zh: str, en: str) -> GaoxinError:
    return GaoxinError(errors.FORM_FIELDS_INVALID, row=row, detail_zh=zh, detail_en=en)


def _field_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The fields as typed into the form page (blank rows skipped), checked and normalised."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, raw in enumerate(rows, start=1):
        row = {k: str(raw.get(k) or "").strip() for k in ("code", "label_zh", "label_en", "unit")}
        kind = str(raw.get("kind") or FieldKind.DECIMAL).strip()
        band_text = str(raw.get("band") or "").strip().rstrip("%").strip()
        if not any(row.values()):
            continue
        code = row["code"].lower()
        if not CODE.match(code):
            raise _row_error(
                n,
                f"代码“{row['code'][:40]}”应以小写字母开头，"
                "由小写字母、数字或下划线组成，最多 32 位。",
                f"the code “{row['code'][:40]}” starts with a lower-case letter and has lower-case "
                "letters, digits or _ only, at most 32.",
            )
        if code in seen:
            raise _row_error(n, f"代码“{code}”重复。", f"the code “{code}” appears twice.")
        seen.add(code)
        if not 1 <= len(row["label_zh"]) <= 60:
            raise _row_error(
                n, "请填写中文名称（最多 60 字）。", "give a Chinese label (at most 60)."
            )
        if not 1 <= len(row["label_en"]) <= 100:
            raise _row_error(
                n, "请填写英文名称（最多 100 字符）。", "give an English label (at most 100)."
            )
        if len(row["unit"]) > 20:
            raise _row_error(n, "单位最多 20 个字符。", "the unit takes at most 20 characters.")
        if kind not in FieldKind.values:
            raise _row_error(n, "类型应为整数或小数。", "the kind is a whole or a decimal number.")
        band: Decimal | None = None
        if band_text:
            try:
                band = Decimal(band_text)
            except InvalidOperation:
                band = Decimal(-1)
            if not (Decimal(0) < band <= Decimal(1000)) or band != band.quantize(Decimal("0.01")):
                raise _row_error(
                    n,
                    f"合理变动幅度“{band_text[:20]}”应为 0 至 1000 之间的百分数（最多两位小数），"
                    "不检查则留空。",
                    f"the plausible change “{band_text[:20]}” is a percentage above 0 and at most "
                    "1000 (two decimals at most); leave it empty to check nothing.",
                )
        out.append(
            {
                **row,
                "code": code,
                "kind": kind,
                "required": str(raw.get("required") or "").strip().lower() in YES,
                "band": band,
            }
        )
    if not out or len(out) > MAX_FIELDS:
        raise _row_error(
            len(out) + 1 if not out else MAX_FIELDS + 1,
            f"报表应有 1 至 {MAX_FIELDS} 个指标。",
            f"a form has 1 to {MAX_FIELDS} fields.",
        )
    return out


def _signature(rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    keys = ("code", "label_zh", "label_en", "unit", "kind", "required", "band")
    return [tuple(row[k] for k in keys) for row in rows]


def _field_dict(field: StatisticsField) -> dict[str, Any]:
    return {
        "code": field.code,
        "label_zh": field.label_zh,
        "label_en": field.label_en,
        "unit": field.unit,
        "kind": field.kind,
        "required": field.required,
        "band": field.band,
    }


@transaction.atomic
def save_form(
    *,
    actor: Actor,
    code: str,
    name_zh: str,
    name_en: str,
    period_type: str,
    starts_on: object,
    due_days: object,
    fields: Sequence[Mapping[str, Any]],
    active: bool = True,
) -> StatisticsFormVersion:
    """Create a form or change it. Fields different from the current version's make version
    n + 1 (reports already started keep theirs); the same fields again make none. Returns the
    current version."""
    ensure(access.can_edit_statistics_forms(actor), NOT_ALLOWED)
    code = (code or "").strip().lower()
    ensure(
        bool(CODE.match(code)),
        errors.FIELD_INVALID,
        field_zh="报表代码",
        field_en="Form code",
        value=code[:40],
    )
    name_zh = text_field(name_zh, zh="报表名称（中文）", en="Chinese name", limit=100)
    name_en = text_field(name_en, zh="报表名称（英文）", en="English name", limit=150)
    ensure(
        period_type in PeriodType.values,
        errors.CHOICE_INVALID,
        field_zh="报送周期",
        field_en="Period type",
        value=str(period_type)[:20],
    )
    try:
        first_day = date.fromisoformat(str(starts_on or "").strip())
    except ValueError:
        raise GaoxinError(
            errors.DATE_INVALID,
            field_zh="启用日期",
            field_en="Collected from",
            value=str(starts_on)[:20],
        ) from None
    days = whole(due_days, zh="报送时限（工作日）", en="Due (working days)", low=1, high=60)
    rows = _field_rows(fields)
    form = StatisticsForm.objects.select_for_update().filter(code=code).first()
    before: dict[str, Any] | None = None
    if form is None:
        form = StatisticsForm(code=code)
    else:
        before = {
            "name_zh": form.name_zh,
            "name_en": form.name_en,
            "period_type": form.period_type,
            "starts_on": form.starts_on,
            "due_days": form.due_days,
            "active": form.active,
        }
        if form.period_type != period_type and form.reports.exists():
            raise GaoxinError(
                errors.CHOICE_INVALID,
                field_zh="报送周期（已有报表，不能更改）",
                field_en="Period type (reports exist; it cannot change)",
                value=str(period_type)[:20],
            )
    form.name_zh, form.name_en, form.period_type = name_zh, name_en, period_type
    form.starts_on, form.due_days, form.active = first_day, days, bool(active)
    form.save()
    after = {
        "name_zh": name_zh,
        "name_en": name_en,
        "period_type": period_type,
        "starts_on": first_day,
        "due_days": days,
        "active": form.active,
    }
    if before != after:
        audit.record(
            actor=actor,
            action="servicedesk.statistics_form.saved",
            obj=form,
            before=before,
            after=after,
        )
    current = form.current()
    if current is not None:
        old = [_field_dict(f) for f in stats.fields_of(current.pk)]
        if _signature(old) == _signature(rows):
            return current
    version = StatisticsFormVersion.objects.create(
        form=form, number=(current.number + 1) if current else 1, created_by=user_of(actor)
    )
    StatisticsField.objects.bulk_create(
        [StatisticsField(version=version, position=i, **row) for i, row in enumerate(rows)]
    )
    audit.record(
        actor=actor,
        action="servicedesk.statistics_form.version_created",
        obj=form,
        after={
            "version": version.number,
            "fields": [
                {**r, "band": str(r["band"]) if r["band"] is not None else None} for r in rows
            ],
        },
    )
    return version


# -- reports --------------------------------------------------------------------------------------


def _report(
    *, actor: Actor, form_code: str, period: str, credit_code: str, revision: int | None
) -> tuple[StatisticsReport, list[StatisticsField], stats.StatPeriod]:
    """The report (created as a draft if there is none yet), locked, after the access and
    revision checks: the enterprise row is locked first, so two people starting the same report
    at once make one."""
    form = stats.form_by_code(form_code)
    if form is None or not form.active:
        raise GaoxinError(errors.UNKNOWN_FORM, code=str(form_code)[:32])
    today = clock.today()
    span = stats.collectable(form, period, today)
    if span is None:
        raise GaoxinError(
            errors.PERIOD_INVALID,
            value=str(period)[:12],
            form=form.name_zh,
            kind_zh=PeriodType(form.period_type).label,
            kind_en=str(PeriodType(form.period_type).label).lower(),
            example=stats.EXAMPLES[PeriodType(form.period_type)],
        )
    code = (credit_code or "").strip().upper()[:18]
    enterprise = Enterprise.objects.select_for_update().filter(credit_code=code).first()
    if enterprise is None:
        raise GaoxinError(errors.UNKNOWN_ENTERPRISE, code=code)
    report = (
        StatisticsReport.objects.select_for_update(of=("self",))
        .select_related("grid", "form", "enterprise")
        .filter(form=form, enterprise=enterprise, period=span.label)
        .first()
    )
    grid = report.grid if report else selectors.grid_of(enterprise, span.end)
    if grid is None:
        raise GaoxinError(errors.NOT_IN_A_GRID, name=enterprise.name, code=enterprise.credit_code)
    ensure(access.can_fill_report(actor, enterprise.credit_code, grid), NOT_ALLOWED)
    if revision is not None and revision != (report.revision if report else 0):
        raise GaoxinError(
            errors.REPORT_CONFLICT,
            report=f"{form.name_zh} {span.label}",
            who=(report.last_changed_by if report else "") or "—",
        )
    if report is None:
        version = form.current()
        if version is None:
            raise GaoxinError(errors.UNKNOWN_FORM, code=form.code)
        report = StatisticsReport.objects.create(
            form=form,
            version=version,
            enterprise=enterprise,
            period=span.label,
            period_start=span.start,
            period_end=span.end,
            grid=grid,
        )
    elif not report.editable:
        raise GaoxinError(
            errors.REPORT_LOCKED,
            report=f"{form.name_zh} {span.label}",
            status=ReportStatus(report.status).label,
        )
    return report, stats.fields_of(report.version_id), span


def _parsed(fields: list[StatisticsField], values: Mapping[str, Any]) -> dict[str, Decimal | None]:
    out: dict[str, Decimal | None] = {}
    for field in fields:
        text = str(values.get(field.code) or "").strip()
        if not text:
            out[field.code] = None
            continue
        value = stats.parse_value(text, field.kind)
        if value is None:
            integer = field.kind == FieldKind.INTEGER
            raise GaoxinError(
                errors.VALUE_INVALID,
                field_zh=field.label_zh,
                field_en=field.label_en,
                kind_zh="整数" if integer else "数字（最多 4 位小数）",
                kind_en="a whole number" if integer else "a number (at most 4 decimals)",
                digits=stats.MAX_DIGITS,
                value=text[:30],
            )
        out[field.code] = value
    return out


def _write(
    report: StatisticsReport,
    fields: list[StatisticsField],
    values: dict[str, Decimal | None],
    explanations: Mapping[str, Any],
    jumped: set[str],
    actor: Actor,
) -> dict[str, str]:
    """Store the values (an empty one removes its row) with the explanations of the jumps."""
    kept = {v.field_id: v for v in report.values.all()}
    written: dict[str, str] = {}
    for field in fields:
        value = values[field.code]
        row = kept.get(field.pk)
        if value is None:
            if row is not None:
                row.delete()
            continue
        why = ""
        if field.code in jumped:
            why = str(explanations.get(field.code) or "").strip()[:1000]
        if row is None:
            StatisticsValue.objects.create(
                report=report, field=field, code=field.code, value=value, explanation=why
            )
        elif row.value != value or row.explanation != why:
            row.value, row.explanation = value, why
            row.save(update_fields=["value", "explanation"])
        written[field.code] = str(value)
    user = user_of(actor)
    report.filled_by = user
    report.filled_by_officer = report.enterprise.credit_code not in access.enterprises(actor)
    report.filled_at = timezone.now()
    report.revision += 1
    report.last_changed_by = actor_name(actor)
    return written


def _context(report: StatisticsReport, span: stats.StatPeriod) -> dict[str, str]:
    return {
        "form": report.form.code,
        "period": span.label,
        "enterprise": report.enterprise.credit_code,
    }


@transaction.atomic
def save_report(
    *,
    actor: Actor,
    form_code: str,
    period: str,
    credit_code: str,
    values: Mapping[str, Any],
    explanations: Mapping[str, Any] | None = None,
    revision: int | None = None,
) -> StatisticsReport:
    """Save the report as a draft (or, returned, as it is being corrected): every value typed
    must be a number of its field's kind; required ones may still be missing."""
    report, fields, span = _report(
        actor=actor, form_code=form_code, period=period, credit_code=credit_code, revision=revision
    )
    parsed = _parsed(fields, values)
    _before, previous = stats.previous_values(report.form, report.enterprise, span)
    jumped = {j.field.code for j in stats.jumps(fields, parsed, previous)}
    written = _write(report, fields, parsed, explanations or {}, jumped, actor)
    report.save()
    _changed(report)
    audit.record(
        actor=actor,
        action="servicedesk.statistics_report.saved",
        obj=report,
        after={**_context(report, span), "values": written, "by_officer": report.filled_by_officer},
    )
    return report


@transaction.atomic
def submit_report(
    *,
    actor: Actor,
    form_code: str,
    period: str,
    credit_code: str,
    values: Mapping[str, Any],
    explanations: Mapping[str, Any] | None = None,
    revision: int | None = None,
) -> StatisticsReport:
    """Submit the report: every required value present, every value beyond its plausible band
    explained (the first missing one is named; nothing is written), then to the grid for
    acceptance."""
    explanations = explanations or {}
    report, fields, span = _report(
        actor=actor, form_code=form_code, period=period, credit_code=credit_code, revision=revision
    )
    parsed = _parsed(fields, values)
    for field in fields:
        if field.required and parsed[field.code] is None:
            raise GaoxinError(
                errors.VALUE_REQUIRED, field_zh=field.label_zh, field_en=field.label_en
            )
    before, previous = stats.previous_values(report.form, report.enterprise, span)
    found = stats.jumps(fields, parsed, previous)
    for jump in found:
        if not str(explanations.get(jump.field.code) or "").strip():
            change_zh, change_en = jump.change_text()
            raise GaoxinError(
                errors.EXPLANATION_NEEDED,
                field_zh=jump.field.label_zh,
                field_en=jump.field.label_en,
                previous=before.label,
                before=stats.shown(jump.before, jump.field.kind),
                change_zh=change_zh,
                change_en=change_en,
                band=format(jump.field.band.normalize(), "f") if jump.field.band else "",
            )
    written = _write(report, fields, parsed, explanations, {j.field.code for j in found}, actor)
    report.submitted_by = user_of(actor)
    report.submitted_at = timezone.now()
    STATISTICS_REPORT.apply(
        actor=actor,
        obj=report,
        target=ReportStatus.SUBMITTED,
        after={
            **_context(report, span),
            "values": written,
            "explained": sorted(j.field.code for j in found),
            "by_officer": report.filled_by_officer,
        },
        update_fields=[
            "filled_by",
            "filled_by_officer",
            "filled_at",
            "submitted_by",
            "submitted_at",
            "revision",
            "last_changed_by",
        ],
    )
    _changed(report)
    if not report.filled_by_officer:
        holders = DutyHolder.objects.filter(
            grid=report.grid, duty__code=access.STATISTICS_DUTY, valid_to__isnull=True
        ).select_related("officer")
        people = [h.officer for h in holders if h.officer.is_active]
        if people:
            notifications.notify(
                recipients=people,
                subject=_("Statistics report submitted: %(name)s, %(period)s")
                % {"name": report.enterprise.name, "period": span.label},
                body=report.form.name_zh,
                link=_link(report),
            )
    return report


def _changed(report: StatisticsReport) -> None:
    """Tell the apps that read the statistics (in this transaction) that a period changed."""
    signals.statistics_changed.send(
        sender=StatisticsReport, form=report.form, periods=[report.period_start]
    )


def _link(report: StatisticsReport) -> str:
    return (
        f"/servicedesk/statistics/reports/{report.form.code}/{report.period}/"
        f"{report.enterprise.credit_code}/"
    )


def _locked(pk: int, revision: int | None) -> StatisticsReport:
    report = (
        StatisticsReport.objects.select_for_update(of=("self",))
        .select_related("grid", "form", "enterprise")
        .get(pk=pk)
    )
    if revision is not None and revision != report.revision:
        raise GaoxinError(
            errors.REPORT_CONFLICT,
            report=f"{report.form.name_zh} {report.period}",
            who=report.last_changed_by or "—",
        )
    return report


def _review(report: StatisticsReport, actor: Actor) -> None:
    report.reviewed_by = user_of(actor)
    report.reviewed_at = timezone.now()
    report.revision += 1
    report.last_changed_by = actor_name(actor)


REVIEW_FIELDS = ["reviewed_by", "reviewed_at", "revision", "last_changed_by"]


@transaction.atomic
def accept_report(*, actor: Actor, pk: int, revision: int | None = None) -> StatisticsReport:
    """The grid's statistics officer (or leader) accepts a submitted report."""
    report = _locked(pk, revision)
    ensure(access.can_review_report(actor, report.grid), NOT_ALLOWED)
    STATISTICS_REPORT.ensure(report.status, ReportStatus.ACCEPTED)
    _review(report, actor)
    STATISTICS_REPORT.apply(
        actor=actor,
        obj=report,
        target=ReportStatus.ACCEPTED,
        after={"form": report.form.code, "period": report.period},
        update_fields=REVIEW_FIELDS,
    )
    _changed(report)
    return report


@transaction.atomic
def return_report(
    *, actor: Actor, pk: int, reason: str, revision: int | None = None
) -> StatisticsReport:
    """The grid returns a submitted report for correction, saying why; the enterprise is told."""
    report = _locked(pk, revision)
    ensure(access.can_review_report(actor, report.grid), NOT_ALLOWED)
    STATISTICS_REPORT.ensure(report.status, ReportStatus.RETURNED)
    reason = text_field(reason, zh="退回原因", en="Reason for returning", limit=1000)
    _review(report, actor)
    report.return_reason = reason
    STATISTICS_REPORT.apply(
        actor=actor,
        obj=report,
        target=ReportStatus.RETURNED,
        after={"form": report.form.code, "period": report.period, "reason": reason},
        update_fields=[*REVIEW_FIELDS, "return_reason"],
    )
    _changed(report)
    people = granted(roles.ENTERPRISE_USER, ScopeKind.ENTERPRISE, {report.enterprise.credit_code})
    if people:
        notifications.notify(
            recipients=people,
            subject=_("Statistics report returned for correction: %(period)s")
            % {"period": report.period},
            body=reason,
            link=_link(report),
        )
    return report


def record_export(*, actor: Actor, form: StatisticsForm, period: str, rows: int) -> None:
    """The export for the statistics bureau is a disclosure of enterprises' figures: audited."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="servicedesk.statistics.exported",
            obj=form,
            after={"period": period, "rows": rows},
        )
