"""Each import kind end to end: a valid file imports; one bad row imports nothing and the
error report names that row, column and reason; importing the same file again changes
nothing; wrong headers, GBK, an empty file and 10 MB of garbage give clear errors."""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from gaoxin.common.errors import WORKBOOK_INVALID
from gaoxin.common.models import AuditEvent
from gaoxin.registry import errors, identifiers
from gaoxin.registry.choices import ImportKind, ImportMode
from gaoxin.registry.imports.columns import SPECS
from gaoxin.registry.management.commands.synth import write_files
from gaoxin.registry.models import (
    Degree,
    Employment,
    Enterprise,
    EnterpriseClassification,
    InsuranceContribution,
    Marriage,
    ParentChild,
    Person,
    Property,
    PropertyOwner,
    PurchaseQualification,
)

from .conftest import LOAD_ORDER, write_csv

MODELS: dict[str, list[type[Any]]] = {
    "enterprise": [Enterprise],
    "classification": [EnterpriseClassification],
    "person": [Person],
    "marriage": [Marriage],
    "child": [ParentChild],
    "employment": [Employment],
    "insurance": [InsuranceContribution],
    "degree": [Degree],
    "property": [Property, PropertyOwner],
    "qualification": [PurchaseQualification],
}
UNKNOWN_ID = identifiers.make_id_number("110105", date(1996, 1, 1), 1)
UNKNOWN_CODE = identifiers.make_credit_code("91", "110000", "YY000000")
# kind -> (column index, bad value, expected error)
BAD_CELL = {
    "enterprise": (0, "91350100M000100Y44", errors.ROW_CREDIT_CODE),
    "classification": (2, "2023-02-30", errors.ROW_DATE),
    "person": (0, "11010519491231002Y", errors.ROW_ID_NUMBER),
    "marriage": (2, "昨天", errors.ROW_DATE),
    "child": (1, UNKNOWN_ID, errors.ROW_UNKNOWN_PERSON),
    "employment": (1, UNKNOWN_CODE, errors.ROW_UNKNOWN_ENTERPRISE),
    "insurance": (2, "2024-13", errors.ROW_MONTH),
    "degree": (1, "小学", errors.ROW_CHOICE),
    "property": (4, "也许", errors.ROW_CHOICE),
    "qualification": (1, "待定", errors.ROW_CHOICE),
}
KINDS = [k.value for k in ImportKind]


