"""Awards under the programmes' ceilings.

Locks, always in this order: the ceiling group (if the programme has one), the programme, the
award, its milestones. Approving an award locks its programme's ceiling rows first and only
then sums what is committed, so two leaders approving two awards at the same moment are
serialised there: the second sees the first's commitment and is refused if the two together
would pass a ceiling. Nothing is written when a ceiling would be passed; the error names the
ceiling and the sums."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from gaoxin.common import audit
from gaoxin.common.actors import Actor, is_system, user_of
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure
from gaoxin.registry.models import Enterprise, Person

from .. import access, errors, states
from ..choices import AwardStatus, LedgerKind, MilestoneStatus
from ..models import Award, CeilingGroup, LedgerEntry, Milestone, Programme


def _may(actor: Actor, allowed: bool) -> None:
    if not is_system(actor):
        ensure(allowed, NOT_ALLOWED)


def _yuan(value: int) -> str:
    return f"{value:,}"


def _amount(raw: object, field_zh: str, field_en: str) -> int:
    text = str(raw).strip().replace(",", "")
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise GaoxinError(
            errors.AMOUNT_INVALID, field_zh=field_zh, field_en=field_en, value=str(raw)[:40]
        )
    return value


def _recipient_filter(award: Award) -> Q:
    if award.enterprise_id is not None:
        return Q(enterprise_id=award.enterprise_id)
    return Q(person_id=award.person_id)


def _committed(scope: Q) -> int:
    total = Award.objects.filter(scope, status=AwardStatus.APPROVED).aggregate(s=Sum("amount"))["s"]
    return int(total or 0)


def check_ceilings(award: Award, programme: Programme, group: CeilingGroup | None) -> None:
    """Raise the first ceiling that `award` would pass on top of what is already approved.
    Called under the locks of `award_approve` (and, as early advice, at proposal)."""
    who = _recipient_filter(award)
    recipient = award.recipient_name
    checks: list[tuple[errors.ErrorCode, Q, int, str, str, dict[str, object]]] = [
        (
            errors.OVER_RECIPIENT_CEILING,
            who & Q(programme_id=programme.pk),
            programme.ceiling_per_recipient,
            programme.name_zh,
            programme.name_en,
            {"recipient": recipient},
        ),
        (
            errors.OVER_YEAR_CEILING,
            Q(programme_id=programme.pk, year=award.year),
            programme.ceiling_per_year,
            programme.name_zh,
            programme.name_en,
            {"year": award.year},
        ),
    ]
    if group is not None:
        checks.append(
            (
                errors.OVER_RECIPIENT_CEILING,
                who & Q(programme__group_id=group.pk),
                group.ceiling_per_recipient,
                group.name_zh,
                group.name_en,
                {"recipient": recipient},
            )
        )
    for error, scope, limit, name_zh, name_en, extra in checks:
        committed = _committed(scope & ~Q(pk=award.pk))
        total = committed + award.amount
        if total > limit:
            raise GaoxinError(
                error,
                ceiling=name_zh,
                ceiling_en=name_en,
                committed=_yuan(committed),
                amount=_yuan(award.amount),
                total=_yuan(total),
                limit=_yuan(limit),
                **extra,
            )


@dataclass(frozen=True)
class MilestonePlan:
    title: str
    amount: object


@transaction.atomic
def award_propose(
    *,
    actor: Actor,
    programme_code: str,
    recipient: str,
    title: str,
    year: int,
    amount: object,
) -> Award:
    """Propose an award; `recipient` is an enterprise's credit code, or a person's resident ID
    number for a programme whose awards go to people."""
    _may(actor, access.can_propose_award(actor))
    programme = Programme.objects.filter(code=programme_code).first()
    if programme is None:
        raise GaoxinError(errors.UNKNOWN_PROGRAMME, value=programme_code[:40])
    title = title.strip()
    ensure(bool(title), errors.FIELD_REQUIRED, field_zh="项目名称", field_en="Title")
    value = _amount(amount, "金额", "Amount")
    key = recipient.strip().upper()
    award = Award(programme=programme, title=title[:200], year=year, amount=value)
    if programme.for_people:
        award.person = Person.objects.filter(id_number=key).first()
        ensure(
            award.person is not None,
            errors.UNKNOWN_RECIPIENT,
            value=key[:18],
            kind_zh="人员",
            kind_en="person",
        )
    else:
        award.enterprise = Enterprise.objects.filter(credit_code=key).first()
        ensure(
            award.enterprise is not None,
            errors.UNKNOWN_RECIPIENT,
            value=key[:18],
            kind_zh="企业",
            kind_en="enterprise",
        )
    check_ceilings(award, programme, programme.group)  # early advice; binding at approval
    award.number = f"~{uuid.uuid4().hex[:16]}"  # replaced by the numbered one below
    award.save()
    award.number = f"JL{year}-{award.pk:06d}"
    award.save(update_fields=["number"])
    audit.record(
        actor=actor,
        action="support.award.proposed",
        obj=award,
        after={"programme": programme.code, "amount": value, "year": year},
    )
    return award


@transaction.atomic
def milestones_set(*, actor: Actor, pk: int, plan: Sequence[MilestonePlan]) -> list[Milestone]:
    """Replace a proposed award's milestones; together they may not exceed the award."""
    _may(actor, access.can_propose_award(actor))
    award = Award.objects.select_for_update().get(pk=pk)
    if award.status != AwardStatus.PROPOSED:
        raise GaoxinError(
            errors.BAD_TRANSITION,
            what=award.number,
            current=AwardStatus(award.status).label,
            target=str(MilestoneStatus.PENDING.label),
        )
    rows: list[Milestone] = []
    for seq, step in enumerate(plan, start=1):
        title = step.title.strip()
        ensure(
            bool(title),
            errors.FIELD_REQUIRED,
            field_zh=f"节点 {seq} 名称",
            field_en=f"Milestone {seq} title",
        )
        value = _amount(step.amount, f"节点 {seq} 金额", f"Milestone {seq} amount")
        rows.append(Milestone(award=award, seq=seq, title=title[:200], amount=value))
    ensure(bool(rows), errors.MILESTONES_REQUIRED, number=award.number)
    total = sum(m.amount for m in rows)
    ensure(
        total <= award.amount,
        errors.OVER_AWARD,
        total=_yuan(total),
        number=award.number,
        amount=_yuan(award.amount),
    )
    award.milestones.all().delete()
    Milestone.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action="support.award.milestones_set",
        obj=award,
        after={"milestones": [[m.title, m.amount] for m in rows]},
    )
    return list(award.milestones.all())


