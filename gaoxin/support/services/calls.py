"""Open calls (揭榜挂帅): posting a call, applications before the deadline, the expert panel
(registry conflicts found when review starts, further conflicts declared by experts), blind
scoring, the zone's decision, the public notice (公示) with objections and their answers, and
the confirmation that makes the award under the call's programme (awards.award_propose: the
ceilings apply).

Locks, always in this order: the call, then the application or objection. Every transition goes
through states.CALL, which audits it as support.call.<transition>."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from gaoxin.accounts.models import User
from gaoxin.common import audit, notifications
from gaoxin.common.actors import Actor, is_system, user_of
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure
from gaoxin.registry.models import Enterprise, IdentityBinding

from .. import access, errors, selectors_calls
from ..choices import CallEligibility, CallStatus, ConflictSource, ConflictTie
from ..models import (
    CallApplication,
    CallConflict,
    CallCriterion,
    CallExpert,
    CallObjection,
    CallScore,
    OpenCall,
    Programme,
)
from ..states import CALL
from .awards import _amount, _yuan, award_propose

ELIGIBILITY_TEXT = {
    CallEligibility.ENTERPRISES: ("在园区登记的企业", "enterprises registered in the zone"),
    CallEligibility.TEAMS: ("由登记簿中人员牵头的团队", "teams led by a person in the registry"),
}


def _may(actor: Actor, allowed: bool) -> None:
    if not is_system(actor):
        ensure(allowed, NOT_ALLOWED)


def _lock(pk: int) -> OpenCall:
    return OpenCall.objects.select_for_update().get(pk=pk)


def _when(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _text(raw: str, field_zh: str, field_en: str, n: int = 1) -> str:
    text = (raw or "").strip()
    ensure(bool(text), errors.FIELD_REQUIRED, field_zh=field_zh, field_en=field_en)
    ensure(len(text) >= n, errors.CALL_TEXT_SHORT, field_zh=field_zh, field_en=field_en, n=n)
    return text


def parse_deadline(raw: object) -> datetime:
    if isinstance(raw, datetime):
        value: datetime | None = raw
    else:
        text = str(raw or "").strip().replace("T", " ")
        try:
            value = parse_datetime(text)
        except ValueError:
            value = None
    if value is None:
        raise GaoxinError(errors.CALL_DEADLINE_INVALID, value=str(raw)[:40])
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def parse_criteria(text: str) -> list[tuple[str, int]]:
    """One criterion a line, “name:weight” (a full-width colon works too)."""
    rows: list[tuple[str, int]] = []
    for row, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, sep, weight = line.replace("：", ":").rpartition(":")
        name, weight = name.strip(), weight.strip()
        if not sep or not name or not weight.isdigit() or not 1 <= int(weight) <= 100:
            raise GaoxinError(errors.CALL_CRITERIA_INVALID, row=row, value=line[:60])
        rows.append((name[:100], int(weight)))
    ensure(bool(rows), errors.FIELD_REQUIRED, field_zh="评审标准", field_en="Criteria")
    return rows


@dataclass(frozen=True)
class CallInput:
    title: str
    problem: str
    outcome: str
    programme_code: str
    reward: object
    year: int
    eligibility: str
    deadline: object
    criteria: str
    trim_from: object = 5  # drop highest and lowest per criterion from this many scores


def _validated(data: CallInput) -> tuple[dict[str, object], list[tuple[str, int]]]:
    title = _text(data.title, "榜单名称", "Title")
    problem = _text(data.problem, "技术难题", "Problem")
    outcome = _text(data.outcome, "预期成果", "Outcome wanted")
    programme = Programme.objects.filter(code=data.programme_code).first()
    if programme is None:
        raise GaoxinError(errors.UNKNOWN_PROGRAMME, value=str(data.programme_code)[:40])
    reward = _amount(data.reward, "奖励金额", "Reward")
    ensure(
        reward <= programme.ceiling_per_recipient,
        errors.CALL_REWARD_OVER_CEILING,
        reward=_yuan(reward),
        programme=programme.name_zh,
        programme_en=programme.name_en,
        limit=_yuan(programme.ceiling_per_recipient),
    )
    if data.eligibility not in CallEligibility.values:
        raise GaoxinError(errors.FIELD_REQUIRED, field_zh="揭榜对象", field_en="Who may apply")
    expected = CallEligibility.TEAMS if programme.for_people else CallEligibility.ENTERPRISES
    if data.eligibility != expected:
        zh, en = ELIGIBILITY_TEXT[expected]
        raise GaoxinError(
            errors.CALL_ELIGIBILITY_PROGRAMME,
            programme=programme.name_zh,
            programme_en=programme.name_en,
            kind_zh="个人" if programme.for_people else "企业",
            kind_en="people" if programme.for_people else "enterprises",
            expected_zh=zh,
            expected_en=en,
        )
    ensure(2000 <= int(data.year) <= 2100, errors.YEAR_INVALID, value=str(data.year)[:10])
    deadline = parse_deadline(data.deadline)
    trim = str(data.trim_from).strip()
    if not trim.isdigit() or not 3 <= int(trim) <= 30:
        raise GaoxinError(
            errors.VALUE_INVALID,
            field_zh="去掉最高分和最低分所需的评分数",
            field_en="Scores needed before the highest and lowest are dropped",
            value=trim[:10],
            reason_zh="应为 3 至 30 的整数",
            reason_en="a whole number from 3 to 30",
        )
    fields = {
        "trim_from": int(trim),
        "title": title[:200],
        "problem": problem[:8000],
        "outcome": outcome[:8000],
        "programme": programme,
        "reward": reward,
        "year": int(data.year),
        "eligibility": data.eligibility,
        "deadline": deadline,
    }
    return fields, parse_criteria(data.criteria)


def _terms_written(
    actor: Actor, call: OpenCall, criteria: list[tuple[str, int]], action: str
) -> None:
    """The call's criteria in their published order, and the audit event of its terms."""
    CallCriterion.objects.bulk_create(
        CallCriterion(call=call, seq=i, name=name, weight=w)
        for i, (name, w) in enumerate(criteria, start=1)
    )
    audit.record(
        actor=actor,
        action=action,
        obj=call,
        after={"title": call.title, "reward": call.reward, "criteria": criteria},
    )


