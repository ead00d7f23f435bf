"""The draw as the back office asks for it, in its fixed order (issue #13, item 6): the zone
administrator enters the declared public values; then the notary reveals the secret; then the
administrator asks for the draw, which runs with exactly those values (the worker half is
../draw_run.py). Values entered after the secret is known could be chosen to pick the outcome;
entered before, nobody who knows the secret can change them."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import transaction

from gaoxin import fairdraw
from gaoxin.common import audit
from gaoxin.common.actors import Actor, is_system, user_of
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure
from gaoxin.common.exports import printable

from .. import access, draw_run, errors, tasks
from ..choices import (
    BatchStatus,
)
from ..locks import lock_batch
from ..models import (
    Draw,
    DrawRequest,
    DrawValues,
    NotaryReveal,
    Roster,
    SaleBatch,
)

logger = logging.getLogger(__name__)


def _ensure_frozen(batch: SaleBatch) -> None:
    ensure(
        batch.status == BatchStatus.FROZEN,
        errors.BATCH_BAD_TRANSITION,
        current=BatchStatus(batch.status).label,
        target=BatchStatus.DRAWN.label,
    )


@transaction.atomic
def draw_enter_values(*, actor: Actor, batch: SaleBatch, values: Sequence[str]) -> DrawValues:
    """The zone administrator enters the declared public values as published, one per declared
    source, once the notary has confirmed the roster and before the notary reveals the secret;
    they may be corrected until that reveal, and are fixed from then on."""
    batch = lock_batch(batch)
    ensure(is_system(actor) or access.can_run_draw(actor, batch), NOT_ALLOWED)
    _ensure_frozen(batch)
    roster = Roster.objects.filter(batch=batch).first()
    ensure(roster is not None and roster.confirmed_at is not None, errors.ROSTER_NOT_CONFIRMED)
    ensure(not NotaryReveal.objects.filter(batch=batch).exists(), errors.VALUES_FIXED)
    sources = batch.entropy.get("sources", [])
    cleaned = [str(value).strip() for value in values]
    if len(cleaned) != len(sources) or not all(cleaned):
        raise GaoxinError(
            errors.VALUES_INVALID,
            detail=f"{len(sources)} source(s) declared, {sum(1 for v in cleaned if v)} given",
        )
    entered, _created = DrawValues.objects.update_or_create(
        batch=batch, defaults={"values": cleaned, "entered_by": user_of(actor)}
    )
    audit.record(
        actor=actor,
        action="housing.draw.values_entered",
        obj=batch,
        after={"values": [printable(v)[:100] for v in cleaned]},
    )
    return entered


@transaction.atomic
def draw_reveal(*, actor: Actor, batch: SaleBatch, secret: str) -> NotaryReveal:
    """The notary reveals the secret committed before registration (checked against the
    commitment), or co-signs when no commitment was declared: after the zone administrator
    entered the public values, never before."""
    batch = lock_batch(batch)
    ensure(access.can_reveal_secret(actor, batch), NOT_ALLOWED)
    _ensure_frozen(batch)
    ensure(DrawValues.objects.filter(batch=batch).exists(), errors.VALUES_NOT_ENTERED)
    commitment = batch.entropy.get("notary_commitment")
    secret = secret.strip()
    if commitment:
        ensure(fairdraw.notary_commitment(secret) == commitment, errors.SECRET_MISMATCH)
    reveal, _created = NotaryReveal.objects.update_or_create(
        batch=batch, defaults={"secret": secret if commitment else "", "revealed_by": actor}
    )
    audit.record(
        actor=actor,
        action="housing.draw.revealed",
        obj=batch,
        after={"commitment": commitment, "secret": secret if commitment else None},
    )
    return reveal


@transaction.atomic
def draw_request(
    *, actor: Actor, batch: SaleBatch, values: Sequence[str] | None = None
) -> DrawRequest | None:
    """The administrator's "run the draw" with the values entered before the reveal (`values`,
    if given, must be those): checked now (errors show at once), carried out by the background
    worker (task `draw` → `draw_request_run`), as 200,000 entries do not belong in a web
    request. A double click gets the request already queued or running; a drawn batch gets its
    latest request (None if it was drawn without one, e.g. the demo's)."""
    batch = lock_batch(batch)
    latest = DrawRequest.objects.filter(batch=batch).first()
    if Draw.objects.filter(batch=batch).exists():
        return latest
    if latest is not None and latest.is_active:
        return latest  # a lost worker's task is requeued by common/worker.py
    ensure(is_system(actor) or access.can_run_draw(actor, batch), NOT_ALLOWED)
    fixed = draw_run.entered_values(batch, values)
    draw_run.draw_inputs(actor=actor, batch=batch, values=fixed)
    request = DrawRequest.objects.create(batch=batch, values=fixed, requested_by=user_of(actor))
    audit.record(
        actor=actor,
        action="housing.draw.requested",
        obj=batch,
        after={"request": request.pk, "values": fixed},
    )
    # Enqueued inside the transaction: with the database backend the task row commits together
    # with the request, so neither exists without the other (the immediate backend of the tests
    # runs the draw right here).
    tasks.draw.enqueue(request.pk)
    request.refresh_from_db()  # the immediate backend has run it already
    return request
