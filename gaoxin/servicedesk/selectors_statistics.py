"""Reads for statistics collection (数据统计): periods and their labels, the reports an enterprise
owes, a grid's reports for its statistics officer, completeness per grid, the plausibility check
against the previous period, the rows of the export for the statistics bureau, and
`figures_for(enterprise, period)` for later work (enterprise tiers, zone indicators).

Definitions (docs/servicedesk.md, "Statistics collection"):

- A period's report is **due** from every enterprise assigned to a grid on the period's last day
  (the same rule as visit coverage); it is **submitted** when its report is submitted or
  accepted. Completeness = submitted ÷ due, per grid and zone-wide.
- A value is **implausible** when the field has a band, the previous period's report was sent
  in with a value for the field, and the change exceeds the band: |new − old| ÷ |old| > band %,
  or old is 0 and new is not."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from gaoxin.common import workdays
from gaoxin.registry.models import Enterprise

from .choices import FieldKind, PeriodType, ReportStatus
from .models import (
    EnterpriseAssignment,
    Grid,
    StatisticsField,
    StatisticsForm,
    StatisticsReport,
    StatisticsValue,
)

COUNTED = [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]
MAX_DIGITS = 16  # before the decimal point (the column keeps 20 digits, 4 after the point)
HISTORY = 24  # periods an enterprise's page looks back at most


# -- periods --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatPeriod:
    label: str  # "2026-03", "2026-Q1", "2026"
    start: date
    end: date  # inclusive


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def period_of(period_type: str, day: date) -> StatPeriod:
    """The period of this type that contains `day`."""
    if period_type == PeriodType.MONTHLY:
        return StatPeriod(
            f"{day.year}-{day.month:02d}",
            date(day.year, day.month, 1),
            _month_end(day.year, day.month),
        )
    if period_type == PeriodType.QUARTERLY:
        q = (day.month - 1) // 3 + 1
        return StatPeriod(
            f"{day.year}-Q{q}", date(day.year, 3 * q - 2, 1), _month_end(day.year, 3 * q)
        )
    return StatPeriod(str(day.year), date(day.year, 1, 1), date(day.year, 12, 31))


_LABELS = {
    PeriodType.MONTHLY: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    PeriodType.QUARTERLY: re.compile(r"^(\d{4})-Q([1-4])$"),
    PeriodType.ANNUAL: re.compile(r"^(\d{4})$"),
}
EXAMPLES = {
    PeriodType.MONTHLY: "2026-03",
    PeriodType.QUARTERLY: "2026-Q1",
    PeriodType.ANNUAL: "2026",
}


def parse_period(period_type: str, label: str) -> StatPeriod | None:
    """The period a label names, or None when the label is not one of this type."""
    match = _LABELS[PeriodType(period_type)].match((label or "").strip().upper())
    if match is None or not 2000 <= int(match.group(1)) <= 2100:
        return None
    year = int(match.group(1))
    if period_type == PeriodType.MONTHLY:
        return period_of(period_type, date(year, int(match.group(2)), 1))
    if period_type == PeriodType.QUARTERLY:
        return period_of(period_type, date(year, 3 * int(match.group(2)) - 2, 1))
    return period_of(period_type, date(year, 1, 1))


def previous_period(period_type: str, period: StatPeriod) -> StatPeriod:
    return period_of(period_type, period.start - timedelta(days=1))


def ended_periods(form: StatisticsForm, today: date, limit: int = HISTORY) -> list[StatPeriod]:
    """The form's periods that have ended by `today`, newest first, from the one containing
    `starts_on`."""
    first = period_of(form.period_type, form.starts_on)
    out: list[StatPeriod] = []
    current = previous_period(form.period_type, period_of(form.period_type, today))
    while current.start >= first.start and len(out) < limit:
        out.append(current)
        current = previous_period(form.period_type, current)
    return out


def collectable(form: StatisticsForm, label: str, today: date) -> StatPeriod | None:
    """The period named by `label` if this form collects it: ended, and not before the form."""
    period = parse_period(form.period_type, label)
    if period is None or period.end >= today:
        return None
    if period.end < period_of(form.period_type, form.starts_on).start:
        return None
    return period


def latest_period(form: StatisticsForm, today: date) -> StatPeriod | None:
    ended = ended_periods(form, today, limit=1)
    return ended[0] if ended else None


def due_date(form: StatisticsForm, period: StatPeriod, cal: Any = None) -> workdays.Deadline:
    """The report is due `due_days` working days after the period ends."""
    return (cal or workdays.calendar()).add(period.end, form.due_days)


# -- forms and values -----------------------------------------------------------------------------


def forms(*, active_only: bool = True) -> QuerySet[StatisticsForm]:
    rows = StatisticsForm.objects.prefetch_related("versions")
    return rows.filter(active=True) if active_only else rows


def form_by_code(code: str) -> StatisticsForm | None:
    return StatisticsForm.objects.filter(code=(code or "")[:32]).first()


def fields_of(version_id: int) -> list[StatisticsField]:
    return list(StatisticsField.objects.filter(version_id=version_id).order_by("position"))


def assigned_on(day: date) -> QuerySet[EnterpriseAssignment]:
    return EnterpriseAssignment.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def report_of(form: StatisticsForm, enterprise: Enterprise, label: str) -> StatisticsReport | None:
    return (
        StatisticsReport.objects.select_related(
            "grid", "enterprise", "version", "filled_by", "submitted_by", "reviewed_by"
        )
        .filter(form=form, enterprise=enterprise, period=label)
        .first()
    )


def values_of(report: StatisticsReport | None) -> dict[str, StatisticsValue]:
    if report is None:
        return {}
    return {v.code: v for v in report.values.all()}


def previous_values(
    form: StatisticsForm, enterprise: Enterprise, period: StatPeriod
) -> tuple[StatPeriod, dict[str, Decimal]]:
    """The previous period and the values the enterprise sent in for it (empty if none)."""
    before = previous_period(form.period_type, period)
    rows = StatisticsValue.objects.filter(
        report__form=form,
        report__enterprise=enterprise,
        report__period=before.label,
        report__status__in=COUNTED,
    ).values_list("code", "value")
    return before, dict(rows)


def figures_for(enterprise: Enterprise, period: str) -> dict[str, Decimal]:
    """The figures the enterprise sent in (submitted or accepted) for the period labelled
    `period` ("2026-03", "2026-Q1", "2026"), by field code: what later work reads."""
    rows = StatisticsValue.objects.filter(
        report__enterprise=enterprise, report__period=period, report__status__in=COUNTED
    ).values_list("code", "value")
    return dict(rows)


def shown(value: Decimal | None, kind: str) -> str:
    """A value as a page and a message show it: whole numbers without decimals, others without
    trailing zeros, thousands separated."""
    if value is None:
        return ""
    if kind == FieldKind.INTEGER or value == value.to_integral_value():
        return f"{int(value):,}"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text


def parse_value(text: str, kind: str) -> Decimal | None:
    """A number typed into the form (thousands separators and spaces allowed; full-width digits
    become ASCII), or None when it is not a number of the field's kind, 0 or more."""
    cleaned = (text or "").strip().translate(_FULL_WIDTH).replace(",", "").replace(" ", "")
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    whole, _dot, fraction = cleaned.partition(".")
    if len(whole.lstrip("0")) > MAX_DIGITS or len(fraction.rstrip("0")) > 4:
        return None
    if kind == FieldKind.INTEGER and value != value.to_integral_value():
        return None
    return value


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


