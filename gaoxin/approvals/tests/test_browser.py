"""The issue's walk in a real browser, the agent on a phone: stage 1 filed with one 容缺
document → the lead department dispatches → three departments decide in parallel, one asks
for correction (its clock visibly stops) → the stage closes and stage 2 opens → later items are
pre-reviewed before land → the land contract is entered and the construction permit issues the
same day → the certificate's code checks out on the public page → the dashboard's days saved
and 拿地即开工 count change."""

from __future__ import annotations

from datetime import date

import pytest

from .builders import PASSWORD, item, start, zone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _as(browser, live_server, user, viewport=DESKTOP):
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("form:has(input[name=username]) button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def _file(name: str) -> dict:
    return {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": f"%PDF {name}".encode()}


def test_one_project_from_filing_to_the_permit_on_the_land_day(browser, live_server, on):
    z = zone()
    on(date(2026, 6, 1))
    board = _as(browser, live_server, z.leadership)
    board.goto(live_server.url + "/approvals/dashboard/")
    assert board.get_by_test_id("quick-start").inner_text() == "0"
    assert board.get_by_test_id("average-saved").inner_text() == "—"

    agent = _as(browser, live_server, z.agent, PHONE)
    agent.goto(live_server.url + "/approvals/")
    agent.get_by_label("统一社会信用代码").fill(z.enterprise.credit_code)
    agent.get_by_label("项目名称").fill("智能装备产业园")
    agent.get_by_label("地块").fill("GX-2026-07")
    agent.get_by_label("投资额（万元）").fill("50000")
    agent.get_by_label("授权委托书编号（帮办代办时填写）").fill("授权委托书 2026-031")
    agent.get_by_role("button", name="创建").click()
    agent.get_by_test_id("stage-1").wait_for()
    project_url = agent.url
    # The page says what to do next.
    assert "提交第 1 阶段" in agent.get_by_test_id("next-steps").inner_text()
    stage1 = agent.get_by_test_id("stage-1")
    stage1.locator("input[name=doc_D01]").set_input_files(_file("D01"))
    stage1.locator("input[name=doc_D02]").set_input_files(_file("D02"))
    stage1.locator("input[name=promise_D06]").fill("2026-06-20")  # 容缺
    stage1.get_by_role("button", name="提交阶段材料").click()
    assert (
        "材料已提交" in agent.get_by_test_id("stage-1").get_by_test_id("stage-status").inner_text()
    )
    assert agent.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    window = _as(browser, live_server, z.intake["fgw"])
    window.goto(project_url)
    assert "审核第 1 阶段的材料包" in window.get_by_test_id("next-steps").inner_text()
    window.get_by_role("button", name="材料齐全：同时分送全部事项").click()
    assert (
        "并联审批中" in window.get_by_test_id("stage-1").get_by_test_id("stage-status").inner_text()
    )

    on(date(2026, 6, 3))
    for dept, code in (("fgw", "S1-01"), ("sthj", "S1-03")):
        reviewer = _as(browser, live_server, z.reviewers[dept])
        reviewer.goto(project_url)
        reviewer.get_by_test_id(f"approve-{code}").click()
        reviewer.context.close()
    zrzy = _as(browser, live_server, z.reviewers["zrzy"])
    zrzy.goto(project_url)
    row = zrzy.get_by_test_id("item-S1-02")
    row.locator("form:has([data-testid=correction-S1-02]) input[name=text]").fill("补红线图")
    row.get_by_test_id("correction-S1-02").click()
    agent.reload()
    assert agent.get_by_test_id("clock-stopped").is_visible()  # the clock visibly stops

    on(date(2026, 6, 5))
    agent.get_by_test_id("answer-S1-02").click()
    zrzy.reload()
    zrzy.get_by_test_id("approve-S1-02").click()
    agent.reload()
    assert "已结束" in agent.get_by_test_id("stage-1").get_by_test_id("stage-status").inner_text()
    assert (
        "待提交材料" in agent.get_by_test_id("stage-2").get_by_test_id("stage-status").inner_text()
    )

    # Stage 2 filed (the land contract itself promised), dispatched; stage 3's drafts uploaded.
    on(date(2026, 6, 8))
    stage2 = agent.get_by_test_id("stage-2")
    stage2.locator("input[name=doc_D04]").set_input_files(_file("D04"))
    stage2.locator("input[name=promise_D03]").fill("2026-06-30")
    stage2.get_by_role("button", name="提交阶段材料").click()
    for code in ("D05", "D07"):
        agent.get_by_label("材料编号").fill(code)
        agent.locator("input[name=file]").set_input_files(_file(code))
        agent.get_by_role("button", name="上传材料").click()
    zwindow = _as(browser, live_server, z.intake["zrzy"])
    zwindow.goto(project_url)
    zwindow.get_by_role("button", name="材料齐全：同时分送全部事项").click()
    for dept, codes in (
        ("zrzy", ["S2-01", "S2-02"]),
        ("rf", ["S2-03"]),
        ("xf", ["S3-01"]),
        ("zjj", ["S3-02"]),
    ):
        reviewer = _as(browser, live_server, z.reviewers[dept])
        reviewer.goto(project_url)
        for code in codes:
            reviewer.get_by_test_id(f"prereview-{code}").click()
        reviewer.context.close()
    agent.reload()
    assert "拿地前已预审" in agent.get_by_test_id("item-S3-02").inner_text()

    # The land contract, signed on 15 June: the permit issues the same day.
    on(date(2026, 6, 15))
    agent.reload()
    agent.get_by_text("已签订土地出让合同？录入签订日期").click()
    agent.get_by_label("土地合同签订日期").fill("2026-06-15")
    agent.get_by_role("button", name="录入土地合同").click()
    land_permit = agent.get_by_test_id("land-permit").inner_text()
    assert land_permit.count("2026年6月15日") == 2 and "拿地即开工" in land_permit
    assert agent.get_by_test_id("timeline").is_visible()
    code = agent.get_by_test_id("code-S3-02").inner_text()

    visitor = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    visitor.goto(live_server.url + "/verify/approvals/")
    visitor.get_by_label("验证码").fill(code)
    visitor.get_by_role("button", name="验证").click()
    assert "真实有效" in visitor.get_by_test_id("verdict").inner_text()

    board.reload()
    assert board.get_by_test_id("quick-start").inner_text() == "1"
    # Serial (3 + 10 + 15) + (10 + 15 + 10) + (15 + 7) = 85 working days. Actual: stage 1,
    # submitted Mon 1 Jun, closed Fri 5 Jun: 2, 3, [4: the only open item in correction], 5 = 3;
    # stage 2 and stage 3, pre-reviewed 8 Jun, waiting for the land 9–14 Jun, closed 15 Jun: 1
    # each. 85 − 5 = 80 over the one project with closed stages.
    assert board.get_by_test_id("average-saved").inner_text() == "80.0"


def test_the_administrator_edits_and_publishes_the_template_on_a_phone(browser, live_server, on):
    z = zone()
    on(date(2026, 6, 1))
    running = start(z)
    admin = _as(browser, live_server, z.admin, PHONE)
    admin.goto(live_server.url + "/approvals/templates/")
    assert "1" in admin.get_by_test_id("version-1").inner_text()  # the running project
    admin.get_by_test_id("new-draft").click()
    assert "草稿" in admin.get_by_test_id("version-status").inner_text()
    card = admin.get_by_test_id("itemdef-S1-02")
    card.get_by_text("修改事项").click()
    card.locator("input[name=limit_days]").fill("400")
    card.get_by_test_id("save-S1-02").click()
    assert "S1-02 法定时限" in admin.locator("ul.messages").inner_text()
    # The refused form is open again with what was typed: corrected in place.
    card = admin.get_by_test_id("itemdef-S1-02")
    limit = card.locator("input[name=limit_days]")
    assert limit.is_visible() and limit.input_value() == "400"
    limit.fill("6")
    card.locator("select[name=doc_D01]").select_option("deferrable")
    card.get_by_test_id("save-S1-02").click()
    card = admin.get_by_test_id("itemdef-S1-02")
    assert "6" in card.inner_text() and "容缺" in card.inner_text()
    assert admin.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    asked: list[str] = []
    admin.on("dialog", lambda dialog: asked.append(dialog.message))  # _as accepts it
    admin.get_by_test_id("publish").click()
    assert "在办项目仍沿用其启动时的版本" in asked[0]
    assert "在办项目保留原版本" in admin.locator("ul.messages").inner_text()
    assert "已发布" in admin.get_by_test_id("version-status").inner_text()
    assert item(running, "S1-02").limit_days == 10
    assert item(start(z), "S1-02").limit_days == 6
