"""A sale set up and registered for in the browser, as the zone administrator and an applicant,
on the app as `make run` serves it (with its demo data)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from gaoxin.registry.identifiers import make_id_number
from gaoxin.testing.browser import external_requests

pytestmark = pytest.mark.browser

UNITS = "楼栋,单元,房号,建筑面积,总价\n" + "".join(
    f"8号楼,1,{f}0{r},98.00,1650000\n" for f in range(2, 12) for r in (1, 2)
)


def login(page, server, username, password):
    page.on("dialog", lambda dialog: dialog.accept())  # confirmations of irreversible actions
    page.goto(server + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.locator("[data-role]").first.wait_for()


def test_set_up_publish_and_register(browser, demo_server):
    admin = browser.new_context(locale="zh-CN")
    page = admin.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    login(page, demo_server, "admin", "demo-admin-2026")
    page.get_by_role("link", name="销售批次", exact=True).click()
    page.get_by_role("link", name="新建销售批次").click()
    page.get_by_label("楼盘").select_option(index=1)
    page.get_by_label("批次名称").fill("第四批次（浏览器测试）")
    page.get_by_label("批次代码").fill("PW26")
    now = datetime.now()  # noqa: DTZ005  (the form takes local wall-clock time)
    page.get_by_label("登记开始").fill((now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("登记截止").fill((now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="创建").click()
    assert page.get_by_test_id("batch-status").inner_text() == "草稿"
    page.get_by_label("房源表").set_input_files(
        {"name": "房源.csv", "mimeType": "text/csv", "buffer": UNITS.encode()}
    )
    page.get_by_role("button", name="导入房源").click()
    page.get_by_text("已导入 20 套房源").wait_for()
    page.get_by_label("公开的未来随机值").fill(
        "深证成指收盘点位×100 | 深圳证券交易所，登记截止后首个交易日"
    )
    page.get_by_role("button", name="保存声明").click()
    page.get_by_role("button", name="发布并开放登记").click()
    assert page.get_by_test_id("batch-status").inner_text() == "登记中"
    assert external_requests(requests) == []
    admin.close()

    applicant = browser.new_context(locale="zh-CN")
    page = applicant.new_page()
    login(page, demo_server, "applicant", "demo-applicant-2026")
    page.goto(demo_server + "/housing/PW26/")
    page.get_by_role("link", name="登记家庭").click()
    # The demo applicant's account is bound to 张晓明: the form shows them, nobody types them.
    assert page.get_by_label("申请人姓名").input_value() == "张晓明"
    expected = make_id_number("340104", date(1992, 8, 8), 17)
    assert page.get_by_label("申请人身份证号").input_value() == expected
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_label("刚需").check()
    page.get_by_label("我同意").check()
    # A bad ID number is named, and nothing is written.
    page.get_by_label("配偶姓名").fill("李四")
    page.get_by_label("配偶身份证号").fill("340104199208080171")
    page.get_by_role("button", name="提交登记").click()
    assert "校验码与前 17 位不符" in page.locator(".errorlist").first.inner_text()
    assert page.get_by_test_id("regno").count() == 0
    page.get_by_label("配偶姓名").fill("")
    page.get_by_label("配偶身份证号").fill("")
    page.get_by_label("我同意").check()
    page.get_by_role("button", name="提交登记").click()
    assert page.get_by_test_id("regno").inner_text() == "PW26-000001"
    assert len(page.get_by_test_id("salt").inner_text()) == 32
    # One registration per account and sale: the page sends the applicant to it, with no form.
    page.goto(demo_server + "/housing/PW26/register/")
    assert "PW26-000001" in page.get_by_test_id("already-registered").inner_text()
    assert page.get_by_role("button", name="提交登记").count() == 0
    applicant.close()
