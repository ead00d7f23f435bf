"""Hostile files for the importers' tests, built in the test (nothing checked in): an XLSX zip
bomb whose sheet inflates to gigabytes, a sparse sheet (A1 and XFD1048576), a truncated
workbook, a zip of text files, a PNG, CSV in every encoding a Chinese office produces.

The zip bomb is cheap to build: one megabyte of sheet XML compressed once with a full flush is
a self-contained run of deflate blocks, so repeating its bytes N times is a valid deflate
stream of N megabytes; only the CRC has to be computed over the whole (about 2 GB/s)."""

from __future__ import annotations

import csv
import io
import struct
import zlib
from collections.abc import Iterable, Sequence
from datetime import date

import xlsxwriter

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
MB = 1024 * 1024


class _Part:
    def __init__(self, name: str, data: bytes, crc: int, size: int, declared: int) -> None:
        self.name, self.data, self.crc, self.size, self.declared = name, data, crc, size, declared


def _deflated(name: str, raw: bytes) -> _Part:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = packer.compress(raw) + packer.flush()
    return _Part(name, data, zlib.crc32(raw), len(raw), len(raw))


def _zip(parts: Iterable[_Part]) -> bytes:
    """A plain zip (no zip64: every part below 4 GiB), written by hand so that a part's
    compressed bytes and declared size can be whatever the test needs."""
    out = io.BytesIO()
    central = io.BytesIO()
    count = 0
    for part in parts:
        name = part.name.encode()
        offset = out.tell()
        fields = (20, 0, 8, 0, 0x21, part.crc, len(part.data), part.declared, len(name), 0)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + name + part.data)
        central.write(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, offset) + name
        )
        count += 1
    directory = central.getvalue()
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), out.tell(), 0)
    return out.getvalue() + directory + end


def _package(sheet: _Part) -> bytes:
    return _zip(
        [
            _deflated("[Content_Types].xml", CONTENT_TYPES),
            _deflated("_rels/.rels", RELS),
            _deflated("xl/workbook.xml", WORKBOOK),
            _deflated("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            sheet,
        ]
    )


def zip_bomb_xlsx(unpacked: int, *, declared: int | None = None) -> bytes:
    """An .xlsx whose sheet XML inflates to about `unpacked` bytes: rows of one cell holding a
    long run of "A". `declared`: the size the zip's directory claims (default: the truth)."""
    cell = b'<row><c t="inlineStr"><is><t>' + b"A" * 30_000 + b"</t></is></c></row>"
    block = cell * (MB // len(cell) + 1)
    count = max(1, unpacked // len(block))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(SHEET_HEAD) + packer.flush(zlib.Z_FULL_FLUSH)
    piece = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.compress(SHEET_TAIL) + packer.flush()
    crc = zlib.crc32(SHEET_HEAD)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(SHEET_TAIL, crc)
    size = len(SHEET_HEAD) + count * len(block) + len(SHEET_TAIL)
    data = head + piece * count + tail
    return _package(_Part("xl/worksheets/sheet1.xml", data, crc, size, declared or size))


def sparse_xlsx(header: Sequence[str]) -> bytes:
    """The header in row 1 and one cell at XFD1048576: two cells whose bounding rectangle is
    16,384 columns by 1,048,576 rows."""
    cells = "".join(
        f'<c r="{_column(i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(header)
    )
    sheet = (
        SHEET_HEAD
        + f'<row r="1">{cells}</row>'.encode()
        + b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        + SHEET_TAIL
    )
    return _package(_deflated("xl/worksheets/sheet1.xml", sheet))


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def xlsx(
    rows: Sequence[Sequence[object]],
    *,
    formulas: dict[tuple[int, int], str] | None = None,
    empty_rows_before: int = 0,
) -> bytes:
    """A real workbook (xlsxwriter). `formulas`: (row, column) -> formula written as a formula
    cell with its cached value set to the cell's value in `rows`."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            at = r + empty_rows_before
            if formulas and (r, c) in formulas:
                sheet.write_formula(at, c, formulas[(r, c)], None, value)
            elif isinstance(value, date):
                sheet.write_datetime(at, c, value, day)
            else:
                sheet.write(at, c, value)
    book.close()
    return buffer.getvalue()


def zip_of_text(*names: str) -> bytes:
    """A zip archive of text files (what a user gets renaming a .zip to .xlsx)."""
    return _zip(_deflated(name, f"{name}: just text\n".encode()) for name in names or ("a.txt",))


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def csv_text(rows: Sequence[Sequence[str]], *, delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def encoded(rows: Sequence[Sequence[str]], encoding: str) -> bytes:
    """CSV as Chinese offices save it: utf-8, utf-8-sig (Excel "CSV UTF-8"), gbk (Excel "CSV"
    on Chinese Windows), utf-16 (Excel "Unicode text": BOM, little-endian, tab-separated)."""
    if encoding == "utf-16":
        return csv_text(rows, delimiter="\t").encode("utf-16")
    return csv_text(rows).encode(encoding)