@transaction.atomic
def call_create(*, actor: Actor, data: CallInput) -> OpenCall:
    """A draft call with its criteria; nothing is written if any field is wrong."""
    _may(actor, access.can_manage_calls(actor))
    fields, criteria = _validated(data)
    call = OpenCall.objects.create(number=f"~{timezone.now().timestamp()}", **fields)
    call.number = f"JB{call.year}-{call.pk:04d}"
    call.save(update_fields=["number"])
    _terms_written(actor, call, criteria, "support.call.created")
    return call


@transaction.atomic
def call_update(*, actor: Actor, pk: int, data: CallInput) -> OpenCall:
    """Edit a draft call (once published, its terms are fixed)."""
    _may(actor, access.can_manage_calls(actor))
    call = _lock(pk)
    if call.status != CallStatus.DRAFT:
        raise GaoxinError(
            errors.CALL_TRANSITION,
            current=CallStatus(call.status).label,
            target=CallStatus.DRAFT.label,
        )
    fields, criteria = _validated(data)
    for name, value in fields.items():
        setattr(call, name, value)
    call.save()
    call.criteria.all().delete()
    _terms_written(actor, call, criteria, "support.call.edited")
    return call


@transaction.atomic
def panel_set(*, actor: Actor, pk: int, usernames: list[str]) -> list[User]:
    """The call's expert panel (users holding the review expert role), before review starts."""
    _may(actor, access.can_manage_calls(actor))
    call = _lock(pk)
    if call.status not in (CallStatus.DRAFT, CallStatus.OPEN, CallStatus.CLOSED):
        raise GaoxinError(
            errors.CALL_TRANSITION,
            current=CallStatus(call.status).label,
            target=CallStatus.REVIEW.label,
        )
    experts: list[User] = []
    for name in dict.fromkeys(u.strip() for u in usernames if u.strip()):
        found = User.objects.filter(username=name).first()
        if found is None or not access.is_expert(found):
            raise GaoxinError(errors.CALL_NOT_EXPERT, value=name[:40])
        experts.append(found)
    CallExpert.objects.filter(call=call).delete()
    CallExpert.objects.bulk_create(CallExpert(call=call, user=u) for u in experts)
    audit.record(
        actor=actor,
        action="support.call.panel_set",
        obj=call,
        after={"experts": [u.username for u in experts]},
    )
    return experts


@transaction.atomic
def call_publish(*, actor: Actor, pk: int) -> OpenCall:
    _may(actor, access.can_manage_calls(actor))
    call = _lock(pk)
    CALL.ensure(call.status, CallStatus.OPEN)
    ensure(call.deadline > timezone.now(), errors.CALL_DEADLINE_INVALID, value=_when(call.deadline))
    CALL.apply(
        actor=actor, obj=call, target=CallStatus.OPEN, after={"deadline": _when(call.deadline)}
    )
    return call


