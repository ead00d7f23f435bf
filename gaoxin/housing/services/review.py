"""Eligibility review: starting the automatic review (its worker half is ../review_run.py)
and the two-person overrides."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from gaoxin.common import audit
from gaoxin.common.actors import Actor, is_system, user_of
from gaoxin.common.errors import NOT_ALLOWED, ensure

from .. import access, errors, tasks
from ..choices import (
    BatchStatus,
    OverrideStatus,
)
from ..eligibility import mark_overridden
from ..locks import lock_batch
from ..models import (
    Application,
    Eligibility,
    EligibilityReview,
    Objection,
    Override,
    SaleBatch,
)
from ..states import OVERRIDE, ensure_transition

logger = logging.getLogger(__name__)


@transaction.atomic
def review_start(*, actor: Actor, batch: SaleBatch, enqueue: bool = True) -> EligibilityReview:
    """Queue the automatic review (a background task); it can be run again until the notice.
    With `enqueue=False` the caller runs it (`review_run.run_review`), e.g. loading demo data."""
    batch = lock_batch(batch)
    ensure(is_system(actor) or access.can_run_review(actor, batch), NOT_ALLOWED)
    ensure_transition(batch.status, BatchStatus.NOTICE)  # only while in review
    review = EligibilityReview.objects.create(batch=batch, started_by=user_of(actor))
    audit.record(
        actor=actor, action="housing.review.started", obj=batch, after={"review": review.pk}
    )
    if enqueue:
        transaction.on_commit(lambda: tasks.eligibility_review.enqueue(review.pk))
    return review


def _eligibility_for_update(application: Application) -> Eligibility:
    found = Eligibility.objects.select_for_update().filter(application=application).first()
    ensure(found is not None, errors.REVIEW_NOT_DONE)
    return found  # type: ignore[return-value]


@transaction.atomic
def override_propose(
    *,
    actor: Actor,
    application: Application,
    pool: str,
    eligible: bool | None,
    reason: str,
    objection: Objection | None = None,
) -> Override:
    """One reviewer proposes to change a decision; a second one decides (override_decide).
    While in review any decision; during the public notice only the one an objection is about
    (`objection`, from objection_uphold)."""
    batch = lock_batch(application.batch)
    ensure(access.can_review(actor, batch), NOT_ALLOWED)
    ensure(
        batch.status == BatchStatus.REVIEW
        or (batch.status == BatchStatus.NOTICE and objection is not None),
        errors.OVERRIDE_CLOSED,
    )
    ensure(pool != "" and eligible is not None, errors.OVERRIDE_DECISION_REQUIRED)
    ensure(len(reason.strip()) >= 10, errors.OVERRIDE_REASON_REQUIRED)
    ensure(pool in {"general", "first_home", "key_industry"}, errors.UNKNOWN_POOL, pool=pool)
    claimed = pool == "general" or (
        application.claims_first_home if pool == "first_home" else application.claims_key_industry
    )
    ensure(claimed, errors.POOL_NOT_CLAIMED, pool=pool)
    eligibility = _eligibility_for_update(application)
    override = Override.objects.create(
        application=application,
        pool=pool,
        eligible=bool(eligible),
        reason=reason.strip(),
        proposed_by=user_of(actor),
        objection=objection,
    )
    audit.record(
        actor=actor,
        action="housing.override.proposed",
        obj=override,
        before={pool: getattr(eligibility, pool)},
        after={
            "application": application.number,
            pool: override.eligible,
            "reason": override.reason,
            **({"objection": objection.pk} if objection is not None else {}),
        },
    )
    return override


@transaction.atomic
def override_decide(*, actor: Actor, override: Override, approve: bool) -> Override:
    """A second reviewer approves (the decision changes) or rejects a proposed override.
    Locks in the module's order: the batch first, then the override."""
    batch_id = (
        Override.objects.filter(pk=override.pk)
        .values_list("application__batch_id", flat=True)
        .get()
    )
    batch = lock_batch(SaleBatch(pk=batch_id))
    override = (
        Override.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=override.pk)
    )
    ensure(access.can_review(actor, batch), NOT_ALLOWED)
    target = OverrideStatus.APPROVED if approve else OverrideStatus.REJECTED
    OVERRIDE.ensure(override.status, target)
    ensure(override.proposed_by_id != actor.pk, errors.SECOND_REVIEWER_REQUIRED)
    ensure(
        batch.status == BatchStatus.REVIEW
        or (batch.status == BatchStatus.NOTICE and override.objection_id is not None),
        errors.OVERRIDE_CLOSED,
    )
    override.status = target
    override.approved_by = user_of(actor)
    override.decided_at = timezone.now()
    override.save(update_fields=["status", "approved_by", "decided_at", "updated_at"])
    before = None
    if approve:
        eligibility = _eligibility_for_update(override.application)
        before = getattr(eligibility, override.pool)
        mark_overridden(eligibility, override)
        eligibility.save(update_fields=[override.pool, "overridden", "reasons", "updated_at"])
    audit.record(
        actor=actor,
        action=f"housing.override.{override.status}",
        obj=override,
        before={override.pool: before},
        after={override.pool: override.eligible},
    )
    return override
