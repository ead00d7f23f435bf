"""Opening an agency file: tell a workbook (XLSX, XLS) from CSV by content, find the text
encoding of a CSV (UTF-8 with or without BOM, GBK/GB18030 as saved by Chinese Excel, UTF-16),
check the header row against the kind's columns, and stream the data rows as lists of strings
in the spec's column order. A workbook's first sheet is first turned into a CSV by a child
process with memory and time caps (gaoxin/common/uploads.py), so zip bombs and sparse-sheet
bombs end there. Every problem with the file as a whole is a GaoxinError with a clear message."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from gaoxin.common import uploads
from gaoxin.common.errors import GaoxinError

from .. import errors
from .columns import Spec, clean_header

SAMPLE_BYTES = 256 * 1024
MB = 1024 * 1024


def workbook_limits() -> uploads.Limits:
    """Caps for reading an agency workbook (settings GAOXIN_REGISTRY_XLSX_*; docs/deploy.md).
    A full sheet (1,048,576 rows) of insurance records unpacks to about 400 MB and needs about
    700 MB of memory to read."""
    return uploads.Limits(
        unpacked_bytes=settings.GAOXIN_REGISTRY_XLSX_UNPACKED_MB * MB,
        memory_bytes=settings.GAOXIN_REGISTRY_XLSX_MEMORY_MB * MB,
        cpu_seconds=300,
        wall_seconds=600,
    )


@dataclass
class Source:
    path: Path  # the text the rows are read from (a workbook's: its first sheet as CSV)
    spec: Spec
    format: str  # csv | xlsx
    encoding: str = ""
    delimiter: str = ","
    total_rows: int = 0  # estimate of data rows, for progress
    positions: list[int] = field(default_factory=list)  # file column of each spec column, -1
    width: int = 0  # number of header cells
    first_row: int = 1  # the spreadsheet row number of the text's first line

    @property
    def identity(self) -> bool:
        return self.positions == list(range(len(self.positions))) and self.width == len(
            self.positions
        )


def open_source(path: Path, spec: Spec, scratch: Path) -> Source:
    """`scratch`: a private directory that outlives the reading (a workbook's CSV goes there)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if size == 0 or not sample.strip(b" \t\r\n\xef\xbb\xbf"):
        raise GaoxinError(errors.IMPORT_EMPTY_FILE)
    if uploads.is_workbook(sample):
        return _open_workbook(path, spec, scratch)
    encoding = detect_encoding(sample, complete=size <= SAMPLE_BYTES)
    source = Source(path=path, spec=spec, format="csv", encoding=encoding)
    header = _csv_header(source)
    source.positions, source.width = match_header(header, spec)
    source.total_rows = max(0, _count_lines(path) - 1)
    return source


def detect_encoding(sample: bytes, *, complete: bool) -> str:
    try:
        return uploads.detect_encoding(sample, complete=complete)
    except uploads.BinaryContent:
        raise GaoxinError(errors.IMPORT_BINARY) from None
    except uploads.UnknownEncoding as error:
        raise GaoxinError(errors.IMPORT_ENCODING, line=error.line) from None


def _open_workbook(path: Path, spec: Spec, scratch: Path) -> Source:
    text = scratch / "first-sheet.csv"
    converted = uploads.to_csv(path, text, workbook_limits())
    if converted.rows == 0:
        raise GaoxinError(errors.IMPORT_EMPTY_FILE)
    source = Source(
        path=text, spec=spec, format="xlsx", encoding="utf-8", first_row=converted.first_row
    )
    source.positions, source.width = match_header(_csv_header(source), spec)
    source.total_rows = converted.rows - 1
    return source


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
    if source.format == "csv" and "\t" in first and "," not in first:
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
        if target is None:
            unknown.append(raw.strip()[:40] or f"#{index + 1}")
        elif positions[target] != -1:
            unknown.append(f"{raw.strip()[:40]}（重复 repeated）")
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
    """(spreadsheet row number, cells in spec order). The header is the first row (of a
    workbook: its first non-blank row). Blank rows are skipped. A row with the wrong number
    of cells is passed through as it is (its length differs from the spec's), for the caller
    to report."""
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
    shift = source.first_row - 1
    with _open_text(source) as handle:
        reader = csv.reader(handle, delimiter=source.delimiter, strict=False)
        line = 1
        try:
            next(reader)
            for line, cells in enumerate(reader, start=2):
                if identity and len(cells) == width and cells[0]:
                    yield line + shift, cells
                elif not cells or not any(c.strip() for c in cells):
                    continue
                else:
                    yield line + shift, _reorder(cells, source)
        except UnicodeDecodeError:
            raise GaoxinError(errors.IMPORT_ENCODING, line=line + 1) from None
        except csv.Error as error:
            raise GaoxinError(
                errors.IMPORT_BAD_CSV, line=line + 1 + shift, detail=str(error)
            ) from None
