"""The housing sale as its people meet it (issue #14), in the browser at a phone's 390 px and a
laptop's 1366 px: an applicant follows their application from registration to contract and
sees why they were not eligible for a pool; a reviewer works a queue of 500 on a phone with
filters, search and paging; the queue shows the review's result when it finishes, without a
reload; an objection is upheld and changes the decision by two reviewers. Test data comes from
the housing builders (the services that make each change in production)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from gaoxin.common.actors import OPERATOR
from gaoxin.housing import selectors, services
from gaoxin.housing.models import Application, Eligibility, EligibilityReview
from gaoxin.housing.review_run import run_review
from gaoxin.housing.tests.builders import (
    DRAW_ENTROPY,
    SECRET,
    bound_applicant,
    confirm,
    draw,
    end_notice,
    everyone_eligible,
    free_unit,
    freeze,
    published_batch,
    register,
    registration_batch,
    reveal,
    review,
    start_notice,
    start_unit_choice,
    take,
)
from gaoxin.registry.identifiers import make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWNS_A_HOME = {
    "pool": "first_home",
    "condition": "no_home",
    "zh": "家庭（本人、配偶或未成年子女）在 2026-06-30 名下有住房",
    "en": "the household (applicant, spouse or minor children) owns a home on 2026-06-30",
}
INSURANCE = {
    "pool": "key_industry",
    "condition": "insurance",
    "zh": "社保在 2026-03 中断：截至 2026-06 连续在区内缴纳 3 个月，不足 12 个月",
    "en": "insurance gap in 2026-03: 3 continuous in-zone months up to 2026-06, fewer than 12",
}


@pytest.fixture(autouse=True)
def _contexts_closed(browser: Any) -> Any:
    """Every context closed while the live server still shares its database connection (see
    test_housing_walkthrough)."""
    yield
    for context in list(browser.contexts):
        context.close()


def open_as(browser: Any, server: str, user: Any, width: int, language: str = "zh") -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    if language == "en":
        context.add_cookies([{"name": "gaoxin_language", "value": "en", "url": server}])
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # a careful person confirms
    page.goto(server + "/accounts/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=username]) button[type=submit]").click()
    page.locator("[data-role]").first.wait_for()
    return page


def fits(page: Any, width: int) -> None:
    """Nothing wider than the screen, no button squeezed to one character per line."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    buttons = page.evaluate(
        """[...document.querySelectorAll('button, .button')]
            .filter(b => b.offsetParent !== null)
            .map(b => [b.innerText, b.getBoundingClientRect().width,
                       b.getBoundingClientRect().height,
                       parseFloat(getComputedStyle(b).lineHeight) || 24])"""
    )
    for text, wide, high, line in buttons:
        assert high <= 2.6 * line, (text, wide, high)  # at most two lines of text


def step(page: Any, key: str) -> Any:
    return page.locator(f'ol.timeline > li[data-step="{key}"]')


