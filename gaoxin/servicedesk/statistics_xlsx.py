"""The workbook for the statistics bureau (统计局): one row per enterprise that sent in its report
for the period (统一社会信用代码, 企业名称, 网格), a column per field of the form, and a 说明
column with the explanations of implausible changes. Every cell goes through common/xlsx.py's
SafeRows, so a name such as "=HYPERLINK(…)" stays text; numbers stay numbers. A second sheet
says what the file is."""

from __future__ import annotations

import io
from datetime import datetime

import xlsxwriter
from django.utils import timezone

from gaoxin.common.xlsx import SafeRows

from . import selectors_statistics as stats
from .choices import FieldKind
from .models import StatisticsForm

FIXED = ["统一社会信用代码", "企业名称", "所属网格"]
EXPLANATIONS = "说明"
PERIOD_TYPES = {"monthly": "月报", "quarterly": "季报", "annual": "年报"}


def header(field: object) -> str:
    label = getattr(field, "label_zh", "")
    unit = getattr(field, "unit", "")
    return f"{label}（{unit}）" if unit else label


def workbook(form: StatisticsForm, period: stats.StatPeriod) -> tuple[bytes, int]:
    """The file and the number of enterprise rows in it."""
    fields = stats.export_fields(form, period)
    rows = stats.export_rows(form, period)
    _per_grid, total = stats.completeness(form, period)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("报表数据")
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 2, 14)
    sheet.set_column(3, 2 + len(fields), 16)
    sheet.set_column(3 + len(fields), 3 + len(fields), 48)
    write = SafeRows(book, sheet)
    write.header([*FIXED, *(header(f) for f in fields), EXPLANATIONS])
    for row in rows:
        values: list[object] = [row.credit_code, row.name, row.grid]
        for field in fields:
            figure = row.values.get(field.code)
            if figure is not None and field.kind == FieldKind.INTEGER:
                values.append(int(figure))
            else:
                values.append(figure)
        values.append("；".join(f"{label}：{text}" for label, text in row.explanations) or None)
        write.write(values)
    about = book.add_worksheet("说明")
    about.set_column(0, 0, 20)
    about.set_column(1, 1, 60)
    info = SafeRows(book, about)
    version = form.current()
    generated: datetime = timezone.localtime()
    for key, value in [
        ("报表", f"{form.name_zh}（{form.code}）"),
        ("报送周期", PERIOD_TYPES[form.period_type]),
        ("报告期", f"{period.label}（{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}）"),
        ("现行版本", f"第 {version.number} 版" if version else "—"),
        ("应报企业", total.due),
        ("已报企业", total.submitted),
        ("导出时间", generated.strftime("%Y-%m-%d %H:%M")),
        (
            "口径",
            "每行一家企业：本报告期已报送或已审核的报表；应报企业为报告期末日划入网格的重点企业。"
            "“说明”列为较上期变动超出合理范围的指标及企业所作说明。",
        ),
    ]:
        info.write([key, value])
    book.close()
    return out.getvalue(), len(rows)
