"""Reading the spreadsheets sales offices send (XLSX or UTF-8 CSV), bounded in size and rows;
never a traceback for a broken file."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence
from typing import Any

from gaoxin.common.errors import GaoxinError

from . import errors

MAX_BYTES = 5 * 1024 * 1024


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def read_rows(data: bytes, filename: str, *, max_rows: int) -> list[list[str]]:
    """Non-empty rows of the first sheet, cells as trimmed strings; at most max_rows + 1."""
    if len(data) > MAX_BYTES:
        raise GaoxinError(errors.SHEET_UNREADABLE, detail="larger than 5 MB / 超过 5 MB")
    if data[:4] == b"PK\x03\x04":
        try:
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = book.get_sheet_by_index(0)
            rows = itertools.islice(sheet.iter_rows(), max_rows + 2)  # stop early: no bombs
            return [[_cell(v) for v in row] for row in rows]
        except Exception as error:  # calamine raises its own types for broken workbooks
            raise GaoxinError(errors.SHEET_UNREADABLE, detail=type(error).__name__) from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise GaoxinError(
            errors.SHEET_UNREADABLE, detail=f"{filename} is not UTF-8 / 不是 UTF-8 编码"
        ) from error
    reader = itertools.islice(csv.reader(io.StringIO(text)), max_rows + 2)
    return [[c.strip() for c in row] for row in reader]


def is_formula(value: str) -> bool:
    """Cells starting like a formula are refused as labels (spreadsheet formula injection)."""
    return value[:1] in {"=", "+", "-", "@"}


def column_index(
    rows: list[list[str]], *, columns: Sequence[str], required: Sequence[str], max_rows: int
) -> dict[str, int]:
    """Where each known column is, from the header row; errors name what is missing, an empty
    file, or too many rows."""
    if not rows:
        raise GaoxinError(errors.SHEET_UNREADABLE, detail="empty / 文件为空")
    header = rows[0]
    missing = [c for c in required if c not in header]
    if missing:
        raise GaoxinError(
            errors.SHEET_HEADERS, missing="、".join(missing), expected="、".join(columns)
        )
    if len(rows) - 1 > max_rows:
        raise GaoxinError(errors.SHEET_UNREADABLE, detail=f"more than {max_rows} rows")
    return {c: header.index(c) for c in columns if c in header}
