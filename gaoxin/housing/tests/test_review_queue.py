"""The review queue at volume and objections that change a decision (issue #14, items 4, 5):
counts by outcome and by failed condition, filters, search, paging; the decision form's empty
choice refused in both languages; an approved override marks the reasons it sets aside; during
the notice a decision changes only by upholding an objection, still by two reviewers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase

from gaoxin.housing import selectors, services
from gaoxin.housing.choices import BatchStatus, OverrideStatus
from gaoxin.housing.models import ApplicationMember, Eligibility, Objection, Override, SaleBatch
from gaoxin.testing.errors import raises_code

from .builders import (
    SYSTEM,
    end_notice,
    registration_batch,
    review,
    start_notice,
)

pytestmark = pytest.mark.django_db

INSURANCE = {
    "pool": "key_industry",
    "condition": "insurance",
    "zh": "社保在 2026-03 中断",
    "en": "insurance gap in 2026-03",
}


def reviewed(make_user: Any, households: int, code: str = "RQ26") -> SaleBatch:
    """Registration closed and the automatic review run: nobody of the builders' households is
    in the registry (each is a bound account's person) without a purchase qualification, so
    every decision has the failed condition `qualification`."""
    return review(registration_batch(make_user, households=households, code=code))


def some_fail_insurance(batch: SaleBatch, count: int) -> list[str]:
    """The first `count` decisions say instead: eligible, but the key-industry pool failed on
    insurance (written directly, as a review of registry facts would have decided)."""
    numbers = list(batch.applications.order_by("number").values_list("number", flat=True)[:count])
    Eligibility.objects.filter(application__number__in=numbers).update(
        general=True, key_industry=False, reasons=[INSURANCE]
    )
    return numbers


def test_counts_filters_search_and_paging(make_user: Any) -> None:
    batch = reviewed(make_user, 30)
    insured = some_fail_insurance(batch, 10)
    ApplicationMember.objects.filter(application__number=insured[3]).update(name="欧阳明月")

    queue = selectors.review_queue_page(batch, per_page=12)
    assert queue.outcome == "attention"
    assert queue.outcome_counts == {
        "attention": 30,
        "overridden": 0,
        "ineligible": 20,
        "eligible": 0,
        "all": 30,
    }
    assert [(c, n) for c, _label, n in queue.condition_counts] == [
        ("qualification", 20),
        ("insurance", 10),
    ]
    assert queue.page.paginator.num_pages == 3 and len(queue.page) == 12
    last = selectors.review_queue_page(batch, page=3, per_page=12)
    assert len(last.page) == 6
    past_the_end = selectors.review_queue_page(batch, page="99", per_page=12)
    assert past_the_end.page.number == 3
    assert selectors.review_queue_page(batch, page="x").page.number == 1

    by_reason = selectors.review_queue_page(batch, condition="insurance")
    assert [e.application.number for e in by_reason.page] == insured
    none = selectors.review_queue_page(batch, outcome="ineligible", condition="insurance")
    assert none.page.paginator.count == 0
    by_number = selectors.review_queue_page(batch, query=insured[5].lower())
    assert [e.application.number for e in by_number.page] == [insured[5]]
    by_name = selectors.review_queue_page(batch, query="欧阳", outcome="all")
    assert [e.application.number for e in by_name.page] == [insured[3]]
    unknown = selectors.review_queue_page(batch, outcome="nonsense", condition="nonsense")
    assert (unknown.outcome, unknown.condition) == ("attention", "")


def test_the_page_filters_pages_and_opens_the_decision_form_per_row(
    make_user: Any, client_for: Any
) -> None:
    batch = reviewed(make_user, 55)
    some_fail_insurance(batch, 4)
    reviewer = client_for("reviewer")
    page = reviewer.get(f"/housing/manage/{batch.code}/review/").content.decode()
    assert page.count("<details>") == 50  # one closed form per row, not a form on every row
    assert '<option value="" selected>' in page  # the pool defaults to nothing
    assert 'value="yes" checked' not in page and 'value="no" checked' not in page
    assert "筛选出 55 份申请。" in page and "第 1 页，共 2 页。" in page
    filtered = reviewer.get(
        f"/housing/manage/{batch.code}/review/", {"condition": "insurance"}
    ).content.decode()
    assert "筛选出 4 份申请。" in filtered
    assert filtered.count("社保在 2026-03 中断") == 4
    assert filtered.count('<li data-number="') == 4
    second = reviewer.get(f"/housing/manage/{batch.code}/review/", {"page": 2}).content.decode()
    assert second.count('<li data-number="') == 5


def test_an_empty_decision_is_refused_with_a_clear_error(make_user: Any, client_for: Any) -> None:
    batch = reviewed(make_user, 3)
    application = batch.applications.order_by("number").first()
    assert application is not None
    reviewer = make_user("reviewer")
    with raises_code("housing.override_decision_required"):
        services.override_propose(
            actor=reviewer, application=application, pool="", eligible=None, reason="x" * 12
        )
    with raises_code("housing.override_decision_required"):
        services.override_propose(
            actor=reviewer,
            application=application,
            pool="general",
            eligible=None,
            reason="x" * 12,
        )
    client = client_for("reviewer")
    answer = client.post(
        f"/housing/manage/{batch.code}/review/overrides/",
        {
            "number": application.number,
            "pool": "",
            "reason": "现场核验户籍材料一致",
            "back": "outcome=all&page=1&next=//evil.example",
        },
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"/housing/manage/{batch.code}/review/?outcome=all&page=1"
    shown = client.get(answer["Location"]).content.decode()
    assert "请选择要改判的资格类别和新的决定" in shown
    client.cookies["gaoxin_language"] = "en"
    client.post(
        f"/housing/manage/{batch.code}/review/overrides/",
        {"number": application.number, "pool": "general", "reason": "checked on site, fine"},
    )
    shown = client.get(f"/housing/manage/{batch.code}/review/").content.decode()
    assert "Choose the pool and the new decision" in shown
    assert not Override.objects.exists()


def test_an_approved_override_marks_the_reason_it_sets_aside(make_user: Any) -> None:
    batch = reviewed(make_user, 3)
    application = batch.applications.order_by("number").first()
    assert application is not None
    first, second = make_user("reviewer"), make_user("reviewer")
    override = services.override_propose(
        actor=first,
        application=application,
        pool="general",
        eligible=True,
        reason="户籍与社保原件经现场核验一致",
    )
    with raises_code("housing.second_reviewer_required"):
        services.override_decide(actor=first, override=override, approve=True)
    services.override_decide(actor=second, override=override, approve=True)
    decision = Eligibility.objects.get(application=application)
    assert decision.general is True and decision.overridden is True
    assert [r["condition"] for r in decision.reasons] == ["qualification"]
    assert decision.reasons[0]["overridden"] == override.pk
    queue = selectors.review_queue_page(batch)
    assert queue.outcome_counts["attention"] == 2 and queue.outcome_counts["overridden"] == 1
    # the automatic review run again keeps the approved change and its mark
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.review_start(actor=SYSTEM, batch=batch)
    again = Eligibility.objects.get(application=application)
    assert again.general is True and again.reasons[0]["overridden"] == override.pk


def notice_with_objection(make_user: Any) -> tuple[SaleBatch, Objection]:
    batch = start_notice(reviewed(make_user, 4, code="OB26"))
    application = batch.applications.order_by("number").first()
    assert application is not None and application.user is not None
    objection = services.objection_file(
        actor=application.user, application=application, text="我已在区内连续缴纳社保两年，请核实。"
    )
    return batch, objection


def test_during_the_notice_a_decision_changes_only_by_an_upheld_objection(
    make_user: Any, client_for: Any
) -> None:
    batch, objection = notice_with_objection(make_user)
    application = objection.application
    first, second = make_user("reviewer"), make_user("reviewer")
    with raises_code("housing.override_closed"):
        services.override_propose(
            actor=first,
            application=application,
            pool="general",
            eligible=True,
            reason="不经异议直接改判的尝试",
        )
    queue = client_for("reviewer").get(f"/housing/manage/{batch.code}/review/").content.decode()
    assert "<details>" not in queue  # no row offers a form that could only fail
    assert "公示进行中" in queue

    with raises_code("housing.override_decision_required"):
        services.objection_uphold(
            actor=first, objection=objection, answer="经核实社保连续缴纳", pool="", eligible=None
        )
    override = services.objection_uphold(
        actor=first,
        objection=objection,
        answer="经核实，社保与户籍材料齐全，申请人符合基本条件。",
        pool="general",
        eligible=True,
    )
    assert override.objection == objection and override.status == OverrideStatus.PROPOSED
    with raises_code("housing.objection_answered"):
        services.objection_answer(actor=second, objection=objection, answer="再次答复的尝试")
    end_notice(batch)
    with raises_code("housing.overrides_pending"):
        services.roster_freeze(actor=SYSTEM, batch=batch)
    services.override_decide(actor=second, override=override, approve=True)
    decision = Eligibility.objects.get(application=application)
    assert decision.general is True and decision.reasons[0]["overridden"] == override.pk

    [view] = selectors.objections_with_history(batch)
    assert [step.kind for step in view.history] == ["filed", "upheld", "proposed", "approved"]
    page = client_for("reviewer").get(f"/housing/manage/{batch.code}/objections/").content.decode()
    assert "我已在区内连续缴纳社保两年，请核实。" in page
    assert "第二名审核员批准：审核结果已改判" in page
    roster = services.roster_freeze(actor=SYSTEM, batch=batch)
    assert roster.size == 1  # the household whose objection was upheld is in the roster
    assert SaleBatch.objects.get(pk=batch.pk).status == BatchStatus.FROZEN


def test_the_objection_form_asks_for_an_outcome(make_user: Any, client_for: Any) -> None:
    batch, objection = notice_with_objection(make_user)
    reviewer = client_for("reviewer")
    url = f"/housing/manage/{batch.code}/objections/{objection.pk}/answer/"
    shown = reviewer.post(url, {"answer": "已收到，正在核实。"}, follow=True).content.decode()
    assert "请选择答复结果" in shown
    assert Objection.objects.get(pk=objection.pk).answered_at is None
    shown = reviewer.post(
        url, {"outcome": "dismiss", "answer": "经核实，原审核结果无误。"}, follow=True
    ).content.decode()
    assert "答复已记录，维持原审核结果。" in shown
    assert "已答复：维持原审核结果" in shown
    assert not Override.objects.exists()
