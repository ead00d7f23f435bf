"""Monthly statistics reports for the tier tests, written straight into the grid desk's
tables (the desk's own services are tested in gaoxin/servicedesk)."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from typing import Any

from gaoxin.servicedesk.choices import FieldKind, PeriodType, ReportStatus
from gaoxin.servicedesk.models import (
    Grid,
    StatisticsField,
    StatisticsForm,
    StatisticsFormVersion,
    StatisticsReport,
    StatisticsValue,
)


class Monthly:
    def __init__(self) -> None:
        self.grid = Grid.objects.create(code="T01", name="测试网格")
        self.form = StatisticsForm.objects.create(
            code="monthly",
            name_zh="月报",
            name_en="Monthly",
            period_type=PeriodType.MONTHLY,
            starts_on=date(2020, 1, 1),
            due_days=10,
        )
        self.version = StatisticsFormVersion.objects.create(form=self.form, number=1)
        self.fields = {
            code: StatisticsField.objects.create(
                version=self.version,
                position=i,
                code=code,
                label_zh=code,
                label_en=code,
                kind=FieldKind.DECIMAL,
            )
            for i, code in enumerate(("revenue", "rnd", "employees"))
        }

    def year(
        self,
        enterprise: Any,
        year: int,
        *,
        revenue: Decimal | int,
        rnd: Decimal | int = 0,
        employees: int = 10,
        months: int = 12,
        status: str = ReportStatus.ACCEPTED,
    ) -> None:
        """`months` monthly reports from January, each with the same figures."""
        for month in range(1, months + 1):
            last = calendar.monthrange(year, month)[1]
            report = StatisticsReport.objects.create(
                form=self.form,
                version=self.version,
                enterprise=enterprise,
                period=f"{year}-{month:02d}",
                period_start=date(year, month, 1),
                period_end=date(year, month, last),
                grid=self.grid,
                status=status,
            )
            values = {"revenue": revenue, "employees": employees}
            if rnd:
                values["rnd"] = rnd
            StatisticsValue.objects.bulk_create(
                StatisticsValue(report=report, field=self.fields[c], code=c, value=Decimal(v))
                for c, v in values.items()
            )
