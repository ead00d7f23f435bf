"""Open calls (揭榜挂帅) through their services and selectors: registry exclusion, declared
conflicts, blind scoring, the drop-high-and-low rule against hand-computed means, the deadline,
the state machine, the award made at confirmation under the programme's ceilings, and bad
input refused in both languages with nothing written."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from gaoxin.common import auditwords
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError
from gaoxin.common.models import AuditEvent, Notification
from gaoxin.support import errors, selectors_calls
from gaoxin.support.choices import AwardStatus, CallStatus, ConflictSource
from gaoxin.support.models import Award, CallApplication, CallConflict, CallScore, OpenCall
from gaoxin.support.scoring import criterion_result, weighted_total
from gaoxin.support.services import calls

from .builders import proposed
from .call_builders import (
    applied,
    call_input,
    deadline_passed,
    enterprise_user,
    expert,
    in_review,
    open_call,
    score,
)

pytestmark = pytest.mark.django_db


def _refused(code, call, *args, **kwargs) -> GaoxinError:
    with pytest.raises(GaoxinError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code.code, caught.value.as_dict()
    return caught.value


def test_the_rule_drops_high_and_low_from_five_scores_and_not_from_four():
    # 5 scores: drop 95 and 40 -> (60 + 70 + 80) / 3 = 70
    assert criterion_result([60, 95, 70, 40, 80], 5) == (Decimal(70), True)
    # 4 scores: the plain mean (60 + 95 + 70 + 40) / 4 = 66.25
    assert criterion_result([60, 95, 70, 40], 5) == (Decimal("66.25"), False)
    assert criterion_result([], 5) == (None, False)
    # weighted: (70 * 40 + 66.25 * 60) / 100 = 67.75
    assert weighted_total([(Decimal(70), 40), (Decimal("66.25"), 60)]) == Decimal("67.75")
    assert weighted_total([(Decimal(70), 40), (None, 60)]) is None


def test_an_expert_employed_by_the_applicant_is_excluded_from_its_application_only():
    world = open_call()
    a1, a2 = in_review(world)
    e1 = world.experts[0]
    found = CallConflict.objects.get(expert=e1)
    assert found.application == a1 and found.source == ConflictSource.REGISTRY
    assert found.tie == "employed" and found.enterprise == world.z.firm
    assert world.z.firm.name in found.describe
    assert list(selectors_calls.expert_applications(e1)) == [a2]
    assert set(selectors_calls.expert_applications(world.experts[1])) == {a1, a2}
    error = _refused(errors.CALL_EXCLUDED, score, e1, a1, 80, 80, 80)
    assert a1.number in error.message("zh") and a1.number in error.message("en")
    assert not CallScore.objects.filter(expert=e1).exists()
    assert AuditEvent.objects.filter(action="support.call_conflict.found").count() == 1


def test_an_expert_acting_for_the_applicant_or_who_left_long_ago():
    world = open_call()
    # expert2 also acts for firm2 (an enterprise user of it): excluded from a2
    from gaoxin.accounts import roles
    from gaoxin.accounts.services import role_grant
    from gaoxin.common.actors import OPERATOR
    from gaoxin.registry.models import Employment

    role_grant(
        actor=OPERATOR,
        user=world.experts[1],
        role=roles.ENTERPRISE_USER,
        scope_kind="enterprise",
        scope_key=world.z.firm2.credit_code,
    )
    # expert3 left firm2 five years ago: no longer tied
    person = world.experts[2].identity_binding.person
    Employment.objects.create(
        person=person,
        enterprise=world.z.firm2,
        started_on=timezone.localdate() - timedelta(days=3000),
        ended_on=timezone.localdate() - timedelta(days=5 * 365),
    )
    a1, a2 = in_review(world)
    pairs = set(CallConflict.objects.values_list("application_id", "expert_id"))
    assert pairs == {(a1.pk, world.experts[0].pk), (a2.pk, world.experts[1].pk)}


def test_a_declared_conflict_is_recorded_audited_and_its_scores_stop_counting():
    world = open_call()
    _a1, a2 = in_review(world)
    e2 = world.experts[1]
    score(e2, a2, 90, 90, 90)
    calls.conflict_declare(actor=e2, application_pk=a2.pk, reason="曾为该企业提供咨询")
    conflict = CallConflict.objects.get(expert=e2, application=a2)
    assert conflict.source == ConflictSource.DECLARED
    assert AuditEvent.objects.filter(action="support.call_conflict.declared").count() == 1
    assert a2 not in selectors_calls.expert_applications(e2)
    row = next(r for r in selectors_calls.ranking(world.call) if r.application == a2)
    assert [c.n for c in row.cells] == [0, 0, 0]
    _refused(errors.CALL_EXCLUDED, score, e2, a2, 10, 10, 10)


def test_scores_are_blind_each_expert_reads_only_their_own():
    world = open_call()
    a1, a2 = in_review(world)
    e2, e3 = world.experts[1], world.experts[2]
    score(e2, a1, 81, 82, 83)
    score(e3, a1, 61, 62, 63)
    mine = selectors_calls.own_scores(e2, [a1.pk, a2.pk])
    assert sorted(mine.values()) == [81, 82, 83]
    assert sorted(selectors_calls.own_scores(e3, [a1.pk]).values()) == [61, 62, 63]
    # an expert off the panel cannot score at all
    outsider = expert("expert9")
    _refused(NOT_ALLOWED, score, outsider, a1, 1, 1, 1)


def test_the_ranking_applies_the_rule_and_ignores_excluded_experts():
    world = open_call(n_experts=6)
    a1, a2 = in_review(world)
    e = world.experts
    # a2: five experts not excluded... expert1 is excluded from a1 only, so a2 has six.
    for expert_user, value in zip(e, [50, 60, 70, 80, 90, 100], strict=True):
        score(expert_user, a2, value, value, value)
    # a1: expert1 excluded; four scores -> plain mean
    for expert_user, value in zip(e[1:5], [40, 60, 80, 100], strict=True):
        score(expert_user, a1, value, value, value)
    ranked = selectors_calls.ranking(world.call)
    assert [r.application for r in ranked] == [a2, a1]
    # a2: drop 50 and 100 -> (60 + 70 + 80 + 90) / 4 = 75
    assert ranked[0].total == Decimal("75.00") and ranked[0].cells[0].trimmed
    # a1: (40 + 60 + 80 + 100) / 4 = 70, not trimmed (four non-excluded scores)
    assert ranked[1].total == Decimal("70.00") and not ranked[1].cells[0].trimmed
    assert ranked[1].excluded == 1


def test_the_deadline_closes_applications_and_closing_waits_for_it():
    world = open_call()
    _refused(
        errors.CALL_DEADLINE_NOT_PASSED, calls.call_close, actor=world.z.admin, pk=world.call.pk
    )
    deadline_passed(world.call)
    error = _refused(
        errors.CALL_DEADLINE_PASSED,
        calls.application_submit,
        actor=world.rep1,
        pk=world.call.pk,
        team="迟到团队",
        proposal="截止之后的方案内容",
    )
    assert "截止" in error.message("zh") and "closed" in error.message("en")
    assert not CallApplication.objects.exists()


def test_one_application_per_enterprise_and_only_the_eligible_apply():
    world = open_call()
    applied(world)
    _refused(
        errors.CALL_ALREADY_APPLIED,
        calls.application_submit,
        actor=world.rep1,
        pk=world.call.pk,
        team="第二组",
        proposal="另一个方案的详细内容",
    )
    _refused(
        errors.CALL_NOT_ELIGIBLE,
        calls.application_submit,
        actor=world.experts[1],
        pk=world.call.pk,
        team="个人",
        proposal="个人无企业的方案内容",
    )


def test_transitions_out_of_order_are_refused_by_the_state_machine():
    world = open_call()
    admin = world.z.admin
    with translation.override("zh-hans"):
        error = _refused(errors.CALL_TRANSITION, calls.review_start, actor=admin, pk=world.call.pk)
    assert "开放申报" in error.message("zh") and "专家评审" in error.message("zh")
    with translation.override("en"):
        error = _refused(errors.CALL_TRANSITION, calls.review_start, actor=admin, pk=world.call.pk)
    assert "Open for applications" in error.message("en")
    _refused(errors.CALL_TRANSITION, calls.call_publish, actor=admin, pk=world.call.pk)
    _refused(errors.CALL_TRANSITION, calls.call_confirm, actor=admin, pk=world.call.pk)
    _refused(NOT_ALLOWED, calls.call_publish, actor=world.z.auditor, pk=world.call.pk)


def _to_notice(world):
    a1, a2 = in_review(world)
    for expert_user in world.experts[1:]:
        score(expert_user, a1, 90, 85, 80)
        score(expert_user, a2, 70, 70, 70)
    score(world.experts[0], a2, 60, 60, 60)
    admin = world.z.admin
    _refused(
        errors.CALL_NO_WINNER,
        calls.call_decide,
        actor=admin,
        pk=world.call.pk,
        application_pk=999_999,
    )
    calls.call_decide(actor=admin, pk=world.call.pk, application_pk=a1.pk)
    calls.call_announce(actor=admin, pk=world.call.pk, days="7")
    return a1, a2


def test_notice_objections_then_confirmation_makes_the_award():
    world = open_call()
    a1, _a2 = _to_notice(world)
    admin, pk = world.z.admin, world.call.pk
    objection = calls.objection_file(actor=world.rep2, pk=pk, text="评分过程请说明依据")
    _refused(errors.CALL_NOTICE_RUNNING, calls.call_confirm, actor=admin, pk=pk)
    OpenCall.objects.filter(pk=pk).update(notice_ends_at=timezone.now() - timedelta(seconds=1))
    _refused(
        errors.CALL_NOTICE_CLOSED,
        calls.objection_file,
        actor=world.rep2,
        pk=pk,
        text="晚到的异议内容",
    )
    _refused(errors.CALL_OBJECTIONS_OPEN, calls.call_confirm, actor=admin, pk=pk)
    calls.objection_answer(actor=admin, objection_pk=objection.pk, answer="评分依据已在排名页列明")
    call = calls.call_confirm(actor=admin, pk=pk)
    assert call.status == CallStatus.CONFIRMED
    told = Notification.objects.filter(subject__contains=call.number)
    assert set(
        told.filter(link="/support/expert/").values_list("recipient__username", flat=True)
    ) == {
        "expert1",
        "expert2",
        "expert3",
    }
    assert set(
        told.filter(link=f"/support/open-calls/{pk}/").values_list("recipient__username", flat=True)
    ) == {"rep1", "rep2"}
    award = call.award
    assert award is not None
    assert award.enterprise == a1.enterprise and award.amount == 3_000_000
    assert award.status == AwardStatus.PROPOSED and award.programme.code == "competition"
    actions = [e.action for e in AuditEvent.objects.filter(action__startswith="support.call.")]
    for name in ("publish", "close", "start_review", "decide", "announce", "confirm"):
        assert f"support.call.{name}" in actions
    written = set(AuditEvent.objects.values_list("action", flat=True))
    assert written - auditwords.known_actions() == set()


def test_confirmation_passing_the_ceiling_is_refused_and_nothing_is_written():
    world = open_call()
    # the winner's enterprise already has 8,000,000 of the 10,000,000 competition ceiling
    from gaoxin.support.services import awards

    earlier = proposed(world.z, "competition", world.z.firm.credit_code, 8_000_000)
    awards.award_approve(actor=world.z.leader, pk=earlier.pk)
    _to_notice(world)
    pk = world.call.pk
    OpenCall.objects.filter(pk=pk).update(notice_ends_at=timezone.now() - timedelta(seconds=1))
    error = _refused(errors.OVER_RECIPIENT_CEILING, calls.call_confirm, actor=world.z.admin, pk=pk)
    assert "10,000,000" in error.message("zh") and "11,000,000" in error.message("en")
    assert OpenCall.objects.get(pk=pk).status == CallStatus.NOTICE
    assert Award.objects.count() == 1


@pytest.mark.parametrize(
    ("override", "code", "zh", "en"),
    [
        ({"criteria": "技术先进性:40\n可行性"}, errors.CALL_CRITERIA_INVALID, "第 2 行", "row 2"),
        ({"criteria": "技术:0"}, errors.CALL_CRITERIA_INVALID, "技术:0", "技术:0"),
        ({"reward": "十万"}, errors.AMOUNT_INVALID, "十万", "Reward"),
        ({"reward": "10000001"}, errors.CALL_REWARD_OVER_CEILING, "10,000,000", "10,000,001"),
        ({"deadline": "明天"}, errors.CALL_DEADLINE_INVALID, "明天", "Deadline"),
        ({"title": "  "}, errors.FIELD_REQUIRED, "榜单名称", "Title"),
        ({"eligibility": "teams"}, errors.CALL_ELIGIBILITY_PROGRAMME, "企业", "enterprises"),
        ({"programme_code": "nope"}, errors.UNKNOWN_PROGRAMME, "nope", "nope"),
        ({"trim_from": "2"}, errors.VALUE_INVALID, "最高分", "highest and lowest"),
        ({"trim_from": "五"}, errors.VALUE_INVALID, "3 至 30", "3 to 30"),
    ],
)
def test_bad_call_input_is_named_in_both_languages_and_nothing_is_written(override, code, zh, en):
    world_admin = open_call().z.admin
    before = OpenCall.objects.count()
    error = _refused(code, calls.call_create, actor=world_admin, data=call_input(**override))
    assert zh in error.message("zh") and en in error.message("en")
    assert OpenCall.objects.count() == before


def test_a_bad_score_names_the_criterion_and_saves_nothing():
    world = open_call()
    a1, _a2 = in_review(world)
    error = _refused(errors.CALL_SCORE_INVALID, score, world.experts[1], a1, 90, 101, 80)
    assert "可行性" in error.message("zh") and "101" in error.message("en")
    assert not CallScore.objects.exists()


def test_a_team_call_takes_bound_people_and_excludes_the_leads_colleagues():
    world = open_call()
    z = world.z
    call = calls.call_create(
        actor=z.admin,
        data=call_input(programme_code="talent", eligibility="teams", reward="1000000"),
    )
    # the lead works at firm; expert1 too (same employer): excluded
    lead_user = expert("leaduser", employer=z.firm)
    calls.panel_set(actor=z.admin, pk=call.pk, usernames=["expert1", "expert2"])
    calls.call_publish(actor=z.admin, pk=call.pk)
    app = calls.application_submit(
        actor=lead_user, pk=call.pk, team="青年科学家团队", proposal="新型传感器的研制方案"
    )
    assert app.lead == lead_user.identity_binding.person
    _refused(
        errors.CALL_NOT_ELIGIBLE,
        calls.application_submit,
        actor=enterprise_user("nobody", z.firm2.credit_code),
        pk=call.pk,
        team="无人团队",
        proposal="没有绑定身份的申报",
    )
    deadline_passed(call)
    calls.call_close(actor=z.admin, pk=call.pk)
    calls.review_start(actor=z.admin, pk=call.pk)
    assert set(
        CallConflict.objects.filter(application=app).values_list("expert__username", flat=True)
    ) == {"expert1"}


def test_the_demo_has_an_open_call_and_one_in_notice_with_an_excluded_expert():
    from gaoxin.registry.tests.factories import EnterpriseFactory, PersonFactory
    from gaoxin.support.demo import load_demo_support

    EnterpriseFactory.create_batch(2)
    PersonFactory.create_batch(3)
    assert any("open calls" in line for line in load_demo_support())
    statuses = sorted(OpenCall.objects.values_list("status", flat=True))
    assert statuses == sorted([CallStatus.OPEN, CallStatus.NOTICE])
    noticed = OpenCall.objects.get(status=CallStatus.NOTICE)
    assert (
        CallScore.objects.filter(application__call=noticed).values("expert").distinct().count() == 3
    )
    conflict = CallConflict.objects.get(application__call=noticed)
    assert conflict.source == ConflictSource.REGISTRY and conflict.expert.username == "zhuanjia1"
    ranked = selectors_calls.ranking(noticed)
    assert noticed.winner == ranked[0].application
    # first: (88 + 84) / 2 * 0.4 + (85 + 80) / 2 * 0.3 + (90 + 86) / 2 * 0.3 = 85.55
    assert ranked[0].total == Decimal("85.55")


def test_the_scheduler_closes_calls_whose_deadline_passed_and_only_those():
    from gaoxin.common.actors import SCHEDULER

    world = open_call()
    later = calls.call_create(actor=world.z.admin, data=call_input(title="另一个榜单"))
    calls.call_publish(actor=world.z.admin, pk=later.pk)
    assert calls.calls_close_due(actor=SCHEDULER) == 0
    deadline_passed(world.call)
    assert calls.calls_close_due(actor=SCHEDULER) == 1
    assert OpenCall.objects.get(pk=world.call.pk).status == CallStatus.CLOSED
    assert OpenCall.objects.get(pk=later.pk).status == CallStatus.OPEN
    event = AuditEvent.objects.filter(action="support.call.close").get()
    assert event.actor is None and "scheduler" in event.actor_name


def test_the_call_keeps_the_number_of_scores_its_rule_drops_from():
    admin = open_call().z.admin
    call = calls.call_create(actor=admin, data=call_input(trim_from="4"))
    assert call.trim_from == 4
    assert calls.call_create(actor=admin, data=call_input()).trim_from == 5
