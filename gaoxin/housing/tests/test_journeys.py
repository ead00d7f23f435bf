"""The sale as its people meet it (issue #14, items 2, 3): each role's home page lists what
waits for that user, counted from data; the applicant follows the application from
registration to contract, with the decision per pool and the reasons under the pool they
concern, the rounds named in words, and a status that is never "submitted" once decided."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gaoxin.housing import selectors, services
from gaoxin.housing.models import Application, DrawResult, Eligibility

from .builders import (
    SYSTEM,
    closed_batch,
    draft_batch,
    drawn_batch,
    end_notice,
    freeze,
    registration_batch,
    review,
    review_batch,
    start_notice,
)

pytestmark = pytest.mark.django_db

ROUND_CODES = ("first_home", "key_industry", "general", "waitlist")


def page_of(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return str(response.content.decode())


def steps(application: Application, shows: bool = True) -> list[tuple[str, str]]:
    found = selectors.application_get(number=application.number)
    assert found is not None
    return [
        (step.key, step.state)
        for step in selectors.application_timeline(found, shows_decision=shows)
    ]


def test_registered_the_page_says_so_and_the_timeline_shows_what_comes(
    make_user: Any, client: Any
) -> None:
    applicant = make_user("applicant")
    batch = registration_batch(make_user, households=0, code="JR26")
    from .builders import register

    register(batch, 1)
    application = batch.applications.get()
    applicant = application.user  # the household's own bound account
    assert steps(application, shows=False) == [
        ("registered", "done"),
        ("review", "later"),
        ("notice", "later"),
        ("roster", "later"),
        ("draw", "later"),
        ("choice", "later"),
        ("contract", "later"),
    ]
    client.force_login(applicant)
    register_page = page_of(client, f"/housing/{batch.code}/register/")
    assert 'data-testid="already-registered"' in register_page
    assert application.number in register_page
    mine = page_of(client, "/housing/mine/")
    assert "已登记；登记截止后进行资格审核" in mine and "已提交" not in mine
    other = make_user("applicant")
    client.force_login(other)
    assert 'data-testid="already-registered"' not in page_of(
        client, f"/housing/{batch.code}/register/"
    )


def test_not_eligible_the_household_sees_why_under_each_pool(make_user: Any, client: Any) -> None:
    batch = start_notice(review(registration_batch(make_user, households=4, code="NE26")))
    first, claims_first_home = batch.applications.order_by("number")[:2]
    assert claims_first_home.claims_first_home
    # the second household is eligible in general but owns a home (as the registry would say)
    Eligibility.objects.filter(application=claims_first_home).update(
        general=True,
        first_home=False,
        reasons=[
            {
                "pool": "first_home",
                "condition": "no_home",
                "zh": "家庭（本人、配偶或未成年子女）在 2026-06-30 名下有住房",
                "en": "the household owns a home on 2026-06-30",
            }
        ],
    )
    assert steps(first)[:3] == [("registered", "done"), ("review", "bad"), ("notice", "now")]
    assert len(steps(first)) == 3  # the way ends at the review: no roster, no draw
    client.force_login(first.user)
    shown = page_of(client, f"/housing/applications/{first.number}/")
    assert "不符合条件" in shown and "所有家庭须满足的基本条件" in shown
    assert "无有效的购房资格" in shown  # in the registry (bound), without a purchase qualification
    assert "已提交" not in shown
    client.force_login(claims_first_home.user)  # each household has its own bound account
    second = page_of(client, f"/housing/applications/{claims_first_home.number}/")
    decisions = second[second.index('data-testid="eligibility"') :]
    first_home = decisions[decisions.index('data-pool="first_home"') :]
    assert 'data-eligible="no"' in first_home[:60]
    assert first_home.index("名下有住房") < first_home.index("</li>")  # under its pool
    assert 'data-pool="general" data-eligible="yes"' in decisions
    mine = page_of(client, "/housing/mine/")
    assert "符合条件：全部符合条件者" in mine
    assert "已提交" not in mine


def test_drawn_the_rounds_are_named_in_words(make_user: Any, client: Any) -> None:
    batch = drawn_batch(make_user, households=30, code="DW26")
    results = DrawResult.objects.filter(draw=batch.draw)
    won = results.filter(outcome="won").first()
    waiting = results.filter(waitlist__isnull=False).first()
    lost = results.filter(outcome="lost", waitlist__isnull=True).first()
    assert won and waiting and lost
    # Each household follows its own registration from its own bound account.
    for result, words in ((won, "中签，选房顺序号"), (waiting, "候补第"), (lost, "未中签")):
        client.force_login(batch.applications.get(number=result.number).user)
        mine = page_of(client, "/housing/mine/")
        assert words in mine and "已提交" not in mine
    one = results.filter(outcome="won").order_by("choice").first()
    assert one is not None
    client.force_login(batch.applications.get(number=one.number).user)
    shown = page_of(client, f"/housing/applications/{one.number}/")
    timeline = shown[shown.index('data-testid="timeline"') : shown.index('data-testid="check-')]
    words = re.sub(r'data-[a-z]+="[^"]*"', "", timeline)  # the markup's own codes aside
    for code in ROUND_CODES:
        assert code not in words
    assert "中签</h3>" in timeline and "您的选房顺序号为 1" in timeline
    assert "售楼处按选房顺序号依次叫号，您的顺序号为 1。" in timeline
    assert shown.index('data-testid="timeline"') < shown.index('data-testid="check-yourself"')
    assert "fairdraw.pyz prove" in shown[shown.index('data-testid="check-yourself"') :]


def test_contract_signed_ends_the_timeline(make_user: Any, client: Any) -> None:
    batch = closed_batch(make_user, households=12, sold=1, code="CT26")
    turn = batch.turns.get(status="contracted")
    assert steps(turn.application)[-2:] == [("choice", "done"), ("contract", "done")]
    client.force_login(turn.application.user)
    shown = page_of(client, f"/housing/applications/{turn.application.number}/")
    assert "合同编号 HT-1" in shown
    assert f"已签约，房源 {turn.unit}" in page_of(client, "/housing/mine/")


def home(client: Any, user: Any) -> str:
    client.force_login(user)
    shown = page_of(client, "/")
    assert "随模块上线" not in shown
    return shown


def test_each_role_home_page_is_its_to_do_list(make_user: Any, client: Any) -> None:
    reviewer, admin = make_user("reviewer"), make_user("zone_admin")
    notary, applicant = make_user("notary"), make_user("applicant")
    developer = make_user()
    draft_batch(code="TD26", developer=developer)
    reviewing = review(registration_batch(make_user, households=5, code="RV26"))
    frozen = review_batch(make_user, households=3, code="FR26")
    freeze(end_notice(start_notice(frozen)))

    queued = registration_batch(make_user, households=2, code="QU26")
    services.batch_close_registration(actor=SYSTEM, batch=queued)
    services.review_start(actor=SYSTEM, batch=queued, enqueue=False)  # the worker has not run it

    shown = home(client, reviewer)
    assert "QU26：自动审核正在运行" in shown
    assert "RV26：有未满足条件、待查看的申请" in shown
    assert '?outcome=attention">RV26' in shown
    assert '<span class="count">5</span>' in shown

    shown = home(client, admin)
    assert "TD26：设置规则并发布批次" in shown
    assert "RV26：审核已完成，请开始公示" in shown

    assert "FR26：核对已锁定的名单并确认" in home(client, notary)

    shown = home(client, developer)
    assert "TD26：导入在售房源（已导入套数）" in shown
    assert '<span class="count">40</span>' in shown

    mine = registration_batch(make_user, households=0, code="AP26")
    from .builders import register

    register(mine, 1, first=990)  # a household of its own, registered nowhere else
    applicant = mine.applications.get().user
    shown = home(client, applicant)
    number = mine.applications.get().number
    assert f"{number}：已登记；登记截止后进行资格审核" in shown
    assert "正在登记的销售批次" in shown
    assert reviewing.code not in shown
