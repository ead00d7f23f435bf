"""A sales office's registrations spreadsheet: all households or none, errors by row and column."""

from __future__ import annotations

from datetime import date

import pytest

from gaoxin.housing import services
from gaoxin.housing.models import Application
from gaoxin.housing.registration import SHEET_COLUMNS
from gaoxin.testing.errors import raises_code

from .builders import published_batch
from .factories import person_id, staff_of
from .test_setup import xlsx

pytestmark = pytest.mark.django_db

HEADER = list(SHEET_COLUMNS)


@pytest.fixture
def office(make_user):
    user = make_user("developer")
    batch = published_batch(code="I2026")
    staff_of(batch.project.sales_office, user)
    return batch, user


def rows(*extra: list[str]) -> list[list[str]]:
    child = person_id(300, date(2015, 1, 1))
    return [
        HEADER,
        [
            "陈一",
            person_id(201),
            "13900000001",
            "林二",
            person_id(202),
            "陈小一",
            child,
            "是",
            "否",
        ],
        ["赵三", person_id(203), "13900000002", "", "", "", "", "否", "是"],
        *extra,
    ]


def test_a_valid_sheet_registers_every_household(office):
    batch, user = office
    assert (
        services.applications_import(
            actor=user, batch=batch, data=xlsx(rows()), filename="登记.xlsx"
        )
        == 2
    )
    first = Application.objects.get(number="I2026-000001")
    assert first.members.count() == 3 and first.claims_first_home and not first.claims_key_industry
    assert first.channel == "import" and first.user is None


@pytest.mark.parametrize(
    ("bad_row", "zh", "en", "code"),
    [
        (
            ["钱四", "340104199001011234", "", "", "", "", "", "否", "否"],
            "第 4 行",
            "row 4",
            "housing.rows_invalid",
        ),
        (
            ["钱四", person_id(204), "", "", "", "", "", "可能", "否"],
            "“申请刚需”列",
            "column “申请刚需”",
            "housing.row_invalid",
        ),
        (
            ['=HYPERLINK("x")', person_id(204), "", "", "", "", "", "否", "否"],
            "申请人",
            "applicant",
            "housing.rows_invalid",
        ),
        (
            ["钱四", person_id(203), "", "", "", "", "", "否", "否"],
            "第 3 行",
            "row 3",
            "housing.rows_invalid",
        ),
        (
            [
                "钱四",
                person_id(204),
                "",
                "",
                "",
                "小明;小红",
                person_id(301, date(2016, 1, 1)),
                "否",
                "否",
            ],
            "个数不一致",
            "does not match",
            "housing.row_invalid",
        ),
    ],
)
def test_one_bad_row_imports_nothing_and_is_named(office, bad_row, zh, en, code):
    batch, user = office
    with raises_code(code) as error:
        services.applications_import(
            actor=user, batch=batch, data=xlsx(rows(bad_row)), filename="登记.xlsx"
        )
    assert zh in error.value.message("zh") and en in error.value.message("en")
    assert Application.objects.filter(batch=batch).count() == 0


def test_formula_text_in_a_csv_is_refused(office):
    batch, user = office
    data = (
        "\n".join(
            ",".join(r)
            for r in [HEADER, ["@SUM(A1)", person_id(206), "", "", "", "", "", "否", "否"]]
        )
        + "\n"
    ).encode()
    with raises_code("housing.row_invalid") as error:
        services.applications_import(actor=user, batch=batch, data=data, filename="a.csv")
    assert "不能以 = + - @ 开头" in error.value.message("zh")


def test_a_sheet_is_told_nothing_about_anyones_registration(office, make_user):
    """Issue #13: a sheet naming someone already registered is entered all the same, waiting
    for the applicant's confirmation; the sales office learns nothing about the registration,
    and the entry counts for nothing unless that applicant confirms it."""
    batch, user = office
    services.applications_import(actor=user, batch=batch, data=xlsx(rows()), filename="a.xlsx")
    count = services.applications_import(
        actor=user,
        batch=batch,
        filename="b.xlsx",
        data=xlsx(
            [
                HEADER,
                ["孙五", person_id(205), "", "", "", "", "", "否", "否"],
                ["赵三", person_id(203), "", "", "", "", "", "否", "否"],
            ]
        ),
    )
    assert count == 2
    statuses = set(Application.objects.filter(batch=batch).values_list("status", flat=True))
    assert statuses == {"unconfirmed"}


@pytest.mark.parametrize(
    ("data", "zh", "code"),
    [
        (b"", "文件为空", "housing.sheet_unreadable"),
        ("姓名,身份证\n张三,1\n".encode(), "缺少列", "housing.sheet_headers"),
        # read as GBK
        ("申请人姓名,申请人身份证号\n张三,1\n".encode("gbk"), "第 2 行", "housing.rows_invalid"),
        (
            "申请人姓名,申请人身份证号\n".encode() + b"\x80\xff\x80\n",
            "编码",
            "housing.sheet_encoding",
        ),
        (b"PK\x03\x04" + b"\x00" * 200, "无法打开 Excel 文件", "workbook_invalid"),
        (bytes(range(256)) * 40_000, "超过上限 5 MB", "housing.file_too_large"),
    ],
)
def test_unreadable_files(office, data, zh, code):
    batch, user = office
    with raises_code(code) as error:
        services.applications_import(actor=user, batch=batch, data=data, filename="x.csv")
    assert zh in error.value.message("zh")


def test_other_developers_cannot_import(office, make_user):
    batch, _user = office
    with raises_code("not_allowed"):
        services.applications_import(
            actor=make_user("developer"), batch=batch, data=xlsx(rows()), filename="a.xlsx"
        )


def test_sales_office_uploads_on_the_batch_page(client, office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    batch, user = office
    client.force_login(user)
    upload = SimpleUploadedFile("登记.xlsx", xlsx(rows()))
    response = client.post(
        f"/housing/manage/{batch.code}/registrations/", {"file": upload}, follow=True
    )
    assert "2 户" in response.content.decode() or "2 households" in response.content.decode()
    bad = SimpleUploadedFile("坏.csv", "申请人姓名\n张三\n".encode())
    response = client.post(
        f"/housing/manage/{batch.code}/registrations/", {"file": bad}, follow=True
    )
    assert "缺少列" in response.content.decode()
    assert Application.objects.filter(batch=batch).count() == 2