@transaction.atomic
def award_approve(*, actor: Actor, pk: int) -> Award:
    _may(actor, access.can_decide_award(actor))
    programme_id = Award.objects.values_list("programme_id", flat=True).get(pk=pk)
    programme = Programme.objects.get(pk=programme_id)
    group = None
    if programme.group_id is not None:  # locks in order: group, programme, award
        group = CeilingGroup.objects.select_for_update().get(pk=programme.group_id)
    programme = Programme.objects.select_for_update().get(pk=programme_id)
    award = (
        Award.objects.select_for_update(of=("self",))
        .select_related("enterprise", "person")
        .get(pk=pk)
    )
    states.check_award(award.status, AwardStatus.APPROVED, number=award.number)
    ensure(award.milestones.exists(), errors.MILESTONES_REQUIRED, number=award.number)
    check_ceilings(award, programme, group)
    award.status = AwardStatus.APPROVED
    award.decided_by = user_of(actor)
    award.decided_at = timezone.now()
    award.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    LedgerEntry.objects.create(
        award=award,
        kind=LedgerKind.COMMITMENT,
        amount=award.amount,
        actor_name=actor.get_username(),
    )
    audit.record(
        actor=actor,
        action="support.award.approve",
        obj=award,
        before={"status": AwardStatus.PROPOSED},
        after={"status": AwardStatus.APPROVED, "amount": award.amount},
    )
    return award


@transaction.atomic
def award_refuse(*, actor: Actor, pk: int, reason: str) -> Award:
    _may(actor, access.can_decide_award(actor))
    award = Award.objects.select_for_update().get(pk=pk)
    states.check_award(award.status, AwardStatus.REFUSED, number=award.number)
    reason = reason.strip()
    ensure(bool(reason), errors.FIELD_REQUIRED, field_zh="不予批准的理由", field_en="Reason")
    award.status = AwardStatus.REFUSED
    award.decided_by = user_of(actor)
    award.decided_at = timezone.now()
    award.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit.record(
        actor=actor,
        action="support.award.refuse",
        obj=award,
        before={"status": AwardStatus.PROPOSED},
        after={"status": AwardStatus.REFUSED, "reason": reason[:500]},
    )
    return award


@transaction.atomic
def milestone_pay(*, actor: Actor, pk: int, evidence: str) -> Milestone:
    """Pay one milestone of an approved award against its evidence (what was delivered)."""
    _may(actor, access.can_pay_milestone(actor))
    award_id = Milestone.objects.values_list("award_id", flat=True).get(pk=pk)
    award = Award.objects.select_for_update().get(pk=award_id)
    milestone = Milestone.objects.select_for_update().get(pk=pk)
    what = f"{award.number} #{milestone.seq}"
    if award.status != AwardStatus.APPROVED:
        raise GaoxinError(
            errors.BAD_TRANSITION,
            what=award.number,
            current=AwardStatus(award.status).label,
            target=str(MilestoneStatus.PAID.label),
        )
    states.check_milestone(milestone.status, MilestoneStatus.PAID, what=what)
    evidence = evidence.strip()
    ensure(bool(evidence), errors.FIELD_REQUIRED, field_zh="拨付依据", field_en="Evidence")
    paid = (
        LedgerEntry.objects.filter(award=award, kind=LedgerKind.PAYMENT).aggregate(s=Sum("amount"))[
            "s"
        ]
        or 0
    )
    ensure(
        paid + milestone.amount <= award.amount,
        errors.OVER_AWARD,
        total=_yuan(paid + milestone.amount),
        number=award.number,
        amount=_yuan(award.amount),
    )
    milestone.status = MilestoneStatus.PAID
    milestone.evidence = evidence[:4000]
    milestone.paid_at = timezone.now()
    milestone.save(update_fields=["status", "evidence", "paid_at", "updated_at"])
    LedgerEntry.objects.create(
        award=award,
        milestone=milestone,
        kind=LedgerKind.PAYMENT,
        amount=milestone.amount,
        actor_name=actor.get_username(),
    )
    audit.record(
        actor=actor,
        action="support.milestone.pay",
        obj=award,
        after={"milestone": milestone.seq, "amount": milestone.amount},
    )
    return milestone
