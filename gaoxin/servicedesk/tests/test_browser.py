"""The grid service desk in a real browser, phone-sized where an officer works: an enterprise
submits a request; the officer takes it, waits for a document and resumes; the deadline job
escalates it to the leader and then to the department; the department resolves it; the
enterprise rates it unsatisfied, it is redone and closed; the leadership's dashboard counts it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gaoxin.servicedesk.models import ServiceRequest
from gaoxin.servicedesk.services import escalation

from .builders import PASSWORD, desk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _as(browser, live_server, user, viewport):
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("form:has(input[name=username]) button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return context, page


def _headline(page, code):
    return page.locator(f'[data-figure="{code}"] .value').inner_text()


def test_a_request_from_submission_through_escalation_redo_and_close(browser, live_server):
    d = desk()
    leader_ctx, board = _as(browser, live_server, d.leadership, DESKTOP)
    board.goto(live_server.url + "/servicedesk/dashboard/")
    assert _headline(board, "accepted") == "0"

    # The enterprise submits on its phone.
    company_ctx, company = _as(browser, live_server, d.company, PHONE)
    company.goto(live_server.url + "/servicedesk/new/")
    company.get_by_label("类别").select_option("hiring")
    company.get_by_label("诉求标题").fill("急需招聘十名软件工程师")
    company.get_by_label("遇到什么问题，需要什么帮助？").fill("希望网格帮助对接高校和人才市场。")
    company.get_by_role("button", name="提交").click()
    company.get_by_test_id("request-status").wait_for()
    assert "已派单" in company.get_by_test_id("request-status").inner_text()
    number = company.url.rstrip("/").rsplit("/", 1)[-1]

    # The officer, on a phone: takes it, waits for a document, resumes.
    officer_ctx, officer = _as(browser, live_server, d.officer, PHONE)
    officer.goto(live_server.url + "/servicedesk/")
    officer.get_by_role("link", name="急需招聘十名软件工程师").click()
    officer.get_by_role("button", name="接单办理").click()
    assert "办理中" in officer.get_by_test_id("request-status").inner_text()
    officer.get_by_text("挂起等待企业（暂停计时）").click()
    officer.get_by_label("需要企业补充的内容（将发送给企业）").fill("请提供岗位需求清单。")
    officer.get_by_role("button", name="挂起", exact=True).click()
    assert "计时暂停" in officer.get_by_test_id("request-status").inner_text()
    company.reload()
    assert "请提供岗位需求清单" in company.get_by_test_id("history").inner_text()
    officer.get_by_role("button", name="企业已补充，恢复办理").click()
    assert "办理中" in officer.get_by_test_id("request-status").inner_text()
    # Nothing overflows the phone's width.
    assert officer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The deadline job: overdue at the officer, then at the leader: the department has it.
    request = ServiceRequest.objects.get(number=number)
    for _step in ("to the leader", "to the department"):
        assert request.step_due is not None
        escalation.escalate_overdue(on=request.step_due + timedelta(days=1))
        request.refresh_from_db()
    assert request.department == d.department

    clerk_ctx, clerk = _as(browser, live_server, d.clerk, DESKTOP)
    clerk.goto(live_server.url + "/servicedesk/")
    clerk.get_by_role("link", name="急需招聘十名软件工程师").click()
    assert "超期自动上报" in clerk.locator("ol.ladder").inner_text()
    clerk.get_by_role("button", name="接单办理").click()
    clerk.get_by_label("答复企业（企业将看到并评价）").fill("已组织专场招聘会，企业到场招聘。")
    clerk.once("dialog", lambda dialog: dialog.accept())
    clerk.get_by_role("button", name="办结", exact=True).click()
    assert "已办结" in clerk.get_by_test_id("request-status").inner_text()

    # The enterprise is not satisfied: the request is redone (重办).
    company.reload()
    company.get_by_label("1 ★").check()
    company.get_by_label("评价意见（选填）").fill("招聘会岗位不对口")
    company.get_by_role("button", name="提交评价").click()
    assert "办理中" in company.get_by_test_id("request-status").inner_text()
    assert "重办" in company.get_by_test_id("history").inner_text()

    clerk.reload()
    clerk.get_by_label("答复企业（企业将看到并评价）").fill("已推荐两所高校定向输送。")
    clerk.once("dialog", lambda dialog: dialog.accept())
    clerk.get_by_role("button", name="办结", exact=True).click()
    company.reload()
    company.get_by_label("5 ★").check()
    company.get_by_role("button", name="提交评价").click()
    assert "已结案" in company.get_by_test_id("request-status").inner_text()

    # The dashboard counts it: one accepted, resolved, rated satisfied, not settled in the grid.
    board.reload()
    assert _headline(board, "accepted") == "1"
    assert _headline(board, "resolution") == "100.0%"
    assert _headline(board, "satisfaction") == "100.0%"
    assert _headline(board, "in_grid") == "0.0%"
    assert _headline(board, "on_time") == "0.0%"  # two steps ran over their limits
    for context in (leader_ctx, company_ctx, officer_ctx, clerk_ctx):
        context.close()
