"""Public notice and the frozen roster: the notice, objections and their answers, freezing
the roster, the notary's confirmation."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from gaoxin import fairdraw
from gaoxin.common import audit
from gaoxin.common.actors import Actor, is_system, user_of
from gaoxin.common.errors import NOT_ALLOWED, ensure
from gaoxin.fairdraw.roster import roster_csv

from .. import access, errors
from ..choices import (
    BatchStatus,
    OverrideStatus,
)
from ..locks import lock_batch, transition
from ..models import (
    Application,
    Objection,
    Override,
    Roster,
    SaleBatch,
)
from ..selectors import roster_entries
from ..states import ensure_transition
from .review import override_propose

logger = logging.getLogger(__name__)


@transaction.atomic
def notice_start(*, actor: Actor, batch: SaleBatch, ends_at: datetime) -> SaleBatch:
    batch = lock_batch(batch)
    ensure(is_system(actor) or access.can_set_up_sales(actor), NOT_ALLOWED)
    ensure_transition(batch.status, BatchStatus.NOTICE)
    last = batch.reviews.first()
    ensure(last is not None and last.is_done, errors.REVIEW_NOT_DONE)
    pending = Override.objects.filter(
        application__batch=batch, status=OverrideStatus.PROPOSED
    ).count()
    ensure(pending == 0, errors.OVERRIDES_PENDING, n=pending)
    ensure(ends_at > timezone.now(), errors.NOTICE_END_INVALID)
    batch.notice_ends_at = ends_at
    return transition(
        actor=actor,
        batch=batch,
        target=BatchStatus.NOTICE,
        notice_ends_at=ends_at,
        _fields=["notice_ends_at"],
    )


@transaction.atomic
def objection_file(*, actor: Actor, application: Application, text: str) -> Objection:
    batch = lock_batch(application.batch)
    ensure(access.can_object(actor, application), NOT_ALLOWED)
    ensure(len(text.strip()) >= 5, errors.TEXT_REQUIRED)
    ensure(
        batch.status == BatchStatus.NOTICE
        and batch.notice_ends_at is not None
        and timezone.now() < batch.notice_ends_at,
        errors.NOTICE_CLOSED,
        ends=errors.local_time(batch.notice_ends_at) if batch.notice_ends_at else "—",
    )
    objection = Objection.objects.create(application=application, text=text.strip()[:4000])
    audit.record(
        actor=actor,
        action="housing.objection.filed",
        obj=objection,
        after={"application": application.number},
    )
    return objection


@transaction.atomic
def objection_answer(*, actor: Actor, objection: Objection, answer: str) -> Objection:
    """A reviewer answers an objection and the decision stands (objection_uphold changes it)."""
    objection = (
        Objection.objects.select_for_update()
        .select_related("application__batch")
        .get(pk=objection.pk)
    )
    ensure(access.can_review(actor, objection.application.batch), NOT_ALLOWED)
    ensure(objection.answered_at is None, errors.OBJECTION_ANSWERED)
    ensure(len(answer.strip()) >= 5, errors.TEXT_REQUIRED)
    objection.answer = answer.strip()[:4000]
    objection.answered_by = user_of(actor)
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at", "updated_at"])
    audit.record(
        actor=actor,
        action="housing.objection.answered",
        obj=objection,
        after={"application": objection.application.number},
    )
    return objection


@transaction.atomic
def objection_uphold(
    *, actor: Actor, objection: Objection, answer: str, pool: str, eligible: bool | None
) -> Override:
    """A reviewer finds an objection founded: the answer is recorded and an override of the
    decision is proposed with the answer as its reason; it takes effect when a second reviewer
    approves it (override_decide), before the roster is frozen. Locks: the batch, then the
    objection (the module's order)."""
    batch = lock_batch(objection.application.batch)
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=objection.pk)
    )
    ensure(access.can_review(actor, batch), NOT_ALLOWED)
    ensure(objection.answered_at is None, errors.OBJECTION_ANSWERED)
    ensure(batch.status == BatchStatus.NOTICE, errors.OVERRIDE_CLOSED)
    ensure(pool != "" and eligible is not None, errors.OVERRIDE_DECISION_REQUIRED)
    ensure(len(answer.strip()) >= 10, errors.OVERRIDE_REASON_REQUIRED)
    objection.answer = answer.strip()[:4000]
    objection.answered_by = user_of(actor)
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at", "updated_at"])
    audit.record(
        actor=actor,
        action="housing.objection.upheld",
        obj=objection,
        after={"application": objection.application.number, "pool": pool, "eligible": eligible},
    )
    objection.application.batch = batch
    return override_propose(
        actor=actor,
        application=objection.application,
        pool=pool,
        eligible=eligible,
        reason=objection.answer,
        objection=objection,
    )


@transaction.atomic
def roster_freeze(*, actor: Actor, batch: SaleBatch) -> Roster:
    batch = lock_batch(batch)
    ensure(is_system(actor) or access.can_set_up_sales(actor), NOT_ALLOWED)
    ensure_transition(batch.status, BatchStatus.FROZEN)
    ends = batch.notice_ends_at
    ensure(
        ends is not None and timezone.now() >= ends,
        errors.NOTICE_RUNNING,
        ends=errors.local_time(ends) if ends else "—",
    )
    open_objections = Objection.objects.filter(application__batch=batch, answered_at__isnull=True)
    ensure(not open_objections.exists(), errors.OBJECTIONS_OPEN, n=open_objections.count())
    pending = Override.objects.filter(application__batch=batch, status=OverrideStatus.PROPOSED)
    ensure(not pending.exists(), errors.OVERRIDES_PENDING, n=pending.count())
    entries = roster_entries(batch)
    root = fairdraw.merkle_root(entries)
    head = str(audit.chain_head())
    roster = Roster.objects.create(
        batch=batch,
        root=root,
        size=len(entries),
        csv=roster_csv(entries).encode("utf-8"),
        audit_head=head,
    )
    transition(
        actor=actor,
        batch=batch,
        target=BatchStatus.FROZEN,
        roster_root=root,
        roster_size=len(entries),
        audit_head=head,
    )
    return roster


@transaction.atomic
def roster_confirm(*, actor: Actor, batch: SaleBatch, size: int, root: str) -> Roster:
    """The notary confirms, in the app, the count and the root they checked themselves."""
    batch = lock_batch(batch)
    ensure(access.can_confirm_roster(actor, batch), NOT_ALLOWED)
    roster = Roster.objects.select_for_update().get(batch=batch)
    ensure(roster.confirmed_at is None, errors.ROSTER_CONFIRMED)
    given = root.strip().lower()
    ensure(
        size == roster.size and given == roster.root,
        errors.ROSTER_MISMATCH,
        size=roster.size,
        root=roster.root,
        given_size=size,
        given_root=given[:64] or "—",
    )
    roster.confirmed_by = user_of(actor)
    roster.confirmed_at = timezone.now()
    roster.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    audit.record(
        actor=actor,
        action="housing.roster.confirmed",
        obj=roster,
        after={"root": roster.root, "size": roster.size},
    )
    return roster
