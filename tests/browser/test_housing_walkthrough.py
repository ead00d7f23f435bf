"""A whole sale in the browser, as the roles that do it: set-up and publication (zone
administrator), registration (applicants), automatic review with a two-person override
(reviewers), public notice with an objection (applicant, reviewer), frozen roster (zone
administrator) confirmed by the notary and checked with fairdraw; the co-signed draw (notary,
zone administrator), public results verified with fairdraw, unit choice and contracts (the
developer's sales office), and the closing report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from gaoxin.accounts import roles
from gaoxin.accounts.demo import load_demo_users
from gaoxin.accounts.models import User
from gaoxin.accounts.services import user_create
from gaoxin.common.actors import OPERATOR
from gaoxin.fairdraw.__main__ import main as fairdraw_main
from gaoxin.housing import services
from gaoxin.housing.models import SaleBatch
from gaoxin.registry import selectors as registry
from gaoxin.registry import services as registry_services
from gaoxin.registry.choices import DegreeLevel, QualificationStatus, VerificationStatus
from gaoxin.registry.identifiers import make_id_number
from gaoxin.registry.imports.loaders import new_person
from gaoxin.registry.models import Degree, Employment, InsuranceContribution, PurchaseQualification
from gaoxin.registry.tests.factories import a_classification, person_born
from gaoxin.testing.browser import external_requests

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

DRAWN = "已摇号"
UNITS = "楼栋,单元,房号,建筑面积,总价\n" + "".join(
    f"6号楼,1,{f}0{r},96.00,1610000\n" for f in range(2, 7) for r in (1, 2)
)


def ensure_catalogue() -> None:
    """The catalogue comes from a data migration; an earlier transactional test's flush may
    have emptied it (serialized_rollback would clash with the role groups post_migrate makes)."""
    from gaoxin.registry.catalogue import CATALOGUE_START, KEY_INDUSTRIES
    from gaoxin.registry.models import KeyIndustry

    for order, (code, zh, en) in enumerate(KEY_INDUSTRIES):
        KeyIndustry.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "effective_from": CATALOGUE_START,
                "sort_order": order,
            },
        )


def key_industry_worker(closing: date):
    ensure_catalogue()
    person = person_born(date(1991, 9, 9), 55)
    employer = a_classification().enterprise
    Employment.objects.create(person=person, enterprise=employer, started_on=date(2019, 3, 1))
    ending = closing.year * 100 + closing.month
    InsuranceContribution.objects.bulk_create(
        InsuranceContribution(
            person=person, employer=employer, in_zone=True, month=registry.add_months(ending, -k)
        )
        for k in range(14)
    )
    Degree.objects.create(
        person=person,
        level=DegreeLevel.MASTER,
        institution="合肥工业大学",
        verification_ref="XL-WALK-1",
        verification_status=VerificationStatus.VERIFIED,
    )
    PurchaseQualification.objects.create(
        person=person, status=QualificationStatus.QUALIFIED, valid_from=date(2025, 1, 1)
    )
    return person


@pytest.fixture(autouse=True)
def _contexts_closed(browser):
    """Every browser context the test opened is closed when it ends, while the live server still
    shares the in-memory database's connection with its request threads. Left open, Chromium's
    kept-alive connections ended only when the browser closed at the end of the session, after
    the live server had stopped sharing it: each request thread then failed closing the
    connection, some twenty PytestUnhandledThreadExceptionWarnings charged to whichever test ran
    last (tests/test_load_smoke.py, in a review run)."""
    yield
    for context in list(browser.contexts):
        context.close()


# Every irreversible action asks first (issue #14): the dialogs each page saw, answered as a
# careful person would (confirm; type the batch code where asked).
DIALOGS: list[tuple[str, str]] = []


def _answer(dialog):
    DIALOGS.append((dialog.type, dialog.message))
    dialog.accept("YQ26" if dialog.type == "prompt" else None)


def login(browser, server, username, password):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.on("dialog", _answer)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.gaoxin_requests = requests
    page.goto(server + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.locator("[data-role]").first.wait_for()
    return page


def test_a_whole_sale_from_set_up_to_closing_report(browser, live_server, tmp_path):
    load_demo_users()
    user_create(
        actor=OPERATOR,
        username="applicant2",
        password="demo-applicant2-2026",
        role_codes=[roles.APPLICANT],
        validate_password=False,
    )
    office = services.sales_office_create(
        actor=OPERATOR,
        name="合肥高新置业（测试）",
        members=[User.objects.get(username="developer")],
    )
    services.project_create(
        actor=OPERATOR, name="云栖苑", address="合肥市高新区", sales_office=office
    )
    now = timezone.localtime()
    closes = now + timedelta(hours=3)
    worker = key_industry_worker(closes.date())
    bob_person = new_person(make_id_number("340104", date(1993, 3, 3), 21), "王小二")
    bob_person.save()
    registry_services.identity_bind_at_counter(  # bob was bound at the counter earlier
        actor=OPERATOR,
        username="applicant2",
        id_number=bob_person.id_number,
        name="王小二",
        card_checked=True,
    )
    server = live_server.url

    # 1. Set-up and publication (zone administrator).
    admin = login(browser, server, "admin", "demo-admin-2026")
    admin.goto(server + "/housing/manage/new/")
    admin.get_by_label("楼盘").select_option(label="云栖苑")
    admin.get_by_label("批次名称").fill("首批")
    admin.get_by_label("批次代码").fill("YQ26")
    admin.get_by_label("登记开始").fill((now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    admin.get_by_label("登记截止").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    admin.get_by_role("button", name="创建").click()
    admin.get_by_text("规则的预期效果").wait_for()
    admin.get_by_label("房源表").set_input_files(
        {"name": "units.csv", "mimeType": "text/csv", "buffer": UNITS.encode()}
    )
    admin.get_by_role("button", name="导入房源").click()
    admin.get_by_text("已导入 10 套房源").wait_for()
    admin.locator("#simulation").wait_for()  # the simulator's table for both orders
    assert (
        "刚需家庭 → 园区重点产业职工 → 全部符合条件者" in admin.locator("#simulation").inner_text()
    )
    admin.get_by_label("公开的未来随机值").fill(
        "上证综指收盘点位×100 | 上海证券交易所，登记截止后首个交易日"
    )
    admin.get_by_role("button", name="保存声明").click()
    admin.get_by_role("button", name="发布并开放登记").click()
    assert admin.get_by_test_id("batch-status").inner_text() == "登记中"

    # 2. The public announcement.
    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor_requests: list[str] = []
    visitor.on("request", lambda r: visitor_requests.append(r.url))
    visitor.gaoxin_requests = visitor_requests
    visitor.goto(server + "/housing/YQ26/")
    assert "如何验证" in visitor.content() or "任何人都能验证摇号" in visitor.content()

    # 3. Registration by two households, each from an account bound to its person: alice is
    # bound at the service counter after the officer checked her ID card (issue #13).
    alice = login(browser, server, "applicant", "demo-applicant-2026")
    alice.goto(server + "/housing/YQ26/register/")
    alice.get_by_test_id("identity-unbound").wait_for()  # no form before the binding
    counter = login(browser, server, "counter", "demo-counter-2026")
    counter.goto(server + "/registry/counter/")
    counter.get_by_label("申请人用户名").fill("applicant")
    counter.get_by_label("身份证上的身份证号").fill(worker.id_number)
    counter.get_by_label("身份证上的姓名").fill(worker.name)
    counter.get_by_label("已当面核验身份证原件").check()
    counter.get_by_role("button", name="绑定账号").click()
    counter.get_by_text("已绑定到").wait_for()
    alice.goto(server + "/housing/YQ26/register/")
    assert alice.get_by_label("申请人身份证号").input_value() == worker.id_number  # not typed
    alice.get_by_label("手机号码").fill("13955556666")
    alice.get_by_label("园区重点产业职工").check()
    alice.get_by_label("我同意").check()
    alice.get_by_role("button", name="提交登记").click()
    assert alice.get_by_test_id("regno").inner_text() == "YQ26-000001"
    bob = login(browser, server, "applicant2", "demo-applicant2-2026")
    bob.goto(server + "/housing/YQ26/register/")
    bob.get_by_label("手机号码").fill("13800001111")
    bob.get_by_label("我同意").check()
    bob.get_by_role("button", name="提交登记").click()
    assert bob.get_by_test_id("regno").inner_text() == "YQ26-000002"

    # 4. Close, review, override with a second reviewer.
    admin.goto(server + "/housing/manage/YQ26/")
    admin.get_by_role("button", name="截止登记").click()
    reviewer = login(browser, server, "reviewer", "demo-reviewer-2026")
    reviewer.goto(server + "/housing/manage/YQ26/review/")
    reviewer.get_by_role("button", name="运行自动审核").click()
    assert reviewer.get_by_test_id("review-status").get_attribute("data-status") == "done"
    row = reviewer.locator('li[data-number="YQ26-000002"]')
    assert "无有效的购房资格" in row.inner_text()  # bob is in the registry, not qualified
    row.locator("summary").click()  # the decision form opens per row, nothing chosen
    row.get_by_label("类别").select_option("general")
    row.get_by_label("符合条件", exact=True).check()
    row.get_by_label("书面理由（必填）").fill("申请人已提交购房资格证明原件，经现场核验符合条件")
    row.get_by_role("button", name="提出改判").click()
    reviewer.get_by_text("改判已提出").wait_for()
    second = login(browser, server, "reviewer2", "demo-reviewer2-2026")
    second.goto(server + "/housing/manage/YQ26/review/")
    second.get_by_role("button", name="批准").click()
    second.get_by_text("改判已批准").wait_for()

    # 5. Public notice, an objection and its answer.
    admin.goto(server + "/housing/manage/YQ26/")
    admin.get_by_label("公示截止时间").fill(
        (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    )
    admin.get_by_role("button", name="开始公示").click()
    admin.get_by_text("公示已开始").wait_for()
    alice.goto(server + "/housing/applications/YQ26-000001/")
    assert "园区重点产业职工" in alice.get_by_test_id("eligibility").inner_text()
    alice.get_by_label("对审核结果提出异议").fill("请确认我的学历为硕士")
    alice.get_by_role("button", name="提交异议").click()
    alice.get_by_text("异议已提交").wait_for()
    reviewer.goto(server + "/housing/manage/YQ26/objections/")
    reviewer.get_by_label("异议不成立：维持原审核结果").check()
    reviewer.get_by_label("给申请家庭的答复").fill("已核实：学历为硕士，符合本科及以上条件。")
    reviewer.get_by_role("button", name="提交答复").click()
    reviewer.get_by_text("答复已记录").wait_for()
    SaleBatch.objects.filter(code="YQ26").update(  # the notice period has passed
        notice_ends_at=timezone.now() - timedelta(minutes=1)
    )

    # 6. Frozen roster, checked with fairdraw, confirmed by the notary.
    admin.goto(server + "/housing/manage/YQ26/")
    admin.get_by_role("button", name="锁定并公布名单").click()
    admin.get_by_text("名单已锁定并公布").wait_for()
    visitor.goto(server + "/housing/YQ26/notice/")
    root = visitor.get_by_test_id("roster-root").inner_text()
    size = visitor.get_by_test_id("roster-size").inner_text()
    download = visitor.request.get(server + "/housing/YQ26/roster.csv")
    roster = tmp_path / "roster.csv"
    roster.write_bytes(download.body())
    assert (
        fairdraw_main(["prove", str(roster), "YQ26-000001", "--out", str(tmp_path / "p.json")]) == 0
    )
    assert (
        fairdraw_main(["check-proof", str(tmp_path / "p.json"), "--root", root, "--size", size])
        == 0
    )
    notary = login(browser, server, "notary", "demo-notary-2026")
    notary.goto(server + "/housing/manage/YQ26/")
    notary.get_by_label("您核对的条目数").fill("2")
    notary.get_by_label("您计算的默克尔根").fill(root)
    notary.get_by_role("button", name="确认名单").click()
    notary.get_by_text("您已确认名单").wait_for()

    # 7. The draw, in its order (issue #13): the administrator enters the declared public value;
    # then the notary co-signs (no commitment was declared); then the administrator runs it.
    notary.goto(server + "/housing/manage/YQ26/")
    assert "等待管委会管理员录入公开随机值" in notary.get_by_test_id("draw-steps").inner_text()
    admin.goto(server + "/housing/manage/YQ26/")
    admin.locator("#value_0").fill("338712")
    admin.get_by_role("button", name="录入公开随机值").click()
    admin.get_by_text("公开随机值已录入").first.wait_for()
    notary.goto(server + "/housing/manage/YQ26/")
    notary.get_by_role("button", name="公开").click()
    notary.get_by_text("秘密值已公开").wait_for()
    admin.goto(server + "/housing/manage/YQ26/")
    admin.get_by_role("button", name="运行摇号").click()
    admin.get_by_text("摇号正在后台运行").wait_for()  # queued for the worker (immediate in tests)
    admin.goto(server + "/housing/manage/YQ26/")
    assert admin.get_by_test_id("batch-status").inner_text() == DRAWN

    # 8. Public results: a lookup, and the published files verified with fairdraw.
    visitor.goto(server + "/housing/YQ26/results/")
    visitor.get_by_label("登记号").fill("YQ26-000001")
    visitor.get_by_role("button", name="查询").click()
    assert "中签" in visitor.get_by_test_id("result").inner_text()
    files = {}
    for name in ("protocol.json", "roster.csv", "results.csv"):
        files[name] = tmp_path / f"published-{name}"
        files[name].write_bytes(visitor.request.get(f"{server}/housing/YQ26/{name}").body())
    verify = ["verify", str(files["protocol.json"]), str(files["roster.csv"])]
    assert fairdraw_main([*verify, "--results", str(files["results.csv"])]) == 0
    alice.goto(server + "/housing/applications/YQ26-000001/")
    assert "中签" in alice.get_by_test_id("draw-result").inner_text()

    # 9. Unit choice: the administrator opens it; the developer's sales office records each
    # turn in order and the contract.
    admin.goto(server + "/housing/manage/YQ26/choice/")
    admin.get_by_role("button", name="开始选房").click()
    admin.get_by_text("选房已开始").wait_for()
    desk = login(browser, server, "developer", "demo-developer-2026")
    desk.goto(server + "/housing/manage/YQ26/choice/")
    first = desk.get_by_test_id("current-turn").inner_text()
    desk.get_by_role("button", name="选定此房源").click()
    desk.get_by_text("已为").wait_for()
    second_turn = desk.get_by_test_id("current-turn").inner_text()
    assert second_turn != first
    desk.get_by_role("button", name="放弃选房").click()
    desk.get_by_text("已为").first.wait_for()
    desk.get_by_placeholder("合同编号").fill("YQ26-HT-001")
    desk.get_by_role("button", name="登记合同").click()
    desk.get_by_text("购房合同").wait_for()

    # 10. Closing: the administrator closes the sale; anyone reads the report.
    admin.goto(server + "/housing/manage/YQ26/choice/")
    admin.get_by_role("button", name="结束销售并公开结案报告").click()
    asked = [message for kind, message in DIALOGS]
    assert any("发布本批次" in m for m in asked) and any("截止登记" in m for m in asked)
    assert any(kind == "prompt" and "YQ26" in m and "摇号" in m for kind, m in DIALOGS)
    assert any(kind == "prompt" and "结束销售" in m for kind, m in DIALOGS)
    admin.get_by_text("结案报告已公开").wait_for()
    visitor.goto(server + "/housing/YQ26/report/")
    pools = visitor.get_by_test_id("pools").inner_text()
    assert "园区重点产业职工" in pools and "候补递补" in pools
    assert visitor.locator("svg.chart").count() >= 1
    report_pdf = visitor.request.get(server + "/housing/YQ26/report.pdf")
    assert report_pdf.ok and report_pdf.body().startswith(b"%PDF")
    for page in (admin, alice, bob, reviewer, second, notary, desk, visitor):
        assert external_requests(page.gaoxin_requests) == []
