"""The zone's pages in a real browser, phone-sized: a zone administrator imports assignments
(a refused file, then a corrected one), and the map draws the grids and leads to a grid's
figures. Nothing is loaded from outside the machine."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from gaoxin.registry.tests.factories import EnterpriseFactory
from gaoxin.servicedesk.models import EnterpriseAssignment, Grid
from gaoxin.testing.browser import external_requests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _square(x: float, y: float) -> dict:
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def _login(page, url, username):
    page.goto(url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_import_then_map_on_a_phone(page, live_server, make_user, tmp_path):
    page.set_viewport_size({"width": 390, "height": 844})
    Grid.objects.create(code="G01", name="第01网格", boundary=_square(120.40, 36.10))
    Grid.objects.create(code="G02", name="第02网格", boundary=_square(120.41, 36.10))
    a, b = EnterpriseFactory(), EnterpriseFactory()
    make_user("zone_admin", username="zoneadmin")
    _login(page, live_server.url, "zoneadmin")
    page.get_by_role("link", name="服务台设置").first.click()
    page.get_by_role("link", name="导入网格分配").click()

    header = "统一社会信用代码,网格编号,载体编号,生效日期\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(header + f"{a.credit_code},G01,,2026-01-01\n{b.credit_code},G09,,2026-01-01\n")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="校验并导入").click()
    refused = page.get_by_test_id("import-refused")
    assert "G09" in refused.inner_text() and "没有此编号的网格" in refused.inner_text()
    assert EnterpriseAssignment.objects.count() == 0

    good = tmp_path / "good.csv"
    good.write_text(header + f"{a.credit_code},G01,,2026-01-01\n{b.credit_code},G02,,2026-01-01\n")
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="校验并导入").click()
    assert "新增分配 2 条" in page.get_by_test_id("import-done").inner_text()
    assert EnterpriseAssignment.objects.count() == 2

    page.get_by_role("link", name="网格地图").first.click()
    svg = page.get_by_test_id("grid-map")
    box = svg.bounding_box()
    assert box is not None and box["width"] <= 390
    assert svg.locator("path").count() == 2
    page.locator('svg a[data-grid="G02"]').click()
    page.wait_for_url("**/servicedesk/dashboard/?grid=G02")
    assert "第02网格" in page.locator("h1").inner_text()
    assert external_requests(page.gaoxin_requests) == []