@transaction.atomic
def application_submit(
    *, actor: Actor, pk: int, team: str, proposal: str, credit_code: str = ""
) -> CallApplication:
    """Apply for an open call before its deadline: for the enterprise the account acts for
    (calls open to enterprises), or as a team led by the person the account is bound to."""
    call = _lock(pk)
    user = user_of(actor)
    ensure(user is not None and access.can_read_calls(user), NOT_ALLOWED)
    ensure(
        call.status == CallStatus.OPEN and timezone.now() < call.deadline,
        errors.CALL_DEADLINE_PASSED,
        deadline=_when(call.deadline),
    )
    team = _text(team, "团队名称", "Team")
    proposal = _text(proposal, "揭榜方案", "Proposal", 5)
    application = CallApplication(
        call=call, team=team[:100], proposal=proposal[:8000], submitted_by=user
    )
    zh, en = ELIGIBILITY_TEXT[CallEligibility(call.eligibility)]
    if call.eligibility == CallEligibility.ENTERPRISES:
        codes = access.own_enterprises(user)
        code = credit_code.strip().upper() or (min(codes) if codes else "")
        enterprise = Enterprise.objects.filter(credit_code=code).first() if code in codes else None
        ensure(enterprise is not None, errors.CALL_NOT_ELIGIBLE, expected_zh=zh, expected_en=en)
        application.enterprise = enterprise
        same = CallApplication.objects.filter(call=call, enterprise=enterprise).first()
    else:
        binding = IdentityBinding.objects.filter(user=user).select_related("person").first()
        ensure(binding is not None, errors.CALL_NOT_ELIGIBLE, expected_zh=zh, expected_en=en)
        application.lead = binding.person if binding else None
        same = CallApplication.objects.filter(call=call, lead=application.lead).first()
    if same is not None:
        raise GaoxinError(
            errors.CALL_ALREADY_APPLIED, applicant=same.applicant_name, number=same.number
        )
    application.number = f"~{timezone.now().timestamp()}"
    application.save()
    application.number = f"{call.number}-{application.pk:04d}"
    application.save(update_fields=["number"])
    audit.record(
        actor=actor,
        action="support.call_application.submitted",
        obj=application,
        after={"call": call.number, "team": application.team},
    )
    return application


@transaction.atomic
def call_close(*, actor: Actor, pk: int) -> OpenCall:
    _may(actor, access.can_manage_calls(actor))
    call = _lock(pk)
    CALL.ensure(call.status, CallStatus.CLOSED)
    ensure(
        timezone.now() >= call.deadline,
        errors.CALL_DEADLINE_NOT_PASSED,
        deadline=_when(call.deadline),
    )
    CALL.apply(actor=actor, obj=call, target=CallStatus.CLOSED)
    return call


def calls_close_due(*, actor: Actor) -> int:
    """Close every open call whose deadline has passed (the scheduler's sweep), one transaction
    per call; returns how many were closed."""
    due = OpenCall.objects.filter(status=CallStatus.OPEN, deadline__lte=timezone.now())
    closed = 0
    for pk in due.values_list("pk", flat=True):
        try:
            call_close(actor=actor, pk=pk)
        except GaoxinError:  # closed by the zone meanwhile
            continue
        closed += 1
    return closed


@transaction.atomic
def review_start(*, actor: Actor, pk: int) -> list[CallConflict]:
    """Start the panel's review: every expert tied in the registry to an application's
    enterprise (or who leads the team) is excluded from it, each exclusion recorded."""
    _may(actor, access.can_manage_calls(actor))
    call = _lock(pk)
    CALL.ensure(call.status, CallStatus.REVIEW)
    experts = selectors_calls.panel(call)
    ensure(bool(experts), errors.FIELD_REQUIRED, field_zh="评审专家", field_en="Expert panel")
    made: list[CallConflict] = []
    apps = list(selectors_calls.applications(call))
    for expert in experts:
        ties = selectors_calls.expert_ties(expert)
        person_id = selectors_calls.expert_person_id(expert)
        for application in apps:
            tie, enterprise_id = "", None
            if application.lead_id is not None and application.lead_id == person_id:
                tie = ConflictTie.LEADS
            else:
                for candidate in sorted(selectors_calls.applicant_enterprises(application)):
                    if candidate in ties:
                        tie, enterprise_id = ties[candidate], candidate
                        break
            if tie:
                conflict, created = CallConflict.objects.get_or_create(
                    application=application,
                    expert=expert,
                    defaults={
                        "source": ConflictSource.REGISTRY,
                        "tie": tie,
                        "enterprise_id": enterprise_id,
                    },
                )
                if created:
                    made.append(conflict)
                    audit.record(
                        actor=actor,
                        action="support.call_conflict.found",
                        obj=application,
                        after={"expert": expert.username, "tie": tie, "enterprise": enterprise_id},
                    )
    CALL.apply(actor=actor, obj=call, target=CallStatus.REVIEW, after={"excluded": len(made)})
    notifications.notify(
        recipients=experts,
        subject=f"揭榜挂帅评审开始 Review started: {call.number} {call.title}",
        body="请在评审期内为分配给您的申报打分 / score the applications assigned to you",
        link="/support/expert/",
    )
    return made