@pytest.mark.parametrize("width", [390, 1366])
def test_an_applicant_follows_the_application_to_the_contract(
    browser: Any, live_server: Any, make_user: Any, width: int
) -> None:
    server = live_server.url
    admin, notary = make_user("zone_admin"), make_user("notary")
    applicant = bound_applicant(
        id_number=make_id_number("340104", date(1990, 6, 1), 31), name="李安居"
    )
    applicant.set_password(PASSWORD)  # bound at the counter; the household signs in with it
    applicant.save(update_fields=["password"])
    batch = published_batch(code="AJ26", units=10, entropy=DRAW_ENTROPY, secret=SECRET)
    page = open_as(browser, server, applicant, width)

    # Registration: the household claims the first-home pool.
    page.goto(f"{server}/housing/AJ26/register/")  # the applicant is the bound person
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_label("刚需家庭").check()
    page.get_by_label("我同意").check()
    page.get_by_role("button", name="提交登记").click()
    number = page.get_by_test_id("regno").inner_text()
    assert step(page, "registered").get_attribute("data-state") == "done"
    assert step(page, "review").get_attribute("data-state") == "later"
    assert step(page, "contract").count() == 1  # the way ahead is shown to the end
    page.goto(f"{server}/housing/AJ26/register/")
    assert number in page.get_by_test_id("already-registered").inner_text()
    fits(page, width)

    # The review: eligible, but not for the first-home pool (the registry knows a home).
    register(batch, 4)
    review(batch)
    everyone_eligible(batch)
    mine = Application.objects.get(number=number)
    Eligibility.objects.filter(application=mine).update(  # as the registry's facts decide
        general=True, first_home=False, reasons=[OWNS_A_HOME]
    )
    start_notice(batch)
    page.goto(f"{server}/housing/applications/{number}/")
    assert page.get_by_test_id("stage").inner_text() == "符合条件：全部符合条件者"
    first_home = page.locator('[data-testid="eligibility"] > li[data-pool="first_home"]')
    assert first_home.get_attribute("data-eligible") == "no"
    assert "刚需家庭" in first_home.inner_text() and "名下有住房" in first_home.inner_text()
    general = page.locator('[data-testid="eligibility"] > li[data-pool="general"]')
    assert general.get_attribute("data-eligible") == "yes"
    assert step(page, "notice").get_attribute("data-state") == "now"
    assert "已提交" not in page.content()
    fits(page, width)

    # Roster, draw: five households, ten units, everyone wins.
    end_notice(batch)
    freeze(batch)
    confirm(batch, notary)
    reveal(batch, notary)
    draw(batch, admin)
    page.reload()
    assert step(page, "roster").get_attribute("data-state") == "done"
    result = page.get_by_test_id("draw-result").inner_text()
    assert "中签" in result and "general" not in result
    assert "选房顺序号为" in step(page, "draw").inner_text()
    assert step(page, "choice").get_attribute("data-state") == "later"

    # Unit choice: the households before this one choose; then this one; then the contract.
    start_unit_choice(batch, admin)
    page.reload()
    assert step(page, "choice").get_attribute("data-state") == "now"
    assert "您的排队序号为" in step(page, "choice").inner_text()
    while True:
        turn = selectors.current_turn(batch)
        assert turn is not None
        chosen = take(batch, admin, "chosen", free_unit(batch))
        if turn.application.number == number:
            break
    page.reload()
    assert step(page, "choice").get_attribute("data-state") == "done"
    assert step(page, "contract").get_attribute("data-state") == "now"
    services.contract_record(
        actor=admin,
        batch=batch,
        number=number,
        contract_number="AJ26-HT-7",
        signed_on=date(2026, 12, 20),
    )
    page.reload()
    assert step(page, "contract").get_attribute("data-state") == "done"
    assert "合同编号 AJ26-HT-7" in step(page, "contract").inner_text()
    assert page.get_by_test_id("stage").inner_text() == f"已签约，房源 {chosen.unit}"
    timeline = page.get_by_test_id("timeline").bounding_box()
    check = page.get_by_test_id("check-yourself").bounding_box()
    assert check["y"] > timeline["y"] + timeline["height"] - 1  # the proof below the timeline
    fits(page, width)
    page.goto(f"{server}/housing/mine/")
    assert page.get_by_test_id("stage").inner_text() == f"已签约，房源 {chosen.unit}"

    english = open_as(browser, server, applicant, width, language="en")
    english.goto(f"{server}/housing/applications/{number}/")
    text = english.get_by_test_id("timeline").inner_text()
    assert "Contract signed" in text and "the general round" in text
    assert "first-home" in text.lower() or "First-home" in text
    fits(english, width)


def test_a_reviewer_works_a_queue_of_500_on_a_phone(
    browser: Any, live_server: Any, make_user: Any
) -> None:
    server = live_server.url
    batch = review(registration_batch(make_user, households=500, code="RQ26"))
    numbers = list(batch.applications.order_by("number").values_list("number", flat=True))
    insured = numbers[100:140]
    Eligibility.objects.filter(application__number__in=insured).update(
        general=True, key_industry=False, reasons=[INSURANCE]
    )
    first, second = make_user("reviewer"), make_user("reviewer")
    page = open_as(browser, server, first, 390)
    page.goto(f"{server}/housing/manage/RQ26/review/")
    summary = page.get_by_test_id("queue-summary")
    assert summary.inner_text() == "筛选出 500 份申请。 第 1 页，共 10 页。"
    assert page.locator("ul.queue > li").count() == 50
    assert page.locator("ul.queue details[open]").count() == 0  # forms open per row
    fits(page, 390)
    assert page.evaluate("document.documentElement.scrollHeight") < 16000

    # By failed condition, then every outcome, then the next page.
    page.locator('nav.chips a[data-condition="insurance"]').click()
    assert summary.inner_text() == "筛选出 40 份申请。"
    expect(page.locator("ul.queue > li")).to_have_count(40)
    page.locator('nav.chips a[data-outcome="ineligible"]').click()
    assert summary.inner_text().startswith("筛选出 460 份申请。")
    page.get_by_role("link", name="下一页").click()
    assert summary.inner_text() == "筛选出 460 份申请。 第 2 页，共 10 页。"
    assert page.locator("ul.queue > li").first.get_attribute("data-number") == numbers[50]

    # A search by registration number, and the decision form: empty first, then filled.
    wanted = numbers[321]
    page.get_by_label("登记号或姓名").fill(wanted[-3:])
    page.get_by_role("button", name="筛选").click()
    row = page.locator(f'ul.queue > li[data-number="{wanted}"]')
    expect(page.locator("ul.queue > li")).to_have_count(1)
    row.locator("summary").click()
    assert row.get_by_label("类别").input_value() == ""
    row.get_by_role("button", name="提出改判").click()
    page.get_by_text("请选择要改判的资格类别和新的决定").wait_for()
    row = page.locator(f'ul.queue > li[data-number="{wanted}"]')  # still the same search
    row.locator("summary").click()
    row.get_by_label("类别").select_option("general")
    row.get_by_label("符合条件", exact=True).check()
    row.get_by_label("书面理由（必填）").fill("申请人提交户籍与社保原件，经现场核验符合条件")
    row.get_by_role("button", name="提出改判").click()
    page.get_by_text("改判已提出").wait_for()
    fits(page, 390)

    # The second reviewer approves on their phone; the old reason is marked overridden.
    other = open_as(browser, server, second, 390)
    other.goto(f"{server}/housing/manage/RQ26/review/")
    pending = other.get_by_test_id("pending-overrides")
    assert wanted in pending.inner_text()
    fits(other, 390)
    pending.get_by_role("button", name="批准").click()
    other.get_by_text("改判已批准").wait_for()
    other.locator('nav.chips a[data-outcome="overridden"]').click()
    row = other.locator(f'ul.queue > li[data-number="{wanted}"]')
    assert row.get_by_test_id("reason-overridden").inner_text() == "已改判"
    assert other.get_by_test_id("queue-summary").inner_text() == "筛选出 1 份申请。"