# -- plausibility ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Jump:
    """A value whose change against the previous period exceeds its field's band."""

    field: StatisticsField
    before: Decimal
    after: Decimal
    change: Decimal | None  # percent, signed; None when the previous value was 0

    def change_text(self) -> tuple[str, str]:
        """The change as the messages say it, in Chinese and English."""
        kind = self.field.kind
        if self.change is None:
            zh = f"由 0 变为 {shown(self.after, kind)}"
            return zh, f"went from 0 to {shown(self.after, kind)}"
        pct = f"{self.change:+.1f}%"
        return f"变动 {pct}", f"changed by {pct}"


def jumps(
    fields: Iterable[StatisticsField],
    values: Mapping[str, Decimal | None],
    previous: Mapping[str, Decimal],
) -> list[Jump]:
    """The values beyond their field's plausible band against the previous period's."""
    out = []
    for field in fields:
        after, before = values.get(field.code), previous.get(field.code)
        if field.band is None or after is None or before is None:
            continue
        if before == 0:
            if after != 0:
                out.append(Jump(field, before, after, None))
            continue
        change = (after - before) / abs(before) * 100
        if abs(change) > field.band:
            out.append(Jump(field, before, after, change))
    return out


# -- what is owed ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owed:
    form: StatisticsForm
    period: StatPeriod
    enterprise: Enterprise
    report: StatisticsReport | None
    due: date
    overdue: bool

    @property
    def sent(self) -> bool:
        return self.report is not None and self.report.counted


def owed_by(enterprises: Iterable[Enterprise], today: date) -> list[Owed]:
    """For each enterprise and active form, the ended periods in which the enterprise was
    assigned to a grid on the period's last day, newest first, with their reports."""
    enterprises = list(enterprises)
    ids = [e.pk for e in enterprises]
    spans: dict[int, list[tuple[date, date | None]]] = {}
    for row in EnterpriseAssignment.objects.filter(enterprise_id__in=ids).values_list(
        "enterprise_id", "valid_from", "valid_to"
    ):
        spans.setdefault(row[0], []).append((row[1], row[2]))
    reports = {
        (r.form_id, r.enterprise_id, r.period): r
        for r in StatisticsReport.objects.filter(enterprise_id__in=ids).select_related("grid")
    }
    cal = workdays.calendar()
    out = []
    for form in forms():
        for period in ended_periods(form, today):
            due = due_date(form, period, cal).due
            for enterprise in enterprises:
                held = any(
                    start <= period.end and (end is None or end >= period.end)
                    for start, end in spans.get(enterprise.pk, [])
                )
                if held:
                    report = reports.get((form.pk, enterprise.pk, period.label))
                    sent = report is not None and report.counted
                    out.append(
                        Owed(form, period, enterprise, report, due, not sent and due < today)
                    )
    return out


