"""Reading uploaded tables nobody vouches for (agency files, sales offices' sheets).

Text (CSV): `detect_encoding` tells UTF-8 (with or without BOM), UTF-16 (with BOM) and
GBK/GB18030 (what Chinese Excel saves) apart, and refuses binary content.

Workbooks (XLSX, XLS): an .xlsx is a zip of XML parts. A few megabytes can unpack to gigabytes
(a zip bomb), and a sheet of two cells — A1 and XFD1048576 — makes the reader (calamine, which
holds the sheet's bounding rectangle in memory) ask for half a terabyte and abort the whole
process. So:

1. `check_package` reads the zip's directory only: a complete zip (a truncated download has no
   directory), with a workbook part (a zip of text files renamed .xlsx has none), whose parts
   unpack to at most `Limits.unpacked_bytes` together. Nothing is inflated here.
2. `to_csv` reads the first sheet in a child process (`workbook_sandbox.py`) that caps its own
   address space and CPU time and has a wall-clock timeout; it writes the rows as UTF-8 CSV,
   which the importers then read like any CSV. Declared sizes can lie; the child's caps cannot
   be talked around: past them the child dies, and the caller gets WORKBOOK_TOO_COMPLEX.

Legacy .xls (an OLE compound file) goes through the same child.

Stored uploads get a generated name (`stored_name`): nothing of the uploaded file's name ever
becomes part of a path."""

from __future__ import annotations

import codecs
import json
import os
import secrets
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import WORKBOOK_INVALID, WORKBOOK_TOO_COMPLEX, WORKBOOK_TOO_LARGE, GaoxinError
from .workbook_sandbox import cell_text

__all__ = [
    "BinaryContent",
    "Converted",
    "Limits",
    "UnknownEncoding",
    "cell_text",
    "check_package",
    "detect_encoding",
    "is_workbook",
    "stored_name",
    "to_csv",
]

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and password-protected .xlsx
MAX_PARTS = 10_000
MB = 1024 * 1024
ROOT = str(Path(__file__).resolve().parents[2])  # the directory that holds the gaoxin package
CHILD = "import sys; sys.path.insert(0, sys.argv[1]); from gaoxin.common.workbook_sandbox import main; sys.exit(main(sys.argv[2:]))"  # noqa: E501


@dataclass(frozen=True)
class Limits:
    unpacked_bytes: int  # all parts of the zip together, as the directory declares them
    memory_bytes: int  # the child's address space (RLIMIT_AS)
    cpu_seconds: int  # the child's CPU time (RLIMIT_CPU)
    wall_seconds: int  # then the child is killed

    def describe(self) -> str:
        return f"{self.memory_bytes // MB} MB, {self.cpu_seconds} s"


@dataclass(frozen=True)
class Converted:
    rows: int  # rows written to the CSV (blank rows included)
    first_row: int  # the sheet row number of the CSV's first line


class BinaryContent(ValueError):
    """The bytes are not text in any encoding we read."""


class UnknownEncoding(ValueError):
    def __init__(self, line: int) -> None:
        super().__init__(f"neither UTF-8 nor GB18030 near line {line}")
        self.line = line


def detect_encoding(sample: bytes, *, complete: bool) -> str:
    """The encoding of a CSV file from its first bytes (`complete`: the sample is the whole
    file). UTF-8 and UTF-16 by their BOM, then UTF-8, then GB18030 (a superset of GBK)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise BinaryContent
    if not complete:  # cut at the last line end so no multibyte character is split
        cut = sample.rfind(b"\n")
        sample = sample[: cut + 1] if cut > 0 else sample
    controls = sum(1 for b in sample[:4096] if b < 32 and b not in (9, 10, 13))
    if controls > 8:
        raise BinaryContent
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError as error:
        raise UnknownEncoding(sample[: error.start].count(b"\n") + 1) from None


def stored_name(prefix: str) -> str:
    """A name for storing an upload: random, never derived from what the uploader called it."""
    return f"{prefix}-{secrets.token_hex(12)}.upload"


def is_workbook(head: bytes) -> bool:
    """The file's first bytes say zip (.xlsx) or OLE (.xls), whatever its name says."""
    return head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC)


def check_package(path: Path, limits: Limits) -> None:
    """The zip directory's promises, before anything is inflated."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_MAGIC):
        return  # no directory to check; the child's caps still hold
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise GaoxinError(
            WORKBOOK_INVALID,
            detail_zh="不是完整的 .xlsx（zip）文件，可能下载不完整或已损坏",
            detail_en="it is not a complete .xlsx (zip) file; it may be truncated or damaged",
        ) from None
    if len(parts) > MAX_PARTS:
        raise GaoxinError(
            WORKBOOK_INVALID,
            detail_zh=f"压缩包内有 {len(parts)} 个部件，过多",
            detail_en=f"it holds {len(parts)} parts, too many",
        )
    names = {p.filename.lower() for p in parts}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise GaoxinError(
            WORKBOOK_INVALID,
            detail_zh="这是一个 zip 压缩包，但里面没有 Excel 工作簿",
            detail_en="it is a zip archive with no Excel workbook inside",
        )
    total = sum(p.file_size for p in parts)
    if total > limits.unpacked_bytes:
        largest = max(parts, key=lambda p: p.file_size)
        raise GaoxinError(
            WORKBOOK_TOO_LARGE,
            size=_mb(total),
            limit=_mb(limits.unpacked_bytes),
            part=largest.filename[:80],
            part_size=_mb(largest.file_size),
        )


def to_csv(path: Path, target: Path, limits: Limits) -> Converted:
    """The first sheet of the workbook at `path`, as UTF-8 CSV at `target`."""
    check_package(path, limits)
    command = [
        sys.executable,
        "-I",
        "-c",
        CHILD,
        ROOT,
        str(path),
        str(target),
        str(limits.memory_bytes),
        str(limits.cpu_seconds),
    ]
    env = {"PATH": os.environ.get("PATH", ""), "RUST_BACKTRACE": "0"}
    try:
        # The command is ours; only the file's path (a temporary or stored file) is passed on.
        done = subprocess.run(  # noqa: S603
            command, capture_output=True, timeout=limits.wall_seconds, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        raise GaoxinError(WORKBOOK_TOO_COMPLEX, limit=limits.describe()) from None
    report = _last_json(done.stdout)
    if done.returncode == 2 and "error" in report:
        raise GaoxinError(WORKBOOK_INVALID, detail_zh=report["error"], detail_en=report["error"])
    if done.returncode != 0 or "rows" not in report:
        # Killed by its caps (SIGABRT from a failed allocation, SIGXCPU, MemoryError).
        raise GaoxinError(WORKBOOK_TOO_COMPLEX, limit=limits.describe())
    return Converted(rows=int(report["rows"]), first_row=int(report["first_row"]))


def _last_json(output: bytes) -> dict[str, str]:
    lines = output.decode("utf-8", "replace").strip().splitlines()
    try:
        found = json.loads(lines[-1]) if lines else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _mb(size: int) -> str:
    return f"{size / MB:.0f}" if size >= 10 * MB else f"{size / MB:.1f}"
