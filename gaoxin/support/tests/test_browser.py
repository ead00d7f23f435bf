"""The issue's walk in a real browser: the zone computes the year's tiers and a leader publishes
them → an enterprise sees its tier and what it lacks (on a phone) → the zone posts a challenge
(揭榜挂帅) → two teams apply → three experts score blind, one excluded by the registry (employed
by an applicant) → the winner is decided and announced (公示), objected to, the objection
answered, the award confirmed → a leader approves it, its first milestone is paid, and a second
award that would pass the programme's ceiling is refused with the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gaoxin.accounts import roles
from gaoxin.support.models import OpenCall

from .builders import PASSWORD, user, zone
from .call_builders import enterprise_user, expert
from .test_tiers import world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _as(browser, live_server, who, viewport=DESKTOP):
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations of irreversible steps
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(who.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("form:has(input[name=username]) button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def _fits(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_tiers_then_an_open_call_to_a_paid_milestone_and_a_refused_second_award(
    browser,
    live_server,
    world,  # noqa: F811
):
    z = zone()
    mid_user = enterprise_user("mid-firm", world["mid"].credit_code)
    rep1 = enterprise_user("rep1", z.firm.credit_code)
    rep2 = enterprise_user("rep2", z.firm2.credit_code)
    experts = [expert("expert1", employer=z.firm), expert("expert2"), expert("expert3")]
    stranger = user("citizen", roles.APPLICANT)

    # 1. The zone computes 2026; a leader publishes it.
    admin = _as(browser, live_server, z.admin)
    admin.goto(live_server.url + "/support/tiers/")
    compute = admin.get_by_test_id("compute")
    compute.locator("input[name=year]").fill("2026")
    compute.get_by_role("button", name="计算梯队").click()
    admin.get_by_test_id("run-status").wait_for()
    leader = _as(browser, live_server, z.leader)
    leader.goto(live_server.url + "/support/tiers/?year=2026")
    leader.get_by_role("button", name="公布", exact=True).click()
    assert "已公布" in leader.get_by_test_id("run-status").inner_text()

    # 2. The enterprise, on a phone, sees its tier and what it lacks for the next one.
    firm = _as(browser, live_server, mid_user, PHONE)
    firm.goto(live_server.url + "/support/tiers/mine/")
    assert "专精特新" in firm.get_by_test_id("tier").inner_text()
    assert "不符合" in firm.get_by_test_id("lacking").inner_text()
    _fits(firm, PHONE)

    # 3. The zone posts a challenge, sets the panel and publishes it.
    admin.goto(live_server.url + "/support/calls/")
    admin.get_by_text("发布新榜单").click()
    form = admin.get_by_test_id("call-new")
    form.get_by_label("标题", exact=True).fill("精密减速器国产化")
    form.get_by_label("技术难题").fill("精密减速器寿命不足")
    form.get_by_label("预期成果").fill("寿命 20,000 小时的样机")
    form.get_by_label("奖励所属扶持项目").select_option("competition")
    form.get_by_label("奖励（元）").fill("3000000")
    form.get_by_label("截止时间").fill(
        (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    )
    form.get_by_label("评审标准（每行一项，格式：名称:权重）").fill(
        "技术先进性:40\n方案可行性:30\n团队能力:30"
    )
    form.get_by_role("button", name="保存为草稿").click()
    admin.get_by_label("专家用户名（以逗号分隔）").fill("expert1, expert2, expert3")
    admin.get_by_role("button", name="保存评审组").click()
    assert admin.get_by_test_id("panel").inner_text() == "expert1, expert2, expert3"
    admin.get_by_role("button", name="发布榜单").click()
    assert "开放申报" in admin.get_by_test_id("call-status").inner_text()
    call = OpenCall.objects.get()
    call_url = admin.url

    # 4. Two teams apply on their phones.
    for rep, team in ((rep1, "精密传动攻关组"), (rep2, "智能制造联合团队")):
        page = _as(browser, live_server, rep, PHONE)
        page.goto(live_server.url + "/support/open-calls/")
        page.get_by_role("link", name="精密减速器国产化").click()
        page.get_by_label("团队").fill(team)
        page.get_by_label("揭榜方案").fill(f"{team}的详细揭榜方案")
        page.get_by_role("button", name="提交申报").click()
        assert team in page.get_by_test_id("mine").inner_text()
        _fits(page, PHONE)
        page.context.close()

    # 5. The deadline passes; the zone closes applications and starts the review.
    OpenCall.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    admin.goto(call_url)
    admin.get_by_role("button", name="截止申报").click()
    admin.get_by_role("button", name="开始专家评审").click()
    conflicts = admin.get_by_test_id("conflicts").inner_text()
    assert "expert1" in conflicts and z.firm.name in conflicts
    numbers = {a.enterprise_id: a.number for a in call.applications.all()}
    first, second = numbers[z.firm.pk], numbers[z.firm2.pk]

    # 6. Three experts score blind; expert1 sees only the application it is not excluded from.
    marks = {
        "expert1": {second: (60, 60, 60)},
        "expert2": {first: (90, 85, 80), second: (70, 70, 70)},
        "expert3": {first: (88, 84, 82), second: (75, 70, 72)},
    }
    for who in experts:
        viewport = PHONE if who.username == "expert2" else DESKTOP
        page = _as(browser, live_server, who, viewport)
        page.goto(live_server.url + "/support/expert/")
        shown = page.get_by_test_id("to-score")
        assert shown.count() == len(marks[who.username])
        for number, values in marks[who.username].items():
            card = page.locator(f"[data-testid=to-score][data-number='{number}']")
            inputs = card.locator("input[type=number]")
            for i, value in enumerate(values):
                assert inputs.nth(i).input_value() == ""  # nobody's score is shown
                inputs.nth(i).fill(str(value))
            card.get_by_role("button", name="保存我的评分").click()
        if who.username == "expert1":
            assert first in page.get_by_test_id("exclusions").inner_text()
        _fits(page, viewport)
        page.context.close()
    expert_page = _as(browser, live_server, experts[1])
    refused = expert_page.goto(live_server.url + f"/support/calls/{call.pk}/ranking/")
    assert refused is not None and refused.status == 403  # the ranking is the zone's only
    expert_page.context.close()

    # 7. The ranking under the stated rule; the zone decides and announces.
    admin.goto(live_server.url + f"/support/calls/{call.pk}/ranking/")
    assert "去掉一个最高分和一个最低分" in admin.get_by_test_id("scoring-rule").inner_text()
    rows = admin.get_by_test_id("ranking").locator("tbody tr")
    # first: (90+88)/2*.4 + (85+84)/2*.3 + (80+82)/2*.3 = 35.6 + 25.35 + 24.3 = 85.25
    assert z.firm.name in rows.nth(0).inner_text()
    assert rows.nth(0).get_by_test_id("total").inner_text() == "85.25"
    rows.nth(0).get_by_role("button", name="定为揭榜方").click()
    admin.get_by_label("公示天数").fill("7")
    admin.get_by_role("button", name="公示", exact=True).click()
    assert "公示中" in admin.get_by_test_id("call-status").inner_text()
    _fits(admin, DESKTOP)

    # 8. Anyone logged in objects during the notice; the zone answers.
    citizen = _as(browser, live_server, stranger, PHONE)
    citizen.goto(live_server.url + f"/support/open-calls/{call.pk}/")
    assert z.firm.name in citizen.get_by_test_id("notice").inner_text()
    citizen.get_by_label("您的异议").fill("请说明评分依据和专家回避情况")
    citizen.get_by_role("button", name="提交异议").click()
    assert "请说明评分依据" in citizen.get_by_test_id("objection").inner_text()
    _fits(citizen, PHONE)
    admin.reload()
    admin.get_by_test_id("objection").get_by_label("答复").fill("评分规则与回避情况已在排名页列明")
    admin.get_by_test_id("objection").get_by_role("button", name="答复").click()
    assert "已在排名页列明" in admin.get_by_test_id("objection").inner_text()

    # 9. The notice ends; the award is confirmed under the programme, approved and paid.
    OpenCall.objects.filter(pk=call.pk).update(notice_ends_at=timezone.now() - timedelta(minutes=1))
    admin.reload()
    admin.get_by_role("button", name="确认奖励").click()
    admin.get_by_test_id("award-link").click()
    admin.get_by_text("设置拨付节点").click()
    admin.locator("input[name=title_1]").fill("样机通过测试")
    admin.locator("input[name=amount_1]").fill("1000000")
    admin.locator("input[name=title_2]").fill("小批量供货")
    admin.locator("input[name=amount_2]").fill("2000000")
    admin.get_by_role("button", name="保存拨付节点").click()
    award_url = admin.url
    leader.goto(award_url)
    leader.get_by_role("button", name="批准").click()
    admin.reload()
    admin.get_by_label("完成情况依据").fill("第三方检测报告")
    admin.get_by_role("button", name="拨付", exact=True).click()
    assert admin.get_by_test_id("paid").inner_text() == "1,000,000"

    # 10. A second award to the same enterprise that would pass the 10,000,000 ceiling.
    admin.goto(live_server.url + "/support/awards/")
    admin.get_by_text("提出奖励").click()
    propose = admin.get_by_test_id("propose")
    propose.get_by_label("扶持项目").select_option("competition")
    propose.get_by_label("对象：统一社会信用代码（企业）或公民身份号码（个人）").fill(
        z.firm.credit_code
    )
    propose.get_by_label("标题", exact=True).fill("再次授信")
    propose.get_by_label("金额（元）").fill("7000001")
    propose.get_by_role("button", name="提出", exact=True).click()
    body = admin.locator("body").inner_text()
    assert "超过每个对象 10,000,000 元的上限" in body and "10,000,001" in body
