"""Files the registry hands out: per-kind templates (XLSX with Chinese headers, a notes sheet
and an example row; or CSV) and error reports (XLSX: row, column, value, reason in Chinese and
English). Every text cell goes through `exports.neutralise`: the error report repeats values
from the uploaded file, which may be crafted to run as formulas when the report is opened."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import xlsxwriter

from gaoxin.common.exports import neutralise

from .columns import SPECS, Spec

REPORT_LIMIT = 100_000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    code: str
    reason_zh: str
    reason_en: str

    def as_json(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "code": self.code,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


def template_xlsx(kind: str, *, example: bool = True) -> bytes:
    spec = SPECS[kind]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    text = book.add_format({"num_format": "@"})
    head = book.add_format({"bold": True, "bg_color": "#FBE9E7", "border": 1, "num_format": "@"})
    sheet = book.add_worksheet(spec.title_zh)
    for index, column in enumerate(spec.columns):
        label = column.zh + ("*" if column.required else "")
        sheet.write_string(0, index, neutralise(label), head)
        # Text format keeps 18-digit ID numbers and leading zeros intact when people type.
        sheet.set_column(index, index, max(14, len(column.zh) * 2 + 4), text)
        if example:
            sheet.write_string(1, index, neutralise(column.example), text)
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet("说明 Notes")
    notes.write_row(0, 0, ["列 Column", "English", "必填 Required", "格式 Format", "示例 Example"])
    for index, column in enumerate(spec.columns, start=1):
        notes.write_row(
            index,
            0,
            [
                neutralise(value)
                for value in (
                    column.zh,
                    column.en,
                    "是" if column.required else "否",
                    column.note_zh,
                    column.example,
                )
            ],
        )
    notes.write_string(
        len(spec.columns) + 2,
        0,
        "带 * 的列为必填。第一张工作表的第一行是表头；示例行请在导入前删除。"
        " Columns marked * are required; the first sheet's first row is the header; delete the"
        " example row before importing.",
    )
    notes.set_column(0, 4, 24)
    book.close()
    return buffer.getvalue()


def template_csv(kind: str, *, example: bool = True) -> bytes:
    spec = SPECS[kind]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(c.zh) for c in spec.columns])
    if example:
        writer.writerow([neutralise(c.example) for c in spec.columns])
    # UTF-8 with a BOM, so that Excel on Chinese Windows opens it correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def error_report_xlsx(
    spec: Spec,
    problems: Iterable[RowError],
    *,
    total: int,
    warnings: Iterable[RowError] = (),
    warning_total: int = 0,
) -> bytes:
    """Errors (first sheet) and warnings (rows imported all the same: second sheet)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    head = book.add_format({"bold": True, "bg_color": "#FBE9E7", "border": 1})
    sheet = book.add_worksheet("错误 Errors")
    sheet.write_row(
        0,
        0,
        ["行 Row", "列 Column", "值 Value", "错误代码 Code", "原因", "Reason"],
        head,
    )
    written = 0
    for written, problem in enumerate(problems, start=1):
        sheet.write_number(written, 0, problem.row)
        sheet.write_string(written, 1, neutralise(problem.column))
        sheet.write_string(written, 2, neutralise(problem.value))
        sheet.write_string(written, 3, neutralise(problem.code))
        sheet.write_string(written, 4, neutralise(problem.reason_zh))
        sheet.write_string(written, 5, neutralise(problem.reason_en))
    if total > written:
        sheet.write_string(
            written + 2,
            0,
            f"仅列出前 {written} 个错误，共 {total} 个。 Only the first {written} of {total} "
            "errors are listed.",
        )
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 3, 24)
    sheet.set_column(4, 5, 48)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(written, 1), 5)
    if warning_total:
        _lines_sheet(book, "提示 Warnings", warnings, warning_total, head)
    info = book.add_worksheet("文件 File")
    info.write_row(0, 0, ["类型 Kind", spec.title_zh, spec.kind])
    info.write_row(1, 0, ["错误数 Errors", total])
    info.write_row(2, 0, ["提示数 Warnings", warning_total])
    book.close()
    return buffer.getvalue()


def _lines_sheet(
    book: xlsxwriter.Workbook, title: str, lines: Iterable[RowError], total: int, head: Any
) -> None:
    sheet = book.add_worksheet(title)
    sheet.write_row(0, 0, ["行 Row", "列 Column", "值 Value", "代码 Code", "说明", "Note"], head)
    written = 0
    for written, line in enumerate(lines, start=1):
        sheet.write_number(written, 0, line.row)
        for col, value in enumerate(
            (line.column, line.value, line.code, line.reason_zh, line.reason_en), start=1
        ):
            sheet.write_string(written, col, neutralise(value))
    if total > written:
        sheet.write_string(
            written + 2,
            0,
            f"仅列出前 {written} 条，共 {total} 条。 "
            f"Only the first {written} of {total} are listed.",
        )
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 3, 24)
    sheet.set_column(4, 5, 48)
    sheet.freeze_panes(1, 0)
