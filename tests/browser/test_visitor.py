"""A visitor, with no account, on a phone (390 px) and a laptop (1366 px), in `make run`'s demo:
from the home page to the finished sale GX26A, its results lookup and every file published for
it, by following links only (issue #14: results must be found, not typed)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from gaoxin.testing.browser import external_requests

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1366])
def test_a_visitor_finds_a_finished_sales_results_and_files_from_the_home_page(
    browser: Any, demo_server: str, width: int
) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(demo_server + "/")
    page.get_by_role("link", name="商品房摇号销售：公告、公示、摇号结果与结案报告").click()
    card = page.get_by_test_id("batch-GX26A")
    expect(card).to_contain_text("已结束")
    # Every public page and file of the finished sale is linked from its card.
    links = {
        text: card.get_by_role("link", name=text, exact=True).get_attribute("href")
        for text in card.locator("ul.links a").all_inner_texts()
    }
    assert "摇号结果与个人查询" in links and "结案报告" in links, links
    for text, href in links.items():
        answer = page.request.get(demo_server + href)
        assert answer.status == 200, (text, href, answer.status)
        if href.endswith(".pdf"):
            assert answer.body().startswith(b"%PDF"), text
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # The results page, and one's own entry looked up by registration number.
    card.get_by_role("link", name="摇号结果与个人查询").click()
    expect(page.locator("h1")).to_have_text("摇号结果")
    roster = page.request.get(f"{demo_server}/housing/GX26A/roster.csv").text()
    number = roster.splitlines()[1].split(",")[0]  # the first entry of the frozen roster
    page.get_by_label("登记号").fill(number)
    page.get_by_role("button", name="查询").click()
    result = page.get_by_test_id("result")
    expect(result).to_contain_text(number)
    assert "中签" in result.inner_text() or "未中签" in result.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # A number not in the roster is answered plainly.
    page.get_by_label("登记号").fill("GX26A-999999")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#lookup-result")).to_contain_text("名单中没有")
    assert external_requests(requested) == []
    context.close()
