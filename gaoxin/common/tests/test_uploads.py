"""Untrusted tables (common/uploads.py) and exported cells (common/exports.py).

A workbook is read in a child process with capped memory and CPU; these tests feed it the
files that would otherwise take the server down — an XLSX whose sheet inflates to 3 GB, a
sheet of two cells a million rows and 16,384 columns apart — and check that the caller gets a
clear error while its own memory stays flat and the child stayed under its cap."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.common import uploads
from gaoxin.common.errors import (
    WORKBOOK_INVALID,
    WORKBOOK_TOO_COMPLEX,
    GaoxinError,
)
from gaoxin.common.exports import FORMULA_START, neutralise, printable
from gaoxin.testing import hostile_files as hostile
from gaoxin.testing.errors import raises_code

MB = 1024 * 1024
LIMITS = uploads.Limits(
    unpacked_bytes=2048 * MB, memory_bytes=512 * MB, cpu_seconds=20, wall_seconds=60
)


def convert(tmp_path: Path, data: bytes, limits: uploads.Limits = LIMITS) -> uploads.Converted:
    source = tmp_path / "upload"
    source.write_bytes(data)
    return uploads.to_csv(source, tmp_path / "sheet.csv", limits)


MEASURE = """
import json, resource, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from gaoxin.common import uploads
from gaoxin.common.errors import GaoxinError
limits = uploads.Limits(*map(int, sys.argv[4:8]))
try:
    uploads.to_csv(Path(sys.argv[2]), Path(sys.argv[3]), limits)
    code = "ok"
except GaoxinError as error:
    code = error.code
