"""The dashboard's charts and the monthly report in a real browser, phone-sized: the charts are
drawn (the Content Security Policy lets the app's SVG through) within the screen's width, and the
report downloads from the dashboard's form. Nothing is loaded from outside the machine."""

from __future__ import annotations

import pytest

from gaoxin.testing.browser import external_requests

from .builders import PASSWORD
from .test_monthly import zone  # noqa: F401  (the hand-built data set of test_monthly)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_charts_and_the_monthly_report_on_a_phone(page, live_server, zone):  # noqa: F811
    d, _e = zone
    page.set_viewport_size({"width": 390, "height": 844})
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(d.leadership.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + "/servicedesk/dashboard/?period=2026-11")

    for name in ("每月受理量", "每月办结率与按时办结率（%）", "各网格网格内解决率（%）"):
        chart = page.get_by_role("img", name=name)
        box = chart.bounding_box()
        assert box is not None and 200 < box["width"] <= 390, (name, box)
    # Eleven months without requests and November with four: November's bar is drawn.
    assert page.locator("svg.chart rect").count() > 0
    assert not [text for text in refused if "Content Security Policy" in text]

    form = page.get_by_test_id("monthly-report")
    assert form.get_by_label("月份（如 2026-11）").input_value() == "2026-11"
    with page.expect_download() as download:
        form.get_by_role("button", name="下载 XLSX").click()
    assert download.value.suggested_filename == "monthly-2026-11-zone.xlsx"
    with page.expect_download() as download:
        form.get_by_role("button", name="下载 PDF").click()
    assert download.value.suggested_filename == "monthly-2026-11-zone.pdf"
    assert external_requests(urls) == []
