"""Opening an agency file: tell XLSX from CSV by content, find the text encoding of a CSV
(UTF-8 with or without BOM, GBK/GB18030 as saved by Chinese Excel, UTF-16), check the header
row against the kind's columns, and stream the data rows as lists of strings in the spec's
column order. Every problem with the file as a whole is a GaoxinError with a clear message."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from gaoxin.common.errors import GaoxinError

from .. import errors
from .columns import Spec, clean_header

SAMPLE_BYTES = 256 * 1024

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls


@dataclass
class Source:
    path: Path
    spec: Spec
    format: str  # csv | xlsx
    encoding: str = ""
    delimiter: str = ","
    total_rows: int = 0  # estimate of data rows, for progress
    positions: list[int] = field(default_factory=list)  # file column of each spec column, -1
    width: int = 0  # number of header cells

    @property
    def identity(self) -> bool:
        return self.positions == list(range(len(self.positions))) and self.width == len(
            self.positions
        )


def open_source(path: Path, spec: Spec) -> Source:
    size = path.stat().st_size
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if size == 0 or not sample.strip(b" \t\r\n\xef\xbb\xbf"):
        raise GaoxinError(errors.IMPORT_EMPTY_FILE)
    if sample.startswith(XLSX_MAGIC) or sample.startswith(OLE_MAGIC):
        return _open_xlsx(path, spec)
    encoding = detect_encoding(sample, complete=size <= SAMPLE_BYTES)
    source = Source(path=path, spec=spec, format="csv", encoding=encoding)
    header = _csv_header(source)
    source.positions, source.width = match_header(header, spec)
    source.total_rows = max(0, _count_lines(path) - 1)
    return source


def detect_encoding(sample: bytes, *, complete: bool) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise GaoxinError(errors.IMPORT_BINARY)
    if not complete:  # cut at the last line end so no multibyte character is split
        cut = sample.rfind(b"\n")
        sample = sample[: cut + 1] if cut > 0 else sample
    controls = sum(1 for b in sample[:4096] if b < 32 and b not in (9, 10, 13))
    if controls > 8:
        raise GaoxinError(errors.IMPORT_BINARY)
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError as error:
        line = sample[: error.start].count(b"\n") + 1
        raise GaoxinError(errors.IMPORT_ENCODING, line=line) from None


def _count_lines(path: Path) -> int:
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(4 * 1024 * 1024):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (0 if last == b"\n" else 1)


def _open_text(source: Source) -> Any:
    return source.path.open("r", encoding=source.encoding, newline="", errors="strict")


def _csv_header(source: Source) -> list[str]:
    with _open_text(source) as handle:
        try:
            first = handle.readline()
        except UnicodeDecodeError:
            raise GaoxinError(errors.IMPORT_ENCODING, line=1) from None
    if "\t" in first and "," not in first:
        source.delimiter = "\t"
    try:
        header = next(csv.reader([first], delimiter=source.delimiter))
    except (csv.Error, StopIteration) as error:
        raise GaoxinError(errors.IMPORT_BAD_CSV, line=1, detail=str(error)) from None
    return header


def match_header(header: list[str], spec: Spec) -> tuple[list[int], int]:
    """For each spec column, its index in the file (-1 when an optional column is absent)."""
    names: dict[str, int] = {}
    for column in spec.columns:
        names[clean_header(column.zh)] = spec.columns.index(column)
        names[clean_header(column.en)] = spec.columns.index(column)
    positions = [-1] * len(spec.columns)
    unknown: list[str] = []
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1  # trailing empty header cells (Excel leaves them)
    for index, raw in enumerate(header[:width]):
        cleaned = clean_header(raw)
        target = names.get(cleaned)
        if target is None or positions[target] != -1:
            unknown.append(raw.strip()[:40] or f"#{index + 1}")
        else:
            positions[target] = index
    missing = [c.zh for c, p in zip(spec.columns, positions, strict=True) if p < 0 and c.required]
    if missing or unknown:
        raise GaoxinError(
            errors.IMPORT_HEADERS,
            kind=spec.title_zh,
            missing="、".join(missing) or "-",
            unknown="、".join(unknown[:10]) or "-",
        )
    return positions, width


def iter_rows(source: Source) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row number, cells in spec order). The header is row 1. Blank rows are
    skipped. A row with the wrong number of cells is passed through as it is (its length
    differs from the spec's), for the caller to report."""
    if source.format == "xlsx":
        yield from _xlsx_rows(source)
    else:
        yield from _csv_rows(source)


def _reorder(cells: list[str], source: Source) -> list[str]:
    width = source.width
    if len(cells) > width and not any(c.strip() for c in cells[width:]):
        cells = cells[:width]
    if len(cells) != width:
        return cells  # reported by the caller as a column-count problem
    return [cells[p] if p >= 0 else "" for p in source.positions]


def _csv_rows(source: Source) -> Iterator[tuple[int, list[str]]]:
    identity = source.identity
    width = source.width
    with _open_text(source) as handle:
        reader = csv.reader(handle, delimiter=source.delimiter, strict=False)
        line = 1
        try:
            next(reader)
            for line, cells in enumerate(reader, start=2):
                if identity and len(cells) == width and cells[0]:
                    yield line, cells
                elif not cells or not any(c.strip() for c in cells):
                    continue
                else:
                    yield line, _reorder(cells, source)
        except UnicodeDecodeError:
            raise GaoxinError(errors.IMPORT_ENCODING, line=line + 1) from None
        except csv.Error as error:
            raise GaoxinError(errors.IMPORT_BAD_CSV, line=line + 1, detail=str(error)) from None


# -- XLSX ----------------------------------------------------------------------------------


def _open_xlsx(path: Path, spec: Spec) -> Source:
    sheet = _first_sheet(path)
    source = Source(path=path, spec=spec, format="xlsx")
    try:
        rows = sheet.iter_rows()
        header = [cell_text(v) for v in next(rows, [])]
    except Exception as error:  # calamine raises its own types for every kind of damage
        raise GaoxinError(errors.IMPORT_BAD_XLSX, detail=str(error)[:200]) from None
    if not any(h.strip() for h in header):
        raise GaoxinError(errors.IMPORT_EMPTY_FILE)
    source.positions, source.width = match_header(header, spec)
    source.total_rows = max(0, int(getattr(sheet, "height", 1) or 1) - 1)
    return source


def _first_sheet(path: Path) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return workbook.get_sheet_by_index(0)
    except Exception as error:
        raise GaoxinError(errors.IMPORT_BAD_XLSX, detail=str(error)[:200]) from None


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _xlsx_rows(source: Source) -> Iterator[tuple[int, list[str]]]:
    sheet = _first_sheet(source.path)
    try:
        rows = sheet.iter_rows()
        next(rows, None)
        for number, values in enumerate(rows, start=2):
            cells = [cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if len(cells) < source.width:
                cells += [""] * (source.width - len(cells))
            yield number, _reorder(cells, source)
    except GaoxinError:
        raise
    except Exception as error:
        raise GaoxinError(errors.IMPORT_BAD_XLSX, detail=str(error)[:200]) from None
