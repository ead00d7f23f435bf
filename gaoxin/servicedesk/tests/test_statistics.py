"""Statistics collection (issue 15, item 5): the zone's versioned forms, reports filled by the
enterprise or its grid's statistics officer, plausibility that asks for an explanation instead
of refusing, required values refused by name, one report per enterprise and period, who may fill
what, completeness per grid against figures counted by hand, the export for the statistics
bureau, and the pages in both languages."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any, cast

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from python_calamine import CalamineWorkbook

from gaoxin.common.models import AuditEvent
from gaoxin.common.notifications import Notification
from gaoxin.registry.models import Enterprise
from gaoxin.registry.tests.factories import EnterpriseFactory
from gaoxin.servicedesk import selectors_statistics as stats
from gaoxin.servicedesk import signals
from gaoxin.servicedesk.choices import ReportStatus
from gaoxin.servicedesk.models import (
    Duty,
    DutyHolder,
    EnterpriseAssignment,
    StatisticsReport,
    StatisticsValue,
)
from gaoxin.servicedesk.services import statistics
from gaoxin.testing.errors import raises_code

from .builders import desk, person

pytestmark = pytest.mark.django_db

FIELDS = [
    {"code": "revenue", "label_zh": "营业收入", "label_en": "Revenue", "unit": "万元",
     "kind": "decimal", "required": "on", "band": "30"},
    {"code": "output", "label_zh": "工业总产值", "label_en": "Output value", "unit": "万元",
     "kind": "decimal", "required": "on", "band": "30"},
    {"code": "employees", "label_zh": "从业人员", "label_en": "Employees", "unit": "人",
     "kind": "integer", "required": "on", "band": "20"},
    {"code": "rnd", "label_zh": "研发费用", "label_en": "R&D spending", "unit": "万元",
     "kind": "decimal", "required": "", "band": ""},
]  # fmt: skip
GOOD = {"revenue": "100", "output": "120.5", "employees": "40", "rnd": "8"}


def _admin() -> Any:
    from gaoxin.accounts.models import User

    return User.objects.filter(username="stats-admin").first() or person(
        "stats-admin", "zone_admin"
    )


def _form(fields: list[dict[str, str]] = FIELDS) -> Any:
    return statistics.save_form(
        actor=_admin(),
        code="monthly",
        name_zh="规上企业月度主要指标",
        name_en="Monthly key figures",
        period_type="monthly",
        starts_on="2026-01-01",
        due_days=10,
        fields=fields,
    )


@pytest.fixture
def world(on: Any) -> Any:
    """G01 with its enterprise; officer2 holds the statistics duty (officer the service duty);
    G02 beside it; today 2026-05-15, so January to April have ended."""
    on(date(2026, 5, 15))
    d = desk()
    other = desk("G02")
    for grid, holder in ((d.grid, d.officer2), (other.grid, other.officer2)):
        DutyHolder.objects.create(
            grid=grid,
            duty=Duty.objects.get(code="statistics"),
            officer=holder,
            valid_from=date(2020, 1, 1),
        )
    _form()
    return d, other


def _submit(user: Any, enterprise: Any, period: str, values: dict[str, str], **kw: Any) -> Any:
    return statistics.submit_report(
        actor=user,
        form_code="monthly",
        period=period,
        credit_code=enterprise.credit_code,
        values=values,
        **kw,
    )


# -- forms ----------------------------------------------------------------------------------------


def test_a_change_of_fields_is_a_new_version_and_a_started_report_keeps_its_own(world):
    d, _other = world
    same = _form()
    assert same.number == 1  # the same fields again make no version
    _submit(d.company, d.enterprise, "2026-01", GOOD)
    changed = _form([*FIELDS[:3], {**FIELDS[3], "required": "on"}])
    assert changed.number == 2
    january = StatisticsReport.objects.get(period="2026-01")
    assert january.version.number == 1
    # A new report is started on version 2, where R&D spending is required.
    with raises_code("servicedesk.value_required") as caught:
        _submit(d.company, d.enterprise, "2026-02", {**GOOD, "rnd": ""})
    assert caught.value.params["field_zh"] == "研发费用"
    assert (
        AuditEvent.objects.filter(action="servicedesk.statistics_form.version_created").count() == 2
    )


def test_a_bad_field_row_is_named_and_only_the_zone_defines_forms(world):
    d, _other = world
    bad = [FIELDS[0], {**FIELDS[1], "band": "lots"}]
    with raises_code("servicedesk.form_fields_invalid") as caught:
        _form(bad)
    assert caught.value.params["row"] == 2
    assert "lots" in caught.value.message("zh-hans")
    with raises_code("servicedesk.form_fields_invalid"):
        _form([FIELDS[0], {**FIELDS[1], "code": "revenue"}])  # the same code twice
    with raises_code("not_allowed"):
        statistics.save_form(
            actor=d.officer2,
            code="x",
            name_zh="x",
            name_en="x",
            period_type="monthly",
            starts_on="2026-01-01",
            due_days=5,
            fields=FIELDS,
        )


# -- filling and submitting -----------------------------------------------------------------------


def test_the_enterprise_submits_and_later_work_reads_the_figures_as_decimals(world):
    d, _other = world
    report = _submit(d.company, d.enterprise, "2026-01", GOOD)
    assert report.status == ReportStatus.SUBMITTED
    assert report.filled_by == d.company and not report.filled_by_officer
    assert stats.figures_for(d.enterprise, "2026-01") == {
        "revenue": Decimal("100"),
        "output": Decimal("120.5"),
        "employees": Decimal("40"),
        "rnd": Decimal("8"),
    }
    assert stats.figures_for(d.enterprise, "2026-02") == {}
    event = AuditEvent.objects.get(action="servicedesk.statistics_report.submit")
    assert event.after is not None and event.after["values"]["output"] == "120.5"
    # The grid's statistics officer is told; the service-duty officer is not.
    told = Notification.objects.filter(subject__contains=d.enterprise.name)
    assert {n.recipient for n in told} == {d.officer2}


def test_a_draft_is_not_read_as_figures_and_may_lack_required_values(world):
    d, _other = world
    statistics.save_report(
        actor=d.company,
        form_code="monthly",
        period="2026-01",
        credit_code=d.enterprise.credit_code,
        values={"revenue": "1,234.5"},
    )
    report = StatisticsReport.objects.get()
    assert report.status == ReportStatus.DRAFT
    assert StatisticsValue.objects.get(report=report).value == Decimal("1234.5")
    assert stats.figures_for(d.enterprise, "2026-01") == {}


def test_a_missing_required_value_is_refused_naming_the_field_and_nothing_is_written(world):
    d, _other = world
    with raises_code("servicedesk.value_required") as caught:
        _submit(d.company, d.enterprise, "2026-01", {**GOOD, "employees": " "})
    assert "从业人员" in caught.value.message("zh-hans")
    assert "Employees" in caught.value.message("en")
    assert not StatisticsReport.objects.exists()


@pytest.mark.parametrize(
    ("field", "typed"),
    [("employees", "40.5"), ("revenue", "abc"), ("revenue", "-3"), ("output", "1.23456")],
)
def test_a_value_not_of_its_kind_is_refused_naming_field_and_value(world, field, typed):
    d, _other = world
    with raises_code("servicedesk.value_invalid") as caught:
        _submit(d.company, d.enterprise, "2026-01", {**GOOD, field: typed})
    assert typed in caught.value.message("zh-hans")
    assert not StatisticsReport.objects.exists()


def test_an_implausible_change_asks_for_an_explanation_and_is_then_accepted(world):
    d, _other = world
    _submit(d.company, d.enterprise, "2026-01", GOOD)
    jumped = {**GOOD, "revenue": "150"}  # +50% against a band of ±30%
    with raises_code("servicedesk.explanation_needed") as caught:
        _submit(d.company, d.enterprise, "2026-02", jumped)
    zh, en = caught.value.message("zh-hans"), caught.value.message("en")
    assert "营业收入" in zh and "+50.0%" in zh and "2026-01" in zh and "±30%" in zh
    assert "Revenue" in en and "changed by +50.0%" in en
    assert not StatisticsReport.objects.filter(period="2026-02").exists()
    # Within the band (+25%) asks nothing; the jump explained is submitted with its value.
    report = _submit(
        d.company,
        d.enterprise,
        "2026-02",
        jumped,
        explanations={"revenue": "春节后新签大额订单集中交付", "output": "not asked"},
    )
    assert report.status == ReportStatus.SUBMITTED
    kept = {v.code: (v.value, v.explanation) for v in report.values.all()}
    assert kept["revenue"] == (Decimal("150"), "春节后新签大额订单集中交付")
    assert kept["output"][1] == ""  # only a jump keeps an explanation


def test_a_change_from_zero_asks_too_and_a_field_without_band_never_asks(world):
    d, _other = world
    _submit(d.company, d.enterprise, "2026-01", {**GOOD, "employees": "0", "rnd": "1"})
    with raises_code("servicedesk.explanation_needed") as caught:
        _submit(d.company, d.enterprise, "2026-02", {**GOOD, "rnd": "900"})
    assert caught.value.params["field_zh"] == "从业人员"
    assert "由 0 变为 40" in caught.value.message("zh-hans")
    # R&D spending has no band: from 1 to 900 is not questioned.
    _submit(
        d.company,
        d.enterprise,
        "2026-02",
        {**GOOD, "rnd": "900"},
        explanations={"employees": "新设立后开始招聘"},
    )


def test_one_report_per_enterprise_and_period(world):
    d, _other = world
    for _ in range(2):
        statistics.save_report(
            actor=d.company,
            form_code="monthly",
            period="2026-01",
            credit_code=d.enterprise.credit_code,
            values=GOOD,
        )
    assert StatisticsReport.objects.count() == 1
    report = _submit(d.company, d.enterprise, "2026-01", GOOD)
    with raises_code("servicedesk.report_locked"):
        _submit(d.company, d.enterprise, "2026-01", GOOD)
    with transaction.atomic(), pytest.raises(IntegrityError):
        StatisticsReport.objects.create(
            form=report.form,
            version=report.version,
            enterprise=d.enterprise,
            period="2026-01",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
            grid=d.grid,
        )


def test_a_period_not_ended_or_before_the_form_is_refused(world):
    d, _other = world
    for period in ("2026-05", "2025-12", "2026-13", "2026-Q1"):
        with raises_code("servicedesk.period_invalid"):
            _submit(d.company, d.enterprise, period, GOOD)


def test_a_stale_form_is_refused_as_a_conflict(world):
    d, _other = world
    statistics.save_report(
        actor=d.company,
        form_code="monthly",
        period="2026-01",
        credit_code=d.enterprise.credit_code,
        values=GOOD,
        revision=0,
    )
    # The officer's page showed revision 0 (before the enterprise saved).
    with raises_code("servicedesk.report_conflict") as caught:
        _submit(d.officer2, d.enterprise, "2026-01", GOOD, revision=0)
    assert "company-G01" in caught.value.message("en")


# -- who may fill and review ----------------------------------------------------------------------


def test_an_enterprise_cannot_fill_another_enterprises_report(world):
    d, other = world
    with raises_code("not_allowed"):
        _submit(other.company, d.enterprise, "2026-01", GOOD)
    assert not StatisticsReport.objects.exists()


def test_only_the_grids_statistics_officer_or_leader_fills_for_the_enterprise(world):
    d, other = world
    with raises_code("not_allowed"):
        _submit(other.officer2, d.enterprise, "2026-01", GOOD)  # statistics, another grid
    with raises_code("not_allowed"):
        _submit(d.officer, d.enterprise, "2026-01", GOOD)  # this grid, enterprise service only
    report = _submit(d.officer2, d.enterprise, "2026-01", GOOD)
    assert report.filled_by == d.officer2 and report.filled_by_officer
    assert _submit(d.leader, d.enterprise, "2026-02", GOOD).filled_by_officer


def test_the_grid_returns_a_report_the_enterprise_corrects_and_the_grid_accepts(world):
    d, other = world
    report = _submit(d.company, d.enterprise, "2026-01", GOOD)
    with raises_code("not_allowed"):
        statistics.return_report(actor=other.officer2, pk=report.pk, reason="x")
    with raises_code("not_allowed"):
        statistics.accept_report(actor=d.company, pk=report.pk)  # not its own
    with raises_code("servicedesk.field_required"):
        statistics.return_report(actor=d.officer2, pk=report.pk, reason=" ")
    statistics.return_report(actor=d.officer2, pk=report.pk, reason="从业人员应含劳务派遣")
    assert Notification.objects.filter(recipient=d.company, body="从业人员应含劳务派遣").exists()
    report = _submit(d.company, d.enterprise, "2026-01", {**GOOD, "employees": "44"})
    assert report.status == ReportStatus.SUBMITTED
    statistics.accept_report(actor=d.officer2, pk=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.reviewed_by == d.officer2
    with raises_code("servicedesk.report_transition"):
        statistics.return_report(actor=d.officer2, pk=report.pk, reason="太晚了")
    with raises_code("servicedesk.report_locked"):
        _submit(d.officer2, d.enterprise, "2026-01", GOOD)


def test_every_change_of_a_report_is_signalled_with_its_period(world):
    """Apps built on the statistics (the support app's stored indicators) hear of every change
    that could move a figure: a draft saved, a report submitted, returned, accepted."""
    d, _other = world
    heard: list[tuple[str, list[date]]] = []

    def listen(sender: object, *, form: Any, periods: list[date], **kwargs: object) -> None:
        heard.append((form.code, periods))

    signals.statistics_changed.connect(listen)
    try:
        statistics.save_report(
            actor=d.company,
            form_code="monthly",
            period="2026-02",
            credit_code=d.enterprise.credit_code,
            values={"revenue": "90"},
        )
        report = _submit(d.company, d.enterprise, "2026-02", GOOD)
        statistics.return_report(actor=d.officer2, pk=report.pk, reason="从业人员有误")
        report = _submit(d.company, d.enterprise, "2026-02", GOOD)
        statistics.accept_report(actor=d.officer2, pk=report.pk)
        with raises_code("servicedesk.value_required"):  # refused: nothing changed or heard
            _submit(d.company, d.enterprise, "2026-03", {**GOOD, "revenue": ""})
    finally:
        signals.statistics_changed.disconnect(listen)
    assert heard == [("monthly", [date(2026, 2, 1)])] * 5


def _month(label: str) -> stats.StatPeriod:
    period = stats.parse_period("monthly", label)
    assert period is not None
    return period


# -- completeness ---------------------------------------------------------------------------------


def test_completeness_per_grid_matches_a_hand_count(world):
    """March 2026. G01: the desk's enterprise (submitted), e2 (a draft), e3 (nothing) → 1 of 3.
    G02: its enterprise (accepted), e5 (returned), e6 (moved from G01 on 2026-03-20, submitted)
    → 2 of 3. e7 assigned to G01 from 2026-04-01 is not due for March. Zone: 3 of 6."""
    d, other = world
    e2, e3, e5, e6, e7 = (cast(Enterprise, EnterpriseFactory()) for _ in range(5))
    for e in (e2, e3):
        EnterpriseAssignment.objects.create(enterprise=e, grid=d.grid, valid_from=date(2025, 1, 1))
    EnterpriseAssignment.objects.create(enterprise=e5, grid=other.grid, valid_from=date(2025, 1, 1))
    EnterpriseAssignment.objects.create(
        enterprise=e6, grid=d.grid, valid_from=date(2025, 1, 1), valid_to=date(2026, 3, 19)
    )
    EnterpriseAssignment.objects.create(
        enterprise=e6, grid=other.grid, valid_from=date(2026, 3, 20)
    )
    EnterpriseAssignment.objects.create(enterprise=e7, grid=d.grid, valid_from=date(2026, 4, 1))
    _submit(d.company, d.enterprise, "2026-03", GOOD)
    statistics.save_report(
        actor=d.officer2, form_code="monthly", period="2026-03", credit_code=e2.credit_code,
        values={"revenue": "5"},
    )  # fmt: skip
    accepted = _submit(other.company, other.enterprise, "2026-03", GOOD)
    statistics.accept_report(actor=other.officer2, pk=accepted.pk)
    returned = _submit(other.officer2, e5, "2026-03", GOOD)
    statistics.return_report(actor=other.officer2, pk=returned.pk, reason="核对")
    _submit(other.officer2, e6, "2026-03", GOOD)
    _submit(d.officer2, e7, "2026-04", GOOD)  # April: not March's

    form = stats.form_by_code("monthly")
    assert form is not None
    rows, total = stats.completeness(form, _month("2026-03"))
    by_grid = {r.grid.code: (r.submitted, r.due) for r in rows if r.grid}
    assert by_grid == {"G01": (1, 3), "G02": (2, 3)}
    assert (total.submitted, total.due) == (3, 6)
    assert total.rate == pytest.approx(0.5)
    # February: nobody sent anything; April: only e7 of G01's four.
    rows, total = stats.completeness(form, _month("2026-02"))
    assert (total.submitted, total.due) == (0, 6)
    rows, _total = stats.completeness(form, _month("2026-04"))
    assert {r.grid.code: (r.submitted, r.due) for r in rows if r.grid} == {
        "G01": (1, 4),
        "G02": (0, 3),
    }
    # The officer's list for G01 in March puts those not sent in first.
    listed = stats.grid_reports(d.grid, form, _month("2026-03"))
    assert [r.sent for r in listed] == [False, False, True]
    assert listed[-1].enterprise == d.enterprise


# -- the export -----------------------------------------------------------------------------------


def _sheet(body: bytes, name: str = "报表数据") -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_name(name).to_python()


def test_the_export_has_a_row_per_enterprise_a_column_per_field_and_the_explanations(world):
    d, other = world
    other.enterprise.name = '=HYPERLINK("http://evil","点我")'
    other.enterprise.save()
    _submit(d.company, d.enterprise, "2026-01", GOOD)
    _submit(
        d.company,
        d.enterprise,
        "2026-02",
        {**GOOD, "revenue": "200", "employees": "60"},
        explanations={"revenue": "新产线投产", "employees": "扩招"},
    )
    _submit(other.company, other.enterprise, "2026-02", {**GOOD, "rnd": ""})
    leadership = Client()
    leadership.force_login(d.leadership)
    response = leadership.get("/servicedesk/statistics/export/monthly/2026-02.xlsx")
    assert response.status_code == 200
    rows = _sheet(response.content)
    assert rows[0] == [
        "统一社会信用代码", "企业名称", "所属网格",
        "营业收入（万元）", "工业总产值（万元）", "从业人员（人）", "研发费用（万元）", "说明",
    ]  # fmt: skip
    assert len(rows) == 3
    ours = next(r for r in rows if r[0] == d.enterprise.credit_code)
    assert ours[1:7] == [d.enterprise.name, "G01 第G01网格", 200.0, 120.5, 60.0, 8.0]
    assert ours[7] == "营业收入：新产线投产；从业人员：扩招"
    theirs = next(r for r in rows if r[0] == other.enterprise.credit_code)
    assert theirs[1] == '=HYPERLINK("http://evil","点我")'  # text, not a formula
    assert theirs[6] == "" and theirs[7] == ""
    about = dict((r[0], r[1]) for r in _sheet(response.content, "说明"))
    assert about["应报企业"] == 2 and about["已报企业"] == 2
    event = AuditEvent.objects.get(action="servicedesk.statistics.exported")
    assert event.after == {"period": "2026-02", "rows": 2}
    # A draft is not exported; an officer cannot export.
    officer = Client()
    officer.force_login(d.officer2)
    assert officer.get("/servicedesk/statistics/export/monthly/2026-02.xlsx").status_code == 403
    assert leadership.get("/servicedesk/statistics/export/monthly/2026-05.xlsx").status_code == 404


# -- pages ----------------------------------------------------------------------------------------


def _client(user: Any, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["gaoxin_language"] = language
    return client


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ["统计报表", "营业收入", "提交"]),
        ("en", ["statistics reports", "Revenue", "Submit"]),
    ],
)
def test_the_pages_render_in_both_languages(world, language, words):
    d, _other = world
    _submit(d.company, d.enterprise, "2026-01", GOOD)
    report_url = f"/servicedesk/statistics/reports/monthly/2026-02/{d.enterprise.credit_code}/"
    company = _client(d.company, language)
    mine = company.get("/servicedesk/statistics/mine/").content.decode()
    assert words[0] in mine and "2026-04" in mine and "2026-02" in mine
    page = company.get(report_url).content.decode()
    assert words[1] in page and words[2] in page
    officer = _client(d.officer2, language)
    listed = officer.get("/servicedesk/statistics/grid/?form=monthly&period=2026-01")
    assert listed.status_code == 200 and d.enterprise.name in listed.content.decode()
    admin = _client(_admin(), language)
    assert admin.get("/servicedesk/statistics/forms/").status_code == 200
    zone = admin.get("/servicedesk/statistics/completeness/?form=monthly&period=2026-01")
    assert zone.status_code == 200
    assert 'data-grid="G01"' in zone.content.decode()


def test_submitting_through_the_page_asks_for_the_explanation_then_takes_it(world):
    d, _other = world
    _submit(d.company, d.enterprise, "2026-01", GOOD)
    url = f"/servicedesk/statistics/reports/monthly/2026-02/{d.enterprise.credit_code}/"
    client = _client(d.company, "zh-hans")
    form = {f"value_{k}": v for k, v in GOOD.items()} | {"value_revenue": "31", "revision": "0"}
    response = client.post(url + "submit/", form)
    assert response.status_code == 422
    page = response.content.decode()
    assert "营业收入" in page and "-69.0%" in page and 'name="why_revenue"' in page
    assert 'value="31"' in page  # what was typed is kept
    response = client.post(url + "submit/", form | {"why_revenue": "停产检修一个月"})
    assert response.status_code == 302
    assert stats.figures_for(d.enterprise, "2026-02")["revenue"] == Decimal("31")
    # The officer sees the explanation on the report and may accept it.
    officer = _client(d.officer2, "en").get(url).content.decode()
    assert "停产检修一个月" in officer and "Accept" in officer
