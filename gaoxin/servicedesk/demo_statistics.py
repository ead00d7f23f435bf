"""Demo data for statistics collection (called from demo.py): the monthly form of four fields and
the reports since January of the year before last from every key enterprise, generated from
each enterprise's own scale with a season (the Spring Festival dip, the year-end push), a slow
trend and noise. Completeness is what
it would be: nearly everyone for the older months, fewer for the month just ended (still within
its deadline); a few reports returned or left as drafts. A rare real jump (a new line, a lost
order) is beyond its band and carries the explanation the form would have asked for; whether a
value needs one is decided by the same check the form uses (selectors_statistics.jumps). Written
in bulk; one audit event names what was loaded."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.common import audit, workdays
from gaoxin.common.actors import DEMO
from gaoxin.registry.models import Enterprise

from . import selectors_statistics as stats
from .choices import FieldKind, PeriodType, ReportStatus
from .models import (
    DutyHolder,
    Grid,
    StatisticsField,
    StatisticsForm,
    StatisticsFormVersion,
    StatisticsReport,
    StatisticsValue,
)

DEC, INT = FieldKind.DECIMAL, FieldKind.INTEGER
FIELDS = [
    # code, Chinese, English, unit, kind, required, band (±%)
    ("revenue", "营业收入", "Revenue", "万元", DEC, True, Decimal(30)),
    ("output", "工业总产值", "Industrial output value", "万元", DEC, True, Decimal(30)),
    ("employees", "从业人员期末人数", "Employees at month end", "人", INT, True, Decimal(20)),
    ("rnd", "研发费用", "R&D spending", "万元", DEC, False, Decimal(50)),
]
# The Spring Festival dip in February, the year-end push in December.
SEASON = {1: 0.95, 2: 0.86, 3: 1.0, 4: 1.0, 5: 1.0, 6: 1.05, 7: 0.97, 8: 0.96, 9: 1.03}
SEASON |= {10: 0.95, 11: 1.0, 12: 1.12}
JUMPS = [
    (1.7, "新产线投产，当月产能释放"),
    (1.6, "承接大额订单集中交付"),
    (0.5, "主要客户订单延后，部分产线停产检修"),
    (0.55, "原材料供应中断，生产暂停半个月"),
]
AFTER_JUMP = "上月一次性因素消退，回落至正常水平"
RETURN_REASONS = ["从业人员应含劳务派遣人员，请核实后重报", "营业收入与税务申报口径不一致，请核对"]


def _money(value: float) -> Decimal:
    return Decimal(f"{max(value, 0):.1f}")


def load(
    rng: random.Random,
    grids: list[Grid],
    by_grid: dict[int, list[Enterprise]],
    officers: dict[int, list[User]],
    today: date,
    ours: Enterprise,
) -> str:
    # From January of the year before last: two whole calendar years and this one so far (the
    # support app's yearly 雁阵 tiering reads a whole year and compares it with the year before).
    months = 24 + today.month - 1
    first = stats.period_of(PeriodType.MONTHLY, today)
    for _ in range(months):
        first = stats.previous_period(PeriodType.MONTHLY, first)
    form = StatisticsForm.objects.create(
        code="monthly",
        name_zh="规上企业月度主要经济指标",
        name_en="Monthly key figures of enterprises above designated size",
        period_type=PeriodType.MONTHLY,
        starts_on=first.start,
        due_days=8,
    )
    version = StatisticsFormVersion.objects.create(form=form, number=1)
    fields = StatisticsField.objects.bulk_create(
        [
            StatisticsField(
                version=version,
                position=i,
                code=code,
                label_zh=zh,
                label_en=en,
                unit=unit,
                kind=kind,
                required=required,
                band=band,
            )
            for i, (code, zh, en, unit, kind, required, band) in enumerate(FIELDS)
        ]
    )
    # The demo officer of G01 answers for its statistics too (the leader reviews elsewhere).
    g01 = grids[0]
    DutyHolder.objects.filter(grid=g01, duty__code="statistics", valid_to__isnull=True).update(
        officer=officers[g01.pk][0]
    )
    holders = dict(
        DutyHolder.objects.filter(duty__code="statistics", valid_to__isnull=True).values_list(
            "grid_id", "officer_id"
        )
    )
    periods = list(reversed(stats.ended_periods(form, today, limit=months)))
    latest = len(periods) - 1
    cal = workdays.calendar()
    deadlines = {p.label: stats.due_date(form, p, cal).due for p in periods}
    reports: list[StatisticsReport] = []
    planned: list[dict[str, tuple[Decimal, str]]] = []
    jumps = 0
    for grid in grids:
        for enterprise in by_grid[grid.pk]:
            scale = rng.lognormvariate(6.0, 1.0)  # 万元 a month: from tens to thousands
            ratio = rng.uniform(0.85, 1.3)
            people = max(8, int(scale / rng.uniform(6, 18)))
            rnd_share = rng.uniform(0.02, 0.09) if rng.random() < 0.85 else None
            trend = rng.uniform(-0.004, 0.012)
            previous: dict[str, Decimal] = {}
            jumped_before = False
            for n, period in enumerate(periods):
                # Completeness: older months nearly all, the month just ended about two thirds.
                share = 0.68 if n == latest else 0.9 if n == latest - 1 else 0.97
                mine = enterprise.pk == ours.pk
                if (mine and n == latest) or (not mine and rng.random() > share):
                    previous = {}
                    continue
                factor = SEASON[period.start.month] * (1 + trend) ** n * rng.uniform(0.96, 1.04)
                reason = ""
                if rng.random() < 0.005:
                    jump, reason = rng.choice(JUMPS)
                    factor *= jump
                figures = {
                    "revenue": _money(scale * factor),
                    "output": _money(scale * factor * ratio),
                    "employees": Decimal(max(1, round(people * rng.uniform(0.98, 1.02)))),
                }
                if rnd_share is not None:
                    figures["rnd"] = _money(scale * factor * rnd_share)
                found = {j.field.code for j in stats.jumps(fields, figures, previous)}
                if found and not reason:
                    reason = AFTER_JUMP if jumped_before else "季节性波动，订单集中在本月结算"
                jumped_before = bool(found)
                jumps += bool(found)
                values = {code: (v, reason if code in found else "") for code, v in figures.items()}
                status = ReportStatus.ACCEPTED if n < latest - 1 else ReportStatus.SUBMITTED
                roll = rng.random()
                if n >= latest - 1 and roll < 0.02:
                    status = ReportStatus.RETURNED
                elif n == latest and roll < 0.06:
                    status = ReportStatus.DRAFT
                by_officer = rng.random() < 0.2
                due = deadlines[period.label]
                sent = datetime.combine(
                    min(period.end + timedelta(days=rng.randrange(1, 12)), today, due),
                    time(10, rng.randrange(60)),
                    tzinfo=timezone.get_current_timezone(),
                )
                reports.append(
                    StatisticsReport(
                        form=form,
                        version=version,
                        enterprise=enterprise,
                        period=period.label,
                        period_start=period.start,
                        period_end=period.end,
                        grid=grid,
                        status=status,
                        filled_by_id=holders.get(grid.pk) if by_officer else None,
                        filled_by_officer=by_officer,
                        filled_at=sent,
                        submitted_at=sent if status != ReportStatus.DRAFT else None,
                        submitted_by_id=holders.get(grid.pk) if by_officer else None,
                        reviewed_at=sent + timedelta(days=2)
                        if status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED)
                        else None,
                        reviewed_by_id=holders.get(grid.pk)
                        if status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED)
                        else None,
                        return_reason=rng.choice(RETURN_REASONS)
                        if status == ReportStatus.RETURNED
                        else "",
                        last_changed_by="system:demo",
                    )
                )
                planned.append(values)
                counted = status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
                previous = figures if counted else {}
    StatisticsReport.objects.bulk_create(reports, batch_size=1000)
    saved = {
        (r.enterprise_id, r.period): r.pk
        for r in StatisticsReport.objects.filter(form=form).only("pk", "enterprise_id", "period")
    }
    by_code = {f.code: f for f in fields}
    StatisticsValue.objects.bulk_create(
        [
            StatisticsValue(
                report_id=saved[(report.enterprise_id, report.period)],
                field=by_code[code],
                code=code,
                value=value,
                explanation=why,
            )
            for report, values in zip(reports, planned, strict=True)
            for code, (value, why) in values.items()
        ],
        batch_size=2000,
    )
    audit.record(
        actor=DEMO,
        action="servicedesk.demo_statistics_loaded",
        obj=form,
        after={"reports": len(reports), "months": len(periods), "explained": jumps},
    )
    return (
        f"{len(reports)} monthly statistics reports over {len(periods)} months ({jumps} explained)"
    )
