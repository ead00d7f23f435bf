"""Reading the spreadsheets sales offices send: XLSX (or legacy XLS), or CSV in UTF-8 (with or
without BOM), UTF-16 (Excel's "Unicode text", tab-separated) or GBK/GB18030 (what Chinese
Excel saves). Bounded before anything is read: at most MAX_BYTES of file; a workbook's parts
unpack to at most WORKBOOK_LIMITS.unpacked_bytes and its sheet is read by a child process with
capped memory and time (gaoxin/common/uploads.py); at most `max_rows` data rows. Never a
traceback for a broken file: every error names what is wrong and where."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from gaoxin.common import uploads
from gaoxin.common.errors import GaoxinError
from gaoxin.common.exports import FORMULA_START, has_control_characters, printable

from . import errors

MB = 1024 * 1024
MAX_BYTES = 5 * MB
WORKBOOK_LIMITS = uploads.Limits(
    unpacked_bytes=100 * MB, memory_bytes=1024 * MB, cpu_seconds=30, wall_seconds=60
)


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, trimmed cells); no blank rows


def check_size(size: int) -> None:
    """Before reading an upload: refuse one over MAX_BYTES (the view checks `upload.size`)."""
    if size > MAX_BYTES:
        raise GaoxinError(
            errors.FILE_TOO_LARGE, size=f"{size / MB:.1f}", limit=f"{MAX_BYTES // MB}"
        )


def _unreadable(zh: str, en: str) -> GaoxinError:
    return GaoxinError(errors.SHEET_UNREADABLE, detail_zh=zh, detail_en=en)


def read_table(data: bytes, *, max_rows: int) -> Table:
    """The first sheet's header and non-blank rows; raises GaoxinError for a file that cannot
    be read, has more than `max_rows` data rows, or a cell with control characters."""
    check_size(len(data))
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise _unreadable("文件为空", "the file is empty")
    if uploads.is_workbook(data):
        with tempfile.TemporaryDirectory(prefix="gaoxin-sheet-") as folder:
            book, text = Path(folder) / "upload", Path(folder) / "sheet.csv"
            book.write_bytes(data)
            converted = uploads.to_csv(book, text, WORKBOOK_LIMITS)
            with text.open(encoding="utf-8", newline="") as handle:
                return _table(csv.reader(handle), converted.first_row, max_rows)
    content = _decode(data)
    first = content[: content.find("\n") + 1 or len(content)]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    return _table(csv.reader(io.StringIO(content), delimiter=delimiter), 1, max_rows)


def _decode(data: bytes) -> str:
    try:
        encoding = uploads.detect_encoding(data, complete=True)
    except uploads.BinaryContent:
        raise _unreadable(
            "内容是二进制数据，不是 CSV 或 Excel 文件", "it holds binary data, not CSV or Excel"
        ) from None
    except uploads.UnknownEncoding as error:
        raise GaoxinError(errors.SHEET_ENCODING, line=error.line) from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise GaoxinError(errors.SHEET_ENCODING, line=line) from None


def _table(reader: Iterable[list[str]], first_row: int, max_rows: int) -> Table:
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    number = first_row - 1
    try:
        for number, raw in enumerate(reader, start=first_row):
            cells = [c.strip() for c in raw]
            if not any(cells):
                continue
            _check_cells(number, cells, header)
            if header is None:
                header = cells
                continue
            if len(rows) == max_rows:
                raise GaoxinError(errors.SHEET_TOO_MANY_ROWS, limit=max_rows)
            rows.append((number, cells))
    except csv.Error as error:
        raise GaoxinError(errors.SHEET_BAD_CSV, row=number + 1, detail=str(error)) from None
    if header is None:
        raise _unreadable("文件为空", "the file is empty")
    if not rows:
        raise GaoxinError(errors.SHEET_NO_ROWS)
    return Table(header, rows)


def _check_cells(number: int, cells: list[str], header: list[str] | None) -> None:
    for index, cell in enumerate(cells):
        if has_control_characters(cell):
            column = header[index] if header and index < len(header) else f"#{index + 1}"
            raise GaoxinError(
                errors.ROW_INVALID,
                row=number,
                reason_zh=f"“{column}”列的值“{printable(cell)[:30]}”含有不可见的控制字符（如 NUL）",
                reason_en=f"column “{column}”, value “{printable(cell)[:30]}”: contains "
                "invisible control characters (such as NUL)",
            )


def is_formula(value: str) -> bool:
    """Cells starting like a formula are refused as labels (spreadsheet formula injection)."""
    return value.startswith(FORMULA_START)


def column_index(
    table: Table, *, columns: Sequence[str], required: Sequence[str]
) -> dict[str, int]:
    """Where each known column is, from the header row; errors name what is missing or
    repeated. Columns the importer does not know are ignored."""
    header = table.header
    missing = [c for c in required if c not in header]
    if missing:
        raise GaoxinError(
            errors.SHEET_HEADERS, missing="、".join(missing), expected="、".join(columns)
        )
    for column in columns:
        if header.count(column) > 1:
            raise GaoxinError(errors.SHEET_DUPLICATE_COLUMN, column=column)
    return {c: header.index(c) for c in columns if c in header}


def cells_by_column(table: Table, index: dict[str, int]) -> Iterator[tuple[int, dict[str, str]]]:
    for number, raw in table.rows:
        yield number, {c: (raw[i] if i < len(raw) else "") for c, i in index.items()}