@dataclass(frozen=True)
class GridRow:
    enterprise: Enterprise
    report: StatisticsReport | None

    @property
    def sent(self) -> bool:
        return self.report is not None and self.report.counted


def grid_reports(grid: Grid, form: StatisticsForm, period: StatPeriod) -> list[GridRow]:
    """The enterprises of the grid on the period's last day and their reports: those not sent in
    first (no report, draft, returned), then those awaiting acceptance, then accepted."""
    assigned = assigned_on(period.end).filter(grid=grid).select_related("enterprise")
    reports = {
        r.enterprise_id: r
        for r in StatisticsReport.objects.filter(
            form=form, period=period.label, enterprise_id__in=assigned.values("enterprise_id")
        ).select_related("filled_by", "submitted_by")
    }
    order = {str(ReportStatus.SUBMITTED): 1, str(ReportStatus.ACCEPTED): 2}
    rows = [GridRow(a.enterprise, reports.get(a.enterprise_id)) for a in assigned]
    rows.sort(
        key=lambda r: (order.get(str(r.report.status), 0) if r.report else 0, r.enterprise.name)
    )
    return rows


# -- completeness ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    grid: Grid | None  # None: the whole zone
    due: int
    submitted: int

    @property
    def rate(self) -> float | None:
        return self.submitted / self.due if self.due else None


def completeness(
    form: StatisticsForm, period: StatPeriod, grid_codes: frozenset[str] | None = None
) -> tuple[list[Completeness], Completeness]:
    """Submitted ÷ due per grid (those in `grid_codes`, or all) and over those grids together:
    due are the enterprises assigned to the grid on the period's last day, submitted those of
    them whose report for the period is submitted or accepted. One aggregate query."""
    sent = StatisticsReport.objects.filter(
        form=form, period=period.label, status__in=COUNTED, enterprise_id=OuterRef("enterprise_id")
    )
    assigned = assigned_on(period.end)
    if grid_codes is not None:
        assigned = assigned.filter(grid__code__in=grid_codes)
    counts = {
        row["grid_id"]: row
        for row in assigned.annotate(sent=Exists(sent))
        .values("grid_id")
        .annotate(due=Count("pk"), submitted=Count("pk", filter=Q(sent=True)))
        .order_by()
    }
    grids = Grid.objects.all() if grid_codes is None else Grid.objects.filter(code__in=grid_codes)
    rows = [
        Completeness(
            g, counts.get(g.pk, {}).get("due", 0), counts.get(g.pk, {}).get("submitted", 0)
        )
        for g in grids.order_by("code")
    ]
    total = Completeness(None, sum(r.due for r in rows), sum(r.submitted for r in rows))
    return rows, total


# -- the export for the statistics bureau ---------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    credit_code: str
    name: str
    grid: str
    status: str
    values: dict[str, Decimal]
    explanations: list[tuple[str, str]]  # (field label, explanation)


def export_rows(form: StatisticsForm, period: StatPeriod) -> list[ExportRow]:
    """One row per enterprise whose report for the period is submitted or accepted, in grid and
    credit-code order: its values by field code and the explanations given."""
    reports = (
        StatisticsReport.objects.filter(form=form, period=period.label, status__in=COUNTED)
        .select_related("enterprise", "grid")
        .order_by("grid__code", "enterprise__credit_code")
    )
    values: dict[int, list[StatisticsValue]] = {}
    for value in (
        StatisticsValue.objects.filter(report__in=reports)
        .select_related("field")
        .order_by("report_id", "field__position")
    ):
        values.setdefault(value.report_id, []).append(value)
    return [
        ExportRow(
            r.enterprise.credit_code,
            r.enterprise.name,
            f"{r.grid.code} {r.grid.name}",
            str(ReportStatus(r.status).label),
            {v.code: v.value for v in values.get(r.pk, [])},
            [(v.field.label_zh, v.explanation) for v in values.get(r.pk, []) if v.explanation],
        )
        for r in reports
    ]


def export_fields(form: StatisticsForm, period: StatPeriod) -> list[StatisticsField]:
    """The export's columns: the fields of the versions the period's reports were filled on,
    by code, in the current version's order first (a field dropped later keeps its column)."""
    used = StatisticsReport.objects.filter(form=form, period=period.label).values("version_id")
    current = form.current()
    seen: dict[str, StatisticsField] = {}
    chosen = StatisticsField.objects.filter(Q(version_id__in=used) | Q(version=current)).order_by(
        "-version__number", "position"
    )
    for field in chosen:
        seen.setdefault(field.code, field)
    ordered = sorted(
        seen.values(),
        key=lambda f: (0 if current and f.version_id == current.pk else 1, f.position),
    )
    return ordered
