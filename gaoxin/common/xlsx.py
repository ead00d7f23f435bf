"""Spreadsheet exports that no spreadsheet program evaluates (formula or "CSV" injection).

A name such as `=HYPERLINK(…)` or `@SUM(A1)` typed by an applicant must arrive in the reader's
Excel or WPS as the text it is. `SafeRows` writes every cell explicitly: strings with
`write_string` (never xlsxwriter's `write`, which turns a string starting with `=` into a
formula), and a string starting with `=`, `+`, `-`, `@`, a tab or a carriage return (or their
full-width forms) with the cell style's quote prefix (`quotePrefix`: Excel's leading
apostrophe, kept out of the value), so it stays text even when someone edits the cell. The
value itself is unchanged. Numbers stay numbers, None is an empty cell, an aware datetime
is written in the zone's local time (Asia/Shanghai).

    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = workbook.add_worksheet("结果")
    rows = SafeRows(workbook, sheet)
    rows.header(["登记号", "姓名"])
    for number, name in data:
        rows.write([number, name])
    workbook.close()

Rows are written in order, so it works in xlsxwriter's `constant_memory` mode (large exports).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from .exports import FORMULA_START

FORMULA_PREFIXES = FORMULA_START  # one list for every export (common/exports.py)


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet program treat this text as a formula if typed into a cell?"""
    return text.startswith(FORMULA_PREFIXES)


class SafeRows:
    """Writes rows one after another into `worksheet` (xlsxwriter), neutralising formulas."""

    def __init__(self, workbook: Any, worksheet: Any, *, first_row: int = 0) -> None:
        self.sheet = worksheet
        self.row = first_row
        self.header_format = workbook.add_format({"bold": True, "bg_color": "#E8EDF2"})
        self.quoted = workbook.add_format({"quote_prefix": True})
        self.date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})

    def header(self, names: Sequence[str]) -> None:
        for col, name in enumerate(names):
            self._cell(col, name, self.header_format)
        self.row += 1

    def write(self, values: Sequence[object]) -> None:
        for col, value in enumerate(values):
            self._cell(col, value, None)
        self.row += 1

    def _cell(self, col: int, value: object, style: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            self.sheet.write_boolean(self.row, col, value, style)
        elif isinstance(value, int | float | Decimal):
            self.sheet.write_number(self.row, col, value, style)
        elif isinstance(value, datetime | date):
            if isinstance(value, datetime) and timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)  # the zone's local time
            self.sheet.write_datetime(self.row, col, value, style or self.date_format)
        else:
            text = str(value)
            if is_formula_like(text):
                style = self.quoted
            self.sheet.write_string(self.row, col, text, style)