def snapshot(kind: str) -> list:
    rows = []
    for model in MODELS[kind]:
        rows.append(list(model.objects.order_by("pk").values()))
    return rows


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def report_rows(run) -> list[list]:
    with run.error_report.open("rb") as handle:
        content = handle.read()
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_valid_file_imports_and_reimport_changes_nothing(kind, zone_files, load_zone, run_import):
    load_zone(until=kind)
    _header, rows = read_csv(zone_files[kind])
    first = run_import(kind, zone_files[kind])
    assert first.status == "succeeded", first.errors_preview
    assert first.inserted == len(rows)
    assert first.error_rows == 0
    after_first = snapshot(kind)
    assert len(after_first[0]) == first.inserted

    again = run_import(kind, zone_files[kind])
    assert again.status == "succeeded"
    assert (again.inserted, again.updated) == (0, 0)
    assert again.unchanged == first.inserted
    assert snapshot(kind) == after_first
    assert again.file_sha256 == first.file_sha256
    event = AuditEvent.objects.filter(action="registry.import.succeeded", object_id=str(again.pk))
    assert (event.get().after or {})["file_sha256"] == again.file_sha256


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_one_bad_row_imports_nothing_and_is_reported(
    kind, zone_files, load_zone, run_import, tmp_path
):
    load_zone(until=kind)
    header, rows = read_csv(zone_files[kind])
    column, value, expected = BAD_CELL[kind]
    rows = [list(r) for r in rows]
    bad_index = min(3, len(rows) - 1)
    rows[bad_index][column] = value
    path = write_csv(tmp_path / f"{kind}-bad.csv", header, rows)
    before = snapshot(kind)

    run = run_import(kind, path)

    assert run.status == "rejected"
    assert run.error_rows == 1
    assert snapshot(kind) == before, "a file with an error changes nothing"
    table = report_rows(run)
    assert table[0][:3] == ["行 Row", "列 Column", "值 Value"]
    row, column_name, cell, code, reason_zh, reason_en = table[1]
    assert int(row) == bad_index + 2  # the header is row 1
    assert column_name == SPECS[kind].columns[column].zh
    assert cell == value
    assert code == expected.code
    assert reason_zh and reason_en
    assert run.errors_preview[0]["row"] == bad_index + 2


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_valid_rows_only_is_explicit_and_recorded(
    kind, zone_files, load_zone, run_import, tmp_path
):
    load_zone(until=kind)
    header, rows = read_csv(zone_files[kind])
    column, value, _expected = BAD_CELL[kind]
    rows = [list(r) for r in rows]
    rows[0][column] = value
    path = write_csv(tmp_path / f"{kind}-partial.csv", header, rows)

    run = run_import(kind, path, mode=ImportMode.VALID_ROWS_ONLY)

    assert run.status == "succeeded"
    assert run.error_rows == 1
    assert run.inserted == len(rows) - 1
    assert run.error_report
    event = AuditEvent.objects.get(action="registry.import.started", object_id=str(run.pk))
    assert (event.after or {})["mode"] == "valid_rows_only"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_gbk_file_is_detected_and_imports(kind, zone_files, load_zone, run_import, tmp_path):
    load_zone(until=kind)
    header, rows = read_csv(zone_files[kind])
    path = write_csv(tmp_path / f"{kind}-gbk.csv", header, rows, encoding="gbk")
    run = run_import(kind, path)
    assert run.status == "succeeded", run.errors_preview
    assert run.encoding == "gb18030"
    assert run.inserted == len(rows)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_wrong_headers_empty_and_garbage_files_fail_clearly(kind, zone_files, run_import, tmp_path):
    other = LOAD_ORDER[(LOAD_ORDER.index(kind) + 1) % len(LOAD_ORDER)]
    wrong = run_import(kind, zone_files[other])
    assert (wrong.status, wrong.error_code) == ("failed", errors.IMPORT_HEADERS.code)
    assert "缺少列" in errors.IMPORT_HEADERS.render("zh", **wrong.error_params)
    assert (
        SPECS[kind].columns[0].zh in wrong.error_params["missing"] or wrong.error_params["unknown"]
    )

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert run_import(kind, empty).error_code == errors.IMPORT_EMPTY_FILE.code
    header_only = write_csv(tmp_path / "header.csv", [c.zh for c in SPECS[kind].columns], [])
    assert run_import(kind, header_only).error_code == errors.IMPORT_NO_ROWS.code

    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(os.urandom(10 * 1024 * 1024))
    run = run_import(kind, garbage)
    assert run.status == "failed"
    assert run.error_code in {errors.IMPORT_BINARY.code, WORKBOOK_INVALID.code}
    assert run.error_message


@pytest.mark.django_db
def test_text_garbage_and_undecodable_text(run_import, tmp_path):
    text = tmp_path / "words.csv"
    text.write_text("lorem ipsum,dolor\n" * 1000, encoding="utf-8")
    assert run_import("person", text).error_code == errors.IMPORT_HEADERS.code
    broken = tmp_path / "broken.csv"
    broken.write_bytes("身份证号,姓名\n".encode() + b"\xff\xfe\xfa" * 10 + b"\n")
    assert run_import("person", broken).error_code == errors.IMPORT_ENCODING.code
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04" + os.urandom(5000))
    assert run_import("person", fake).error_code == WORKBOOK_INVALID.code


@pytest.mark.slow
@pytest.mark.django_db
def test_xlsx_files_import_like_csv(small_zone, tmp_path, run_import):
    files = dict(write_files(small_zone, tmp_path / "x", "xlsx"))
    for kind in ["enterprise", "person", "insurance"]:
        if kind == "insurance":
            for needed in ["classification", "marriage", "child", "employment"]:
                assert run_import(needed, files[needed]).status == "succeeded"
        run = run_import(kind, files[kind])
        assert run.status == "succeeded", (kind, run.error_code, run.errors_preview)
        assert run.file_format == "xlsx"
        assert run.inserted == len(small_zone.rows[kind])


