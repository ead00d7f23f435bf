"""Visits and notices on a phone, in `make run`'s demo zone: the demo officer records a visit
from the list of visits due and turns its finding into a request with one click; the demo
enterprise acknowledges the cold-wave notice, and the officer's list of enterprises to chase
loses it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gaoxin.testing.browser import external_requests

pytestmark = pytest.mark.browser


def _login(page, server: str, username: str) -> None:
    page.goto(server + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(f"demo-{username}-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_officer_visit_to_request_and_enterprise_acknowledges(browser, demo_server):
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    phone.set_default_timeout(15_000)
    officer = phone.new_page()
    requested: list[str] = []
    officer.on("request", lambda r: requested.append(r.url))
    _login(officer, demo_server, "officer")
    officer.goto(demo_server + "/servicedesk/field/visits/")
    due = officer.get_by_test_id("visits-due")
    name = due.locator("li .title").first.inner_text()
    due.get_by_role("link", name="走访").first.click()
    officer.get_by_label("走访记录（交流内容）").fill("与企业负责人座谈")
    officer.get_by_label("发现的问题：企业反映的困难（可转为诉求）").fill("园区道路照明不足")
    officer.get_by_role("button", name="保存走访记录").click()
    expect(officer.locator("h1")).to_contain_text(name)
    officer.get_by_label("类别").select_option("utilities")
    officer.get_by_role("button", name="转为诉求").click()
    officer.wait_for_url("**/servicedesk/requests/**")
    expect(officer.locator("h1")).to_have_text("园区道路照明不足")
    assert officer.evaluate("document.documentElement.scrollWidth") <= 390

    officer.goto(demo_server + "/servicedesk/notices/")
    officer.get_by_test_id("notices").locator("a.title").first.click()
    # The click navigates: count the pending rows on the notice's page, not before it loads.
    expect(officer.get_by_test_id("pending")).to_be_visible()
    notice_url = officer.url
    pending_before = officer.get_by_test_id("pending").locator("tbody tr").count()

    other_phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    other_phone.set_default_timeout(15_000)
    company = other_phone.new_page()
    _login(company, demo_server, "enterprise")
    company.goto(notice_url)
    company.get_by_role("button", name="我单位已阅知").click()
    # The click posts and the page reloads: wait for the answer rather than look at once.
    expect(company.get_by_test_id("acknowledged")).to_be_visible()

    officer.goto(notice_url)
    expect(officer.get_by_test_id("pending").locator("tbody tr")).to_have_count(pending_before - 1)
    assert external_requests(requested) == []
    other_phone.close()
    phone.close()