status = Path("/proc/self/status").read_text()
hwm = int(status.split("VmHWM:")[1].split()[0])  # peak RSS since exec (ru_maxrss is not)
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": code, "self": hwm, "child": child}))
"""


def measured(tmp_path: Path, data: bytes, limits: uploads.Limits) -> dict[str, int | str]:
    """Convert in a fresh process and report its peak memory and its child's (KiB): the only
    child of that process is the workbook reader."""
    source = tmp_path / "upload"
    source.write_bytes(data)
    numbers = [limits.unpacked_bytes, limits.memory_bytes, limits.cpu_seconds, limits.wall_seconds]
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, uploads.ROOT, str(source), str(tmp_path / "sheet.csv")]
        + [str(n) for n in numbers],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def test_a_workbook_becomes_csv_with_dates_numbers_and_booleans_as_people_see_them(tmp_path):
    from datetime import date

    data = hostile.xlsx(
        [["身份证号", "日期", "数", "是否"], ["340104199003071235", date(2024, 3, 1), 7.0, True]]
    )
    assert convert(tmp_path, data) == uploads.Converted(rows=2, first_row=1)
    lines = (tmp_path / "sheet.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["身份证号,日期,数,是否", "340104199003071235,2024-03-01,7,是"]


def test_rows_above_the_data_are_counted(tmp_path):
    data = hostile.xlsx([["a"], ["b"]], empty_rows_before=3)
    assert convert(tmp_path, data).first_row == 4


@pytest.mark.slow
def test_a_3_gb_sheet_is_refused_from_the_zip_directory_without_inflating_it(tmp_path):
    bomb = hostile.zip_bomb_xlsx(3 * 1024 * MB)
    assert len(bomb) < 5 * MB
    tracemalloc.start()
    with raises_code("workbook_too_large") as error:
        convert(tmp_path, bomb)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "xl/worksheets/sheet1.xml" in error.value.message("zh")
    assert "2048 MB" in error.value.message("en")
    assert peak < 5 * MB
    assert not (tmp_path / "sheet.csv").exists()  # no child was started


def test_a_zip_that_lies_about_its_sizes_is_stopped_by_the_reader(tmp_path):
    liar = hostile.zip_bomb_xlsx(1024 * MB, declared=1000)
    with pytest.raises(GaoxinError) as error:
        convert(tmp_path, liar)
    assert error.value.error in {WORKBOOK_INVALID, WORKBOOK_TOO_COMPLEX}
    assert error.value.message("zh") and error.value.message("en")


@pytest.mark.slow
def test_a_sheet_needing_more_memory_than_the_cap_ends_the_child_only(tmp_path):
    """An honest 600 MB sheet under a 256 MB cap: calamine's allocation fails, the child
    aborts, the caller gets an error and its memory stayed flat."""
    bomb = hostile.zip_bomb_xlsx(600 * MB)
    limits = uploads.Limits(
        unpacked_bytes=1024 * MB, memory_bytes=256 * MB, cpu_seconds=20, wall_seconds=60
    )
    with raises_code("workbook_too_complex") as error:
        convert(tmp_path, bomb, limits)
    assert "256 MB" in error.value.message("zh")
    peaks = measured(tmp_path, bomb, limits)
    assert peaks["code"] == WORKBOOK_TOO_COMPLEX.code
    assert int(peaks["child"]) * 1024 <= 256 * MB  # RSS within the address-space cap
    assert int(peaks["self"]) * 1024 < 100 * MB  # the caller never held the sheet


def test_two_cells_far_apart_would_ask_for_half_a_terabyte(tmp_path):
    """calamine allocates the bounding rectangle (16,384 × 1,048,576 cells): without the child
    this 2 KB file aborts the process that reads it."""
    data = hostile.sparse_xlsx(["身份证号", "姓名"])
    assert len(data) < 4096
    with raises_code("workbook_too_complex") as error:
        convert(tmp_path, data)
    assert "1048576" in error.value.message("zh") and "XFD" in error.value.message("en")
    peaks = measured(tmp_path, data, LIMITS)
    assert peaks["code"] == WORKBOOK_TOO_COMPLEX.code
    assert int(peaks["child"]) * 1024 <= LIMITS.memory_bytes


@pytest.mark.parametrize(
    ("data", "zh"),
    [
        (hostile.xlsx([["a"]])[:-200], "不是完整的 .xlsx"),  # truncated: no zip directory
        (hostile.zip_of_text("readme.txt", "data.csv"), "没有 Excel 工作簿"),
        (b"PK\x03\x04" + b"\x00" * 300, "不是完整的 .xlsx"),
    ],
)
def test_damaged_and_impostor_zips_are_named(tmp_path, data, zh):
    with raises_code("workbook_invalid") as error:
        convert(tmp_path, data)
    assert zh in error.value.message("zh")


def test_the_child_gets_no_environment_of_ours(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/nonexistent")
    monkeypatch.setenv("DATABASE_URL", "postgres://secret@db/gaoxin")
    assert convert(tmp_path, hostile.xlsx([["a"], ["b"]])).rows == 2


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("身份证号,姓名\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "身份证号\n".encode(), "utf-8-sig"),
        ("身份证号\n".encode("utf-16"), "utf-16"),
        ("身份证号,姓名\n张三\n".encode("gbk"), "gb18030"),
        ("𠮷\n".encode("gb18030"), "gb18030"),
    ],
)
def test_encodings_chinese_offices_produce(data, expected):
    assert uploads.detect_encoding(data, complete=True) == expected


def test_binary_and_undecodable_text_are_told_apart():
    with pytest.raises(uploads.BinaryContent):
        uploads.detect_encoding(hostile.PNG, complete=True)
    with pytest.raises(uploads.UnknownEncoding) as error:
        uploads.detect_encoding(b"a\nb\n" + b"\x80\xff\x80", complete=True)
    assert error.value.line == 3


def test_stored_names_never_carry_the_uploaded_name():
    names = {uploads.stored_name("import") for _ in range(100)}
    assert len(names) == 100
    assert all(n.startswith("import-") and n.endswith(".upload") and "/" not in n for n in names)


@given(st.text())
def test_neutralise_leaves_no_formula_and_changes_nothing_else(value):
    out = neutralise(value)
    assert not out.startswith(FORMULA_START)
    assert out in {value, "'" + value}
    assert neutralise(out) == out


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        "+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        '=HYPERLINK("http://x","y")',
        "=cmd|' /C calc'!A0",
    ],
)
def test_formulas_are_defused(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", [12, -3.5, None, "张三", "2024-01-01", "'=already"])
def test_numbers_and_plain_text_pass_unchanged(value):
    assert neutralise(value) == value


def test_printable_shows_control_characters():
    assert printable("a\x00b\x1bc\td") == "a\\x00b\\x1bc\td"
