"""`make run`'s app in a real browser: each demo role logs in and sees its home page; the UI
switches between Chinese and English; nothing is loaded from outside the app."""

from __future__ import annotations

import pytest

from gaoxin.accounts.demo import DEMO_USERS
from gaoxin.testing.browser import external_requests

pytestmark = pytest.mark.browser

ROLE_TITLES_ZH = {
    "zone_admin": "管委会管理员",
    "reviewer": "资格审核员",
    "developer": "开发企业",
    "notary": "公证员",
    "auditor": "审计/纪检",
    "applicant": "申请人",
    "counter_officer": "政务服务窗口人员",
}


@pytest.mark.parametrize(
    ("username", "password", "role"),
    [(u, p, roles[0]) for u, _name, p, roles in DEMO_USERS if u != "reviewer2"],
)
def test_each_role_logs_in_and_sees_its_home(page, demo_server, username, password, role):
    page.goto(demo_server + "/accounts/login/")
    assert page.locator("h1").inner_text() == "登录"
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    card = page.locator(f'[data-role="{role}"]')
    card.wait_for()
    assert card.locator("h2").inner_text() == ROLE_TITLES_ZH[role]
    assert page.get_by_test_id("who").is_visible()
    assert external_requests(page.gaoxin_requests) == []


def test_language_switch_and_no_outside_resources(page, demo_server):
    page.goto(demo_server + "/accounts/login/")
    page.get_by_label("用户名").fill("auditor")
    page.get_by_label("密码").fill("demo-auditor-2026")
    page.get_by_role("button", name="登录").click()
    page.locator('[data-role="auditor"]').wait_for()
    page.get_by_role("link", name="审计日志").first.click()
    assert page.locator("h1").inner_text() == "审计日志"
    assert page.get_by_test_id("chain-head").is_visible()
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("text=Audit log")
    assert page.locator("h1").inner_text() == "Audit log"
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="中文").click()
    page.wait_for_selector("h1:has-text('审计日志')")
    page.goto(demo_server + "/api/docs")
    page.wait_for_selector(".swagger-ui")
    assert external_requests(page.gaoxin_requests) == [], "every resource comes from the app"


def test_phone_layout(browser, demo_server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(demo_server + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_zone_administrator_grants_and_revokes_a_scoped_role_on_a_phone(browser, demo_server):
    """The roles page at 390 px: grant the demo auditor the developer role within the demo
    sales office, then revoke it after the confirmation (the demo data ends as it began)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    dialogs: list[str] = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.goto(demo_server + "/accounts/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("demo-admin-2026")
    page.get_by_role("button", name="登录").click()
    page.locator('[data-role="zone_admin"]').wait_for()
    page.get_by_role("link", name="授予和撤销角色，并限定授权范围").click()
    assert page.locator("h1").inner_text() == "角色"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    form = page.get_by_test_id("grant-form")
    form.get_by_label("用户（用户名）").fill("auditor")
    form.get_by_label("角色").select_option("developer")
    form.locator("select[name=scope]").select_option(label="售楼处：合肥高新置业有限公司（演示）")
    form.get_by_role("button", name="授予").click()
    page.wait_for_selector(".messages li")
    assert "已授予 auditor “开发企业”角色" in page.locator(".messages li").inner_text()
    row = page.get_by_test_id("user-auditor")
    grant = row.locator("li", has_text="售楼处：合肥高新置业有限公司（演示）")
    assert grant.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    grant.get_by_role("button", name="撤销").click()
    page.wait_for_selector(".messages li:has-text('已撤销')")
    assert len(dialogs) == 1 and "确定撤销 auditor 的“开发企业”角色" in dialogs[0]
    row = page.get_by_test_id("user-auditor")
    assert row.locator("li", has_text="售楼处").count() == 0
    context.close()