def _panel_expert(call: OpenCall, user: User | None) -> None:
    ensure(
        user is not None
        and access.is_expert(user)
        and CallExpert.objects.filter(call=call, user=user).exists(),
        NOT_ALLOWED,
    )


@transaction.atomic
def conflict_declare(*, actor: Actor, application_pk: int, reason: str) -> CallConflict:
    """An expert declares a conflict with one application: they are excluded from it and any
    score they gave it stops counting."""
    call_id = CallApplication.objects.values_list("call_id", flat=True).get(pk=application_pk)
    call = _lock(call_id)
    application = CallApplication.objects.select_for_update().get(pk=application_pk)
    user = user_of(actor)
    _panel_expert(call, user)
    if call.status != CallStatus.REVIEW:
        raise GaoxinError(
            errors.CALL_TRANSITION,
            current=CallStatus(call.status).label,
            target=CallStatus.REVIEW.label,
        )
    reason = _text(reason, "回避理由", "Reason", 2)
    conflict, created = CallConflict.objects.get_or_create(
        application=application,
        expert=user,
        defaults={"source": ConflictSource.DECLARED, "reason": reason[:300]},
    )
    if created:
        audit.record(
            actor=actor,
            action="support.call_conflict.declared",
            obj=application,
            after={"expert": user.username if user else "", "reason": reason[:300]},
        )
    return conflict


@transaction.atomic
def scores_submit(
    *, actor: Actor, application_pk: int, values: Mapping[int, object]
) -> list[CallScore]:
    """An expert's scores (0–100) of one application, one per criterion of the call; they may
    be changed while the review lasts. Nothing is saved if any score is wrong."""
    call_id = CallApplication.objects.values_list("call_id", flat=True).get(pk=application_pk)
    call = _lock(call_id)
    application = CallApplication.objects.select_for_update().get(pk=application_pk)
    user = user_of(actor)
    _panel_expert(call, user)
    if call.status != CallStatus.REVIEW:
        raise GaoxinError(
            errors.CALL_TRANSITION,
            current=CallStatus(call.status).label,
            target=CallStatus.REVIEW.label,
        )
    conflict = CallConflict.objects.filter(application=application, expert=user).first()
    if conflict is not None:
        raise GaoxinError(errors.CALL_EXCLUDED, number=application.number, reason=conflict.describe)
    parsed: list[tuple[CallCriterion, int]] = []
    for criterion in call.criteria.order_by("seq"):
        raw = str(values.get(criterion.pk, "")).strip()
        if not raw.isdigit() or int(raw) > 100:
            raise GaoxinError(errors.CALL_SCORE_INVALID, criterion=criterion.name, value=raw[:20])
        parsed.append((criterion, int(raw)))
    saved = []
    for criterion, value in parsed:
        score, _created = CallScore.objects.update_or_create(
            application=application,
            criterion=criterion,
            expert=user,
            defaults={"value": value},
        )
        saved.append(score)
    audit.record(
        actor=actor,
        action="support.call_scores.submitted",
        obj=application,
        after={"scores": {c.name: v for c, v in parsed}},
    )
    return saved


@transaction.atomic
def call_decide(*, actor: Actor, pk: int, application_pk: int) -> OpenCall:
    """The zone confirms the panel's winner (the ranking page shows the panel's order)."""
    _may(actor, access.can_manage_calls(actor))
    call = _lock(pk)
    CALL.ensure(call.status, CallStatus.DECIDED)
    rows = {row.application.pk: row for row in selectors_calls.ranking(call)}
    row = rows.get(application_pk)
    if row is None or row.total is None:
        raise GaoxinError(errors.CALL_NO_WINNER, value=str(application_pk))
    call.winner = row.application
    CALL.apply(
        actor=actor,
        obj=call,
        target=CallStatus.DECIDED,
        after={"winner": row.application.number, "total": str(row.total), "rank": row.rank},
        update_fields=["winner"],
    )
    return call


