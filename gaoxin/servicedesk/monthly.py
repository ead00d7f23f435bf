"""The monthly report (月度报告) of the grid service desk, for the zone or one grid: the headline
figures with their change against the month before, the twelve months up to it, and the figures
per grid, category, department and handler (docs/servicedesk.md, "The monthly report").

`build` reads everything once (selectors and fieldwork); `pdf` and `xlsx` only lay out what it
read, in the active language. Nothing of the clock but `as_of` (the day the figures are taken,
printed in the report) enters the files: the same data on the same day gives the same bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _
from reportlab.lib.units import mm

from gaoxin.common import pdf
from gaoxin.common.xlsx import SafeRows

from . import charts, fieldwork, selectors
from .models import Grid
from .selectors import Figures, Period

EMPTY = Figures(None, 0, 0, 0, 0, 0, 0, None, 0)


@dataclass(frozen=True)
class Row:
    """One line of a table: a grid, category, department or handler, this month and the last."""

    label: str
    now: Figures
    before: Figures
    coverage: float | None = None  # per grid: visit coverage of the month's quarter
    rectification: float | None = None  # per grid: hazards rectified on time in the month

    @property
    def accepted_change(self) -> int:
        return self.now.accepted - self.before.accepted

    @property
    def resolution_change(self) -> float | None:
        now, before = self.now.resolution_rate, self.before.resolution_rate
        return None if now is None or before is None else now - before


@dataclass(frozen=True)
class Table:
    code: str  # grid, category, department, officer
    rows: list[Row]


@dataclass(frozen=True)
class Report:
    month: Period
    previous: Period
    grid: Grid | None
    as_of: date
    headline: list[dict[str, Any]]
    months: list[Figures]
    tables: list[Table]

    @property
    def month_code(self) -> str:
        return f"{self.month.start:%Y-%m}"

    @property
    def scope(self) -> str:
        return f"{self.grid.code} {self.grid.name}" if self.grid else _("The whole zone")

    @property
    def filename(self) -> str:
        return f"monthly-{self.month_code}-{self.grid.code if self.grid else 'zone'}"

    @property
    def grid_rows(self) -> list[tuple[str, Figures]]:
        """The grids and their figures for the per-grid chart (the zone's report only)."""
        for table in self.tables:
            if table.code == "grid":
                return [(row.label.split(" ")[0], row.now) for row in table.rows]
        return []


def parse_month(raw: str) -> Period | None:
    """`2026-11` as that month; None for anything else."""
    text = raw.strip()
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        return None
    year, number = int(text[:4]), int(text[5:])
    if not (2000 <= year <= 2100 and 1 <= number <= 12):
        return None
    return selectors.month(year, number)


def last_month(today: date) -> Period:
    """The month before the one of `today`: the default report (the last whole month)."""
    first = today.replace(day=1)
    return selectors.month(first.year, first.month).previous()


# Each table's heading, its sheet's name and its first column, in the active language.
TITLES = {
    "grid": lambda: _("By grid"),
    "category": lambda: _("By category"),
    "department": lambda: _("By department (requests escalated to one)"),
    "officer": lambda: _("By handler"),
}
SHEETS = {
    "grid": lambda: _("By grid"),
    "category": lambda: _("By category"),
    "department": lambda: _("By department"),
    "officer": lambda: _("By handler"),
}
KEYS = {
    "grid": lambda: _("Grid"),
    "category": lambda: _("Category"),
    "department": lambda: _("Department"),
    "officer": lambda: _("Handler"),
}


def build(month: Period, *, grid: Grid | None, today: date) -> Report:
    """The report of `month` for the zone (`grid` None) or one grid, as of `today`."""
    previous = month.previous()
    cube = selectors.FigureCube(month, grid=grid, today=today)
    earlier_cube = selectors.FigureCube(previous, grid=grid, today=today)
    now, before = cube.figures()[0], earlier_cube.figures()[0]
    headline = selectors.headline(now, before) + fieldwork.headline(month, previous, today, grid)
    names = selectors.group_names()
    tables = []
    for code in ["category", "department", "officer"] if grid else list(TITLES):
        current = {f.key: f for f in cube.figures(code)}
        earlier = {f.key: f for f in earlier_cube.figures(code)}
        if code == "grid":
            rows = [_grid_row(g, current, earlier, month, today) for g in _grids()]
        else:
            keys = sorted(k for k in current.keys() | earlier.keys() if k is not None)
            rows = [
                Row(
                    str(names[code].get(key, key)),
                    current.get(key, EMPTY),
                    earlier.get(key, EMPTY),
                )
                for key in keys
            ]
        tables.append(Table(code, rows))
    months = selectors.figures_by_month(selectors.twelve_months(month.end), grid=grid, today=today)
    return Report(month, previous, grid, today, headline, months, tables)


def _grids() -> list[Grid]:
    return list(Grid.objects.order_by("code"))


def _grid_row(
    grid: Grid,
    current: dict[Any, Figures],
    earlier: dict[Any, Figures],
    month: Period,
    today: date,
) -> Row:
    quarter = fieldwork.quarter_of(min(month.end, today))
    return Row(
        f"{grid.code} {grid.name}",
        current.get(grid.code, EMPTY),
        earlier.get(grid.code, EMPTY),
        coverage=fieldwork.visit_coverage(quarter, grid).rate,
        rectification=fieldwork.rectification(month, today, grid).rate,
    )


# -- how values read ---------------------------------------------------------------------------


def percent(value: float | None) -> float | None:
    """A rate as a percentage with one decimal (the dashboard's rounding)."""
    return None if value is None else round(value * 100, 1)


def days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def number(value: Any, kind: str) -> float | int | None:
    """A headline value as the spreadsheet holds it: rates and their changes in percent."""
    if kind == "rate":
        return percent(value)
    if kind == "days":
        return days(value)
    return value


def text(value: Any, kind: str, *, signed: bool = False) -> str:
    """A value as the PDF prints it; "—" when there is nothing to divide."""
    shown = number(value, kind)
    if shown is None:
        return "—"
    if kind == "count":
        return f"{shown:+,}" if signed else f"{shown:,}"
    return f"{shown:+.1f}" if signed else f"{shown:.1f}"


def _columns(code: str) -> list[str]:
    head = [
        KEYS[code](),
        _("Requests accepted"),
        _("Change"),
        _("Resolution (%)"),
        _("Change (points)"),
        _("On time (%)"),
        _("Satisfied (%)"),
        _("In grid (%)"),
        _("Days"),
    ]
    if code == "grid":
        head += [_("Visit coverage (%)"), _("Hazards on time (%)")]
    return head


def _values(code: str, row: Row) -> list[Any]:
    f = row.now
    values: list[Any] = [
        row.label,
        f.accepted,
        row.accepted_change,
        percent(f.resolution_rate),
        percent(row.resolution_change),
        percent(f.on_time_rate),
        percent(f.satisfaction_rate),
        percent(f.in_grid_rate),
        days(f.average_days),
    ]
    if code == "grid":
        values += [percent(row.coverage), percent(row.rectification)]
    return values


def definitions() -> list[tuple[str, str]]:
    """Each figure and how it is computed (the dashboard's definitions)."""
    return [
        (
            _("Accepted (受理量)"),
            _("Requests accepted in the period, merged duplicates left out."),
        ),
        (
            _("Resolution rate (办结率)"),
            _("Of those, the share resolved with a reply (resolved ÷ accepted)."),
        ),
        (
            _("Resolved on time (按时办结率)"),
            _("Of the resolved, the share that met the limit of every step they passed."),
        ),
        (
            _("Satisfaction (满意率)"),
            _("Of the rated, the share rated 4 or 5 stars (the final rating after any redo)."),
        ),
        (
            _("Settled in the grid (网格内解决率)"),
            _(
                "Of the resolved, the share resolved by the grid officer or the grid leader, "
                "without going to a department or the leadership."
            ),
        ),
        (
            _("Average working days to resolve"),
            _(
                "Working days from acceptance to resolution on the official calendar, waits "
                "for the enterprise left out."
            ),
        ),
        (
            _("Visit coverage (走访覆盖率)"),
            _(
                "Of the key enterprises assigned to a grid on the last day of the quarter in "
                "which the period ends, the share visited at least N times in that quarter "
                "(N set by the zone)."
            ),
        ),
        (
            _("Hazards rectified on time (隐患按时整改率)"),
            _(
                "Of the hazards due in the period whose deadline has passed or which are "
                "rectified, the share rectified by the deadline (rectified on time ÷ due)."
            ),
        ),
        (
            _("Change"),
            _(
                "This month against the month before: a difference of counts, of days, or of "
                "rates in percentage points."
            ),
        ),
    ]


def _title(report: Report) -> str:
    return _("Grid service monthly report, %(month)s") % {"month": report.month_code}


def _about(report: Report) -> str:
    return _(
        "%(scope)s. Requests accepted from %(start)s to %(end)s, against %(before_start)s to "
        "%(before_end)s; figures as of %(as_of)s."
    ) % {
        "scope": report.scope,
        "start": report.month.start.isoformat(),
        "end": report.month.end.isoformat(),
        "before_start": report.previous.start.isoformat(),
        "before_end": report.previous.end.isoformat(),
        "as_of": report.as_of.isoformat(),
    }


def _trend_rows(months: Sequence[Figures]) -> list[list[Any]]:
    return [
        [
            charts.month_label(m),
            m.accepted,
            m.resolved,
            percent(m.resolution_rate),
            percent(m.on_time_rate),
        ]
        for m in months
    ]


def _trend_header() -> list[str]:
    return [
        _("Month"),
        _("Requests accepted"),
        _("Requests resolved"),
        _("Resolution (%)"),
        _("On time (%)"),
    ]


def _headline_header() -> list[str]:
    return [_("Figure"), _("This month"), _("Previous month"), _("Change")]


# -- PDF -----------------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


CHANGES = (2, 4)  # the columns of `_values` that hold a change: printed with their sign


def _printed(values: list[Any]) -> list[str]:
    """A table row as the PDF prints it: changes with their sign, "—" for nothing to divide."""
    out = []
    for index, value in enumerate(values):
        if index in CHANGES and value is not None:
            out.append(f"{value:+,}" if isinstance(value, int) else f"{value:+.1f}")
        else:
            out.append(_shown(value))
    return out


def to_pdf(report: Report) -> bytes:
    """The report as an A4 PDF in the active language, with the dashboard's charts."""
    title = _title(report)
    doc = pdf.Document(title=title, footer=f"{report.scope} · {report.month_code}", subject=title)
    doc.title(title, report.scope)
    doc.paragraph(_about(report))
    doc.heading(_("Headline figures"))
    doc.table(
        _headline_header(),
        [
            [
                str(f["label"]),
                text(f["value"], f["kind"]),
                text(f["before"], f["kind"]),
                text(f["change"], f["kind"], signed=True),
            ]
            for f in report.headline
        ],
        widths=[80, 30, 34, 30],
        align="lrrr",
        wrap=True,
    )
    doc.paragraph(_("Rates are in percent; their changes in percentage points."))
    doc.heading(_("The last twelve months"))
    doc.drawing(charts.accepted_chart(report.months, font=pdf.FONT))
    doc.drawing(charts.rates_chart(report.months, font=pdf.FONT))
    doc.table(
        _trend_header(),
        ([_shown(v) for v in row] for row in _trend_rows(report.months)),
        align="lrrrr",
    )
    for table in report.tables:
        doc.heading(TITLES[table.code]())
        if table.code == "grid" and table.rows:
            doc.drawing(charts.in_grid_chart(report.grid_rows, font=pdf.FONT))
        head = _columns(table.code)
        first = 28 if table.code == "grid" else 36
        rest = (pdf.FRAME_WIDTH / mm - first) / (len(head) - 1)
        doc.table(
            head,
            (_printed(_values(table.code, row)) for row in table.rows),
            widths=[first] + [rest] * (len(head) - 1),
            align="l" + "r" * (len(head) - 1),
            wrap=True,
            empty=_("No requests in this period."),
        )
    doc.heading(_("Definitions"))
    doc.key_values(definitions(), label_width=52)
    return doc.build()


# -- XLSX ----------------------------------------------------------------------------------------


def to_xlsx(report: Report) -> bytes:
    """The report as a workbook in the active language: a sheet for the headline, the twelve
    months, each table and the definitions. Cells are numbers (rates in percent); text goes
    through SafeRows (no formula is ever written)."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    workbook.set_properties(
        {
            "title": _title(report),
            "company": "高新区管委会",
            "created": datetime.combine(report.as_of, datetime.min.time()),
        }
    )
    summary = workbook.add_worksheet(_("Summary"))
    summary.set_column(0, 0, 44)
    summary.set_column(1, 3, 14)
    rows = SafeRows(workbook, summary)
    rows.write([_title(report)])
    rows.write([_about(report)])
    rows.write([_("Rates are in percent; their changes in percentage points.")])
    rows.row += 1
    rows.header(_headline_header())
    for f in report.headline:
        rows.write(
            [
                str(f["label"]),
                number(f["value"], f["kind"]),
                number(f["before"], f["kind"]),
                number(f["change"], f["kind"]),
            ]
        )
    trend = workbook.add_worksheet(_("Twelve months"))
    trend.set_column(0, 4, 14)
    rows = SafeRows(workbook, trend)
    rows.header(_trend_header())
    for values in _trend_rows(report.months):
        rows.write(values)
    for table in report.tables:
        sheet = workbook.add_worksheet(SHEETS[table.code]())
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 10, 12)
        sheet.freeze_panes(1, 1)
        rows = SafeRows(workbook, sheet)
        rows.header(_columns(table.code))
        for row in table.rows:
            rows.write(_values(table.code, row))
    about = workbook.add_worksheet(_("Definitions"))
    about.set_column(0, 0, 36)
    about.set_column(1, 1, 90)
    rows = SafeRows(workbook, about)
    for label, meaning in definitions():
        rows.write([label, meaning])
    workbook.close()
    return out.getvalue()