def test_the_queue_shows_the_review_when_it_finishes_without_a_reload(
    browser: Any, live_server: Any, make_user: Any
) -> None:
    server = live_server.url
    batch = registration_batch(make_user, households=12, code="HX26")
    services.batch_close_registration(actor=OPERATOR, batch=batch)
    reviewer = make_user("reviewer")
    page = open_as(browser, server, reviewer, 1366)
    page.goto(f"{server}/housing/manage/HX26/")
    page.get_by_role("link", name="前往审核").click()  # the batch page says where to start
    assert "从这里开始" in page.content()
    queued = services.review_start(actor=reviewer, batch=batch, enqueue=False)
    page.reload()
    assert page.get_by_test_id("queue-summary").count() == 0
    assert EligibilityReview.objects.get(pk=queued.pk).is_active
    run_review(queued.pk)  # the worker runs it while the page polls
    page.get_by_test_id("queue-summary").wait_for(timeout=15_000)
    assert page.get_by_test_id("queue-summary").inner_text() == "筛选出 12 份申请。"
    expect(page.locator("ul.queue > li")).to_have_count(12)


@pytest.mark.parametrize("width", [390, 1366])
def test_an_objection_upheld_changes_the_decision(
    browser: Any, live_server: Any, make_user: Any, width: int
) -> None:
    server = live_server.url
    batch = start_notice(review(registration_batch(make_user, households=3, code="OU26")))
    application = batch.applications.order_by("number").first()
    assert application is not None
    number = application.number
    owner = application.user  # the household's account, bound at the counter
    assert owner is not None
    owner.set_password(PASSWORD)
    owner.save(update_fields=["password"])
    household = open_as(browser, server, owner, width)
    household.goto(f"{server}/housing/applications/{number}/")
    assert step(household, "review").get_attribute("data-state") == "bad"
    assert "无有效的购房资格" in household.get_by_test_id("eligibility").inner_text()
    household.locator("#objection-text").fill("我的户籍与社保均在高新区，请核实基础数据。")
    household.get_by_role("button", name="提交异议").click()
    household.get_by_text("异议已提交").wait_for()

    first, second = make_user("reviewer"), make_user("reviewer")
    page = open_as(browser, server, first, width)
    page.goto(f"{server}/housing/manage/OU26/review/")
    assert page.locator("ul.queue details").count() == 0  # no form that could only fail
    page.goto(f"{server}/housing/manage/OU26/objections/")
    card = page.locator(f'[data-testid="objection"][data-number="{number}"]')
    assert "请核实基础数据" in card.get_by_test_id("objection-text").inner_text()
    card.get_by_label("异议成立：改判").check()
    card.get_by_label("改判的资格类别（异议成立时）").select_option("general")
    card.get_by_label("符合条件", exact=True).check()
    card.get_by_label("给申请家庭的答复").fill("经核实，申请人户籍与社保均在区内，符合基本条件。")
    card.get_by_role("button", name="提交答复").click()
    page.get_by_text("已认定异议成立").wait_for()
    fits(page, width)

    other = open_as(browser, server, second, width)
    other.goto(f"{server}/housing/manage/OU26/objections/")
    card = other.locator(f'[data-testid="objection"][data-number="{number}"]')
    card.get_by_role("button", name="批准改判").click()
    other.get_by_text("改判已批准").wait_for()
    card = other.locator(f'[data-testid="objection"][data-number="{number}"]')
    history = card.get_by_test_id("history").inner_text()
    for said in ("申请家庭提出异议", "审核员认定异议成立", "提出改判", "第二名审核员批准"):
        assert said in history
    assert card.get_by_test_id("current-decision").inner_text() == "全部符合条件者"
    fits(other, width)

    household.reload()
    assert step(household, "review").get_attribute("data-state") == "done"
    decided = household.get_by_test_id("eligibility").inner_text()
    assert "已经两名审核员改判，不再适用" in decided
    assert household.get_by_test_id("stage").inner_text() == "符合条件：全部符合条件者"
    fits(household, width)