@transaction.atomic
def call_announce(*, actor: Actor, pk: int, days: object) -> OpenCall:
    """Start the public notice (公示) of the award for `days` days."""
    _may(actor, access.can_manage_calls(actor))
    call = _lock(pk)
    CALL.ensure(call.status, CallStatus.NOTICE)
    text = str(days).strip()
    ensure(text.isdigit() and 1 <= int(text) <= 30, errors.CALL_NOTICE_DAYS, value=text[:10])
    call.notice_ends_at = timezone.now() + timedelta(days=int(text))
    CALL.apply(
        actor=actor,
        obj=call,
        target=CallStatus.NOTICE,
        after={"notice_ends_at": _when(call.notice_ends_at)},
        update_fields=["notice_ends_at"],
    )
    applicants = {a.submitted_by_id: a.submitted_by for a in selectors_calls.applications(call)}
    notifications.notify(
        recipients=list(applicants.values()),
        subject=f"揭榜挂帅结果公示 Award in public notice: {call.number} {call.title}",
        body=f"公示至 {_when(call.notice_ends_at)} / objections until {_when(call.notice_ends_at)}",
        link=f"/support/open-calls/{call.pk}/",
    )
    return call


@transaction.atomic
def objection_file(*, actor: Actor, pk: int, text: str) -> CallObjection:
    """Anyone logged in may object to the announced award while the notice runs."""
    call = _lock(pk)
    user = user_of(actor)
    ensure(user is not None and access.can_object_call(user), NOT_ALLOWED)
    ends = call.notice_ends_at
    ensure(
        call.status == CallStatus.NOTICE and ends is not None and timezone.now() < ends,
        errors.CALL_NOTICE_CLOSED,
        ends=_when(ends) if ends else "—",
    )
    body = _text(text, "异议内容", "Objection", 5)
    objection = CallObjection.objects.create(call=call, author=user, text=body[:4000])
    audit.record(
        actor=actor, action="support.call_objection.filed", obj=call, after={"id": objection.pk}
    )
    return objection


@transaction.atomic
def objection_answer(*, actor: Actor, objection_pk: int, answer: str) -> CallObjection:
    _may(actor, access.can_manage_calls(actor))
    call_id = CallObjection.objects.values_list("call_id", flat=True).get(pk=objection_pk)
    call = _lock(call_id)
    objection = CallObjection.objects.select_for_update().get(pk=objection_pk)
    ensure(objection.answered_at is None, errors.CALL_OBJECTION_ANSWERED)
    if call.status != CallStatus.NOTICE:
        raise GaoxinError(
            errors.CALL_TRANSITION,
            current=CallStatus(call.status).label,
            target=CallStatus.NOTICE.label,
        )
    objection.answer = _text(answer, "答复", "Answer", 5)[:4000]
    objection.answered_by = user_of(actor)
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at", "updated_at"])
    audit.record(
        actor=actor, action="support.call_objection.answered", obj=call, after={"id": objection.pk}
    )
    return objection


@transaction.atomic
def call_confirm(*, actor: Actor, pk: int) -> OpenCall:
    """After the notice, with every objection answered: the award is made to the winner under
    the call's programme (proposed, through the award service: the ceilings apply, and a
    leader approves it on the award's page). If the ceilings refuse it nothing is written."""
    _may(actor, access.can_manage_calls(actor))
    call = _lock(pk)
    CALL.ensure(call.status, CallStatus.CONFIRMED)
    ends = call.notice_ends_at
    ensure(
        ends is not None and timezone.now() >= ends,
        errors.CALL_NOTICE_RUNNING,
        ends=_when(ends) if ends else "—",
    )
    waiting = selectors_calls.open_objections(call)
    ensure(waiting == 0, errors.CALL_OBJECTIONS_OPEN, n=waiting)
    winner = call.winner
    if winner is None:  # a decided call always has one (call_decide)
        raise GaoxinError(errors.CALL_NO_WINNER, value="—")
    if winner.enterprise is not None:
        recipient = winner.enterprise.credit_code
    else:
        recipient = winner.lead.id_number if winner.lead is not None else ""
    award = award_propose(
        actor=actor,
        programme_code=call.programme.code,
        recipient=recipient,
        title=f"揭榜挂帅 {call.number} {call.title}",
        year=call.year,
        amount=call.reward,
    )
    call.award = award
    CALL.apply(
        actor=actor,
        obj=call,
        target=CallStatus.CONFIRMED,
        after={"award": award.number},
        update_fields=["award"],
    )
    return call
