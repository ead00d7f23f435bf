"""Spreadsheet exports: text that looks like a formula stays text, numbers stay numbers."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import xlsxwriter
from python_calamine import CalamineWorkbook

from gaoxin.common.xlsx import SafeRows, is_formula_like

SHANGHAI = ZoneInfo("Asia/Shanghai")
DANGEROUS = ["=1+1", "@SUM(A1)", "+1", "-2+3", "\t=1", "\r=1", "＝1+1", '=HYPERLINK("http://x")']


def build(rows: list[list[object]], *, constant_memory: bool = True) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": constant_memory})
    sheet = workbook.add_worksheet("数据")
    writer = SafeRows(workbook, sheet)
    writer.header(["值", "数"])
    for row in rows:
        writer.write(row)
    workbook.close()
    return out.getvalue()


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_formula_like_text_arrives_as_the_same_text_and_never_as_a_formula():
    data = build([[text, n] for n, text in enumerate(DANGEROUS)])
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("数据").to_python()
    assert [row[0] for row in rows[1:]] == DANGEROUS
    assert [row[1] for row in rows[1:]] == list(range(len(DANGEROUS)))  # numbers stay numbers
    assert "<f>" not in sheet_xml(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert 'quotePrefix="1"' in archive.read("xl/styles.xml").decode()


def test_the_check_would_see_a_formula():
    # The control for the test above: xlsxwriter's plain write() makes "=1+1" a formula.
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out)
    workbook.add_worksheet().write(0, 0, "=1+1")
    workbook.close()
    assert "<f>" in sheet_xml(out.getvalue())


def test_ordinary_values():
    when = datetime(2026, 12, 9, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai
    data = build([["张*明", 3], [None, 2.5], ["GX26A-000001", None], [when, True]])
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("数据").to_python()
    assert rows[1] == ["张*明", 3]
    assert rows[2] == ["", 2.5]
    assert rows[3] == ["GX26A-000001", ""]
    assert rows[4] == [when.astimezone(SHANGHAI).replace(tzinfo=None), True]
    assert not is_formula_like("张*明") and is_formula_like("@x")
