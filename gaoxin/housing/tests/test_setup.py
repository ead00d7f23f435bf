"""Setting up a batch: units spreadsheet, rules, entropy declaration, publication."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
import xlsxwriter

from gaoxin.common.actors import OPERATOR
from gaoxin.housing import services
from gaoxin.housing.models import Unit
from gaoxin.housing.rules import rules_config
from gaoxin.housing.tests.factories import staff_of
from gaoxin.testing.errors import raises_code

from .builders import draft_batch, published_batch
from .factories import _admin, units_csv

pytestmark = pytest.mark.django_db


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


@pytest.fixture
def draft():
    return draft_batch(code="S2026", units=0)


def test_units_from_xlsx(draft):
    data = xlsx(
        [
            ["楼栋", "单元", "房号", "建筑面积", "总价"],
            ["1", "2", "301", 89.5, 1520000],
            [1, 2, 302, "120.25", "2,100,000"],
        ]
    )
    assert services.units_import(actor=_admin(), batch=draft, data=data, filename="房源.xlsx") == 2
    unit = Unit.objects.get(room="302")
    assert str(unit.floor_area) == "120.25" and str(unit.price) == "2100000.00"


@pytest.mark.parametrize(
    ("data", "zh", "code"),
    [
        ("楼栋,房号,建筑面积\n1,101,90\n".encode(), "缺少列：总价", "housing.sheet_headers"),
        (
            "楼栋,房号,建筑面积,总价\n1,101,90,abc\n".encode(),
            "第 2 行“总价”列",
            "housing.units_file_invalid",
        ),
        (
            "楼栋,房号,建筑面积,总价\n1,101,90,100\n1,101,91,100\n".encode(),
            "第 3 行“房号”列",
            "housing.units_file_invalid",
        ),
        (
            "楼栋,房号,建筑面积,总价\n=cmd(),101,90,100\n".encode(),
            "第 2 行“楼栋”列",
            "housing.units_file_invalid",
        ),
        (
            "楼栋,房号,建筑面积,总价\n1,101,-5,100\n".encode(),
            "建筑面积",
            "housing.units_file_invalid",
        ),
        (
            "楼栋,房号,建筑面积,总价\n1,101,90,-1\n".encode("gbk"),
            "第 2 行“总价”列",
            "housing.units_file_invalid",
        ),
        ("楼栋,房号\n".encode() + b"\x80\xff\x80\n", "编码", "housing.sheet_encoding"),
        (b"", "文件为空", "housing.sheet_unreadable"),
        (b"PK\x03\x04garbage", "无法打开 Excel 文件", "workbook_invalid"),
    ],
)
def test_bad_unit_files_change_nothing(draft, data, zh, code):
    services.units_import(actor=_admin(), batch=draft, data=units_csv(3), filename="ok.csv")
    with raises_code(code) as error:
        services.units_import(actor=_admin(), batch=draft, data=data, filename="bad.csv")
    assert zh in error.value.message("zh")
    assert error.value.message("en")
    assert draft.units.count() == 3


def test_publish_needs_units_and_entropy(make_user):
    batch = draft_batch(code="P2026", units=0)
    with raises_code("housing.no_units"):
        services.batch_publish(actor=OPERATOR, batch=batch)
    services.units_import(actor=_admin(), batch=batch, data=units_csv(40), filename="u.csv")
    services.batch_publish(actor=OPERATOR, batch=batch)
    batch.refresh_from_db()
    assert batch.status == "registration"
    rounds = batch.config["draw"]["rounds"]
    assert [r["pool"] for r in rounds] == ["first_home", "key_industry", "general"]
    assert batch.config["draw"]["units"] == 40


def test_published_batch_is_frozen(make_user):
    batch = published_batch(code="F2026")
    for call, code in (
        (
            lambda: services.units_import(
                actor=_admin(), batch=batch, data=units_csv(2), filename="u.csv"
            ),
            "housing.batch_not_editable",
        ),
        (
            lambda: services.batch_set_rules(actor=OPERATOR, batch=batch, rules=services.Rules()),
            "housing.batch_not_editable",
        ),
        (
            lambda: services.batch_declare_entropy(
                actor=OPERATOR, batch=batch, sources=[("x", "y")]
            ),
            "housing.batch_not_editable",
        ),
        (lambda: services.batch_publish(actor=OPERATOR, batch=batch), "housing.bad_transition"),
    ):
        with raises_code(code):
            call()


def test_rules_precedence_and_impossible_quotas(draft):
    services.units_import(actor=_admin(), batch=draft, data=units_csv(10), filename="u.csv")
    services.batch_set_rules(
        actor=OPERATOR,
        batch=draft,
        rules=services.Rules(key_industry_first=True, waitlist_length=5),
    )
    with raises_code("housing.config_invalid"):
        services.batch_set_rules(
            actor=OPERATOR,
            batch=draft,
            rules=services.Rules(first_home_percent="70", key_industry_percent="60"),
        )
    services.batch_publish(actor=OPERATOR, batch=draft)
    draft.refresh_from_db()
    assert [r["pool"] for r in draft.config["draw"]["rounds"]][:2] == ["key_industry", "first_home"]


def test_only_zone_admins_set_up_and_only_own_developer_imports_units(make_user):
    batch = draft_batch(code="A2026", units=0)
    for role in ("reviewer", "notary", "auditor", "applicant", "developer"):
        with raises_code("not_allowed"):
            services.batch_set_rules(actor=make_user(role), batch=batch, rules=services.Rules())
        with raises_code("not_allowed"):
            services.units_import(
                actor=make_user(role), batch=batch, data=units_csv(2), filename="u"
            )
    own = make_user("developer")
    staff_of(batch.project.sales_office, own)
    assert services.units_import(actor=own, batch=batch, data=units_csv(2), filename="u.csv") == 2


def test_state_machine_refuses_skipping(make_user):
    from gaoxin.housing.states import ensure_transition

    with raises_code("housing.bad_transition"):
        ensure_transition("draft", "drawn")
    assert ensure_transition("registration", "review") == "close_registration"


def test_simulation_shows_that_the_order_of_reserves_matters(client_for):
    from gaoxin.housing.simulation import batch_simulation

    batch = draft_batch(code="SIM26")
    result = batch_simulation(batch, demand=3)
    assert [r.order[:2] for r in result.results] == [
        ("first_home", "key_industry"),
        ("key_industry", "first_home"),
    ]
    first, second = (r.probability for r in result.results)
    assert first["key_industry_only"] != pytest.approx(second["key_industry_only"], abs=1e-6)
    page = client_for("zone_admin").get(f"/housing/manage/{batch.code}/simulation/")
    assert "刚需家庭 → 园区重点产业职工 → 全部符合条件者" in page.content.decode()


def test_units_in_natural_order_and_prices_as_people_read_them():
    """Issue #14 item 8: 1001…1302 came before 201; prices showed as 1495200.00."""
    from decimal import Decimal

    from gaoxin.housing.models import Unit
    from gaoxin.housing.templatetags.housing_tags import yuan

    batch = draft_batch(code="NAT26", units=0)
    for room in ("1001", "201", "1302", "302"):
        Unit.objects.create(
            batch=batch,
            building="1",
            entrance="1",
            room=room,
            floor_area="89.50",
            price="1495200.00",
        )
    assert [u.room for u in batch.units.all()] == ["201", "302", "1001", "1302"]
    assert yuan(Decimal("1495200.00")) == "1,495,200"
    assert yuan(Decimal("1495200.50")) == "1,495,200.50"


@pytest.mark.parametrize(
    ("typed", "quota"), [("30", "30%"), ("100", "100%"), ("12.50", "12.5%"), ("0.00", "0%")]
)
def test_the_rules_form_gives_quotas_in_their_one_spelling(client_for, typed, quota):
    """Decimal("30").normalize() is 3E+1: the form sent "3E+1%", which fairdraw refuses since
    quotas have one spelling (issue 13 item 8)."""
    batch = draft_batch(code="Q2026", units=0)
    services.units_import(actor=_admin(), batch=batch, data=units_csv(10), filename="u.csv")
    response = client_for("zone_admin").post(
        f"/housing/manage/{batch.code}/rules/",
        {"first_home_percent": typed, "key_industry_percent": "0", "key_mode": "per_round"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    batch.refresh_from_db()
    config = rules_config(services.Rules(**batch.config["rules"]), units=10)
    assert [r["quota"] for r in config["rounds"]] == [quota, "0%", "remainder"]