@pytest.mark.django_db
def test_columns_in_any_order_and_english_headers(zone_files, load_zone, run_import, tmp_path):
    load_zone(until="person")
    _header, rows = read_csv(zone_files["person"])
    english = [c.en for c in SPECS["person"].columns]
    path = write_csv(tmp_path / "p.csv", english[::-1], [r[::-1] for r in rows])
    run = run_import("person", path)
    assert run.status == "succeeded"
    assert Person.objects.count() == len(rows)


@pytest.mark.django_db
def test_insurance_changes_and_duplicates(zone_files, load_zone, run_import, tmp_path):
    load_zone(until="insurance")
    header, rows = read_csv(zone_files["insurance"])
    assert header[0] == "身份证号"
    assert run_import("insurance", zone_files["insurance"]).inserted == len(rows)

    changed = [list(r) for r in rows]
    changed[0][3] = "否" if changed[0][3] == "是" else "是"
    changed.append(["11010519491231002X", changed[0][1], "2025-01", "是", "否", ""])
    run = run_import("insurance", write_csv(tmp_path / "c.csv", header, changed))
    assert run.status == "rejected"  # the added row's person is unknown
    assert run.errors_preview[0]["code"] == errors.ROW_UNKNOWN_PERSON.code
    changed.pop()
    run = run_import("insurance", write_csv(tmp_path / "c2.csv", header, changed))
    assert (run.status, run.inserted, run.updated, run.unchanged) == (
        "succeeded",
        0,
        1,
        len(rows) - 1,
    )

    duplicated = [*rows[:5], rows[2]]
    run = run_import("insurance", write_csv(tmp_path / "d.csv", header, duplicated))
    assert run.status == "rejected"
    assert run.errors_preview[0]["row"] == 7
    assert "第 4 行" in run.errors_preview[0]["reason_zh"]


@pytest.mark.django_db
def test_blank_rows_and_trailing_empty_columns_are_ignored(run_import, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "身份证号,姓名,联系电话,,\n11010519491231002X,张三,,,\n,,,,\n\n440524188001010014,李四,,,\n",
        encoding="utf-8",
    )
    run = run_import("person", path)
    assert (run.status, run.inserted) == ("succeeded", 2)


@pytest.mark.django_db
def test_a_changed_person_is_updated_and_stamped(run_import, tmp_path):
    path = write_csv(tmp_path / "p.csv", ["身份证号", "姓名"], [["11010519491231002X", "张三"]])
    run_import("person", path)
    before = Person.objects.get()
    path = write_csv(tmp_path / "p2.csv", ["身份证号", "姓名"], [["11010519491231002X", "张叁"]])
    run = run_import("person", path)
    after = Person.objects.get()
    assert (run.inserted, run.updated, run.unchanged) == (0, 1, 0)
    assert after.name == "张叁" and after.updated_at > before.updated_at
    assert after.birth_date == before.birth_date


POOL = [
    identifiers.make_id_number("340104", date(1980 + i % 30, 1 + i % 12, 1 + i % 28), i)
    for i in range(40)
]


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    picks=st.lists(st.sampled_from(POOL), min_size=1, max_size=25, unique=True),
    names=st.lists(st.sampled_from(["张三", "李四", "王五", "赵六"]), min_size=25, max_size=25),
    order=st.randoms(use_true_random=False),
)
def test_import_is_idempotent_and_order_free(run_import, tmp_path, picks, names, order):
    Person.objects.all().delete()
    rows = [[number, names[i]] for i, number in enumerate(picks)]
    first = run_import("person", write_csv(tmp_path / "a.csv", ["身份证号", "姓名"], rows))
    shuffled = list(rows)
    order.shuffle(shuffled)
    again = run_import(
        "person", write_csv(tmp_path / "b.csv", ["姓名", "身份证号"], [r[::-1] for r in shuffled])
    )
    assert first.inserted == len(rows)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(rows))
    assert dict(Person.objects.values_list("id_number", "name")) == dict(rows)
