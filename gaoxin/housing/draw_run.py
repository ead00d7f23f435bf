"""The worker's half of a draw: the checks the draw rests on and the draw itself, run by the
`draw` task. Does not import tasks or services (both import it)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from gaoxin import fairdraw
from gaoxin.common import audit, checkpoints, worker
from gaoxin.common.actors import WORKER, Actor, is_system, user_of
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure
from gaoxin.common.faults import pause_point
from gaoxin.common.models import AuditCheckpoint
from gaoxin.fairdraw.roster import parse_canonical_roster

from . import access, errors, publication
from .choices import (
    BatchStatus,
    JobStatus,
)
from .fairdrawwords import as_gaoxin_error
from .locks import lock_batch, transition
from .models import (
    Draw,
    DrawRequest,
    DrawValues,
    NotaryReveal,
    Roster,
    SaleBatch,
)
from .resultswriter import ResultsSink
from .states import JOB, ensure_transition

logger = logging.getLogger(__name__)


def _entropy_for_draw(batch: SaleBatch, values: Sequence[str], secret: str) -> Any:
    declaration = fairdraw.EntropyDeclaration.from_dict(batch.entropy)
    try:
        revealed = declaration.reveal(list(values), secret or None)
        revealed.check()
    except fairdraw.FairdrawError as error:
        names = [source.name for source in declaration.sources]
        raise as_gaoxin_error(error, errors.VALUES_INVALID, sources=names) from error
    return revealed


def entered_values(batch: SaleBatch, values: Sequence[str] | None = None) -> list[str]:
    """The public values the administrator entered before the notary's reveal; `values`, when a
    caller passes them, must be exactly those (the draw never takes values typed later)."""
    entered = DrawValues.objects.filter(batch=batch).first()
    ensure(entered is not None, errors.VALUES_NOT_ENTERED)
    fixed = [str(v) for v in entered.values]  # type: ignore[union-attr]
    if values is not None:
        ensure([str(v).strip() for v in values] == fixed, errors.VALUES_DIFFER)
    return fixed


def draw_inputs(*, actor: Actor, batch: SaleBatch, values: Sequence[str]) -> tuple[Roster, Any]:
    """What the draw rests on, checked (the batch is locked): the administrator may run it, the
    batch is frozen, the notary confirmed the roster and revealed the secret, the values fit
    the declaration. Returns the roster and the revealed entropy."""
    ensure(is_system(actor) or access.can_run_draw(actor, batch), NOT_ALLOWED)
    ensure_transition(batch.status, BatchStatus.DRAWN)
    roster = Roster.objects.get(batch=batch)
    ensure(roster.confirmed_at is not None, errors.ROSTER_NOT_CONFIRMED)
    reveal = NotaryReveal.objects.filter(batch=batch).first()
    ensure(reveal is not None, errors.NOT_REVEALED)
    return roster, _entropy_for_draw(batch, values, reveal.secret)  # type: ignore[union-attr]


def _draw_request_failed(request: DrawRequest, error: GaoxinError) -> None:
    with transaction.atomic():
        current = DrawRequest.objects.values_list("status", flat=True).get(pk=request.pk)
        JOB.ensure(current, JobStatus.FAILED)
        DrawRequest.objects.filter(pk=request.pk).update(
            status=JobStatus.FAILED,
            **request.fail_with(error),
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        audit.record(
            actor=request.requested_by or WORKER,
            action="housing.draw.failed",
            obj=request.batch,
            after={"request": request.pk, "error": error.code},
        )


def draw_request_run(request_id: int, *, attempt: int = 1) -> Draw | None:
    """The worker's half of a draw request. Safe to run again after a lost worker: the draw is
    one transaction (a killed one leaves nothing) and `draw_execute` returns the existing draw,
    so a re-run gives the identical protocol. Gives up once the worker was lost too often."""
    request = DrawRequest.objects.select_related("batch", "requested_by").get(pk=request_id)
    if request.status in JOB.terminal():
        return None
    if worker.gave_up(attempt):
        _draw_request_failed(request, GaoxinError(errors.WORKER_LOST, attempts=attempt - 1))
        return None
    now = timezone.now()
    JOB.ensure(request.status, JobStatus.RUNNING)
    DrawRequest.objects.filter(pk=request.pk).update(
        status=JobStatus.RUNNING, started_at=now, updated_at=now, attempts=attempt
    )
    try:
        draw = draw_execute(
            actor=request.requested_by or WORKER, batch=request.batch, values=request.values
        )
    except GaoxinError as error:
        _draw_request_failed(request, error)
        return None
    except Exception as error:
        _draw_request_failed(request, GaoxinError(errors.DRAW_CRASHED, detail=type(error).__name__))
        raise
    now = timezone.now()
    JOB.ensure(JobStatus.RUNNING, JobStatus.DONE)
    DrawRequest.objects.filter(pk=request.pk).update(
        status=JobStatus.DONE, finished_at=now, updated_at=now, error="", error_code=""
    )
    # Published now: build the results index here, so that the first public lookups need not.
    try:
        publication.results_index(draw_id=draw.pk, digest=draw.protocol_digest)
    except (OSError, sqlite3.Error):  # not fatal: the first lookup builds it instead
        logger.exception("results index of draw %s not built", draw.pk)
    return draw


def checkpoint_before_draw(*, actor: Actor, batch: SaleBatch) -> dict[str, Any]:
    """The signed audit checkpoint taken just before the batch's draw, as the protocol's
    publisher data carries it (issue 13 item 7): a reader checks its Ed25519 signature with the
    published key and the audit chain up to the draw against it. Taken once per batch, inside
    the draw's transaction (a draw that never commits leaves no checkpoint either); a draw run
    again over the same batch reuses it, so the protocol stays identical."""
    reason = f"before-draw:{batch.code}"
    row = AuditCheckpoint.objects.filter(reason=reason).order_by("seq", "pk").first()
    if row is None:
        row = checkpoints.checkpoint_create(actor=actor, reason=reason)
    return checkpoints.as_published(row).as_dict()


def draw_execute(*, actor: Actor, batch: SaleBatch, values: Sequence[str] | None = None) -> Draw:
    """Run the batch's draw once. Needs both halves of the two-person rule (the notary's reveal,
    the administrator's public values). A second request — a double click, a retry, another
    administrator — gets the existing draw; a crash before commit leaves nothing, and running
    again gives the identical protocol (everything it depends on is fixed)."""
    with transaction.atomic():
        batch = lock_batch(batch)
        existing = Draw.objects.filter(batch=batch).first()
        if existing is not None:
            return existing
        ensure(is_system(actor) or access.can_run_draw(actor, batch), NOT_ALLOWED)
        values = entered_values(batch, values)
        roster, entropy = draw_inputs(actor=actor, batch=batch, values=values)
        config = fairdraw.DrawConfig.from_dict(batch.config["draw"])
        publisher = {
            "batch": batch.code,
            "roster_audit_head": roster.audit_head,
            "audit_checkpoint": checkpoint_before_draw(actor=actor, batch=batch),
        }
        with ResultsSink() as sink:
            try:
                # The app wrote this roster from validated entries when it froze it, so it is
                # split without validating again; the root check below proves every line is
                # byte for byte what the notary confirmed.
                entries = parse_canonical_roster(bytes(roster.csv).decode("utf-8"))
                result = fairdraw.run_draw(
                    entries,
                    config,
                    entropy,
                    publisher=publisher,
                    results_out=sink,  # type: ignore[arg-type]
                )
            except fairdraw.FairdrawError as error:
                raise GaoxinError(errors.ROSTER_CHANGED, root=roster.root) from error
            sink.finish()
            ensure(
                result.protocol["roster"]["root"] == roster.root,
                errors.ROSTER_CHANGED,
                root=roster.root,
            )
            draw = Draw.objects.create(
                batch=batch,
                values=list(values),
                protocol=result.protocol_json(),
                protocol_digest=result.protocol["protocol_digest"],
                seed=result.seed,
                executed_by=user_of(actor),
            )
            sink.store(draw, rows=len(entries))
        pause_point("housing.draw.results_written")
        transition(
            actor=actor,
            batch=batch,
            target=BatchStatus.DRAWN,
            protocol_digest=draw.protocol_digest,
            seed=draw.seed,
            values=list(values),
            winners=result.allocation.allocated,
        )
        # Every draw is fixed in a signed audit checkpoint, published at once (issue 13).
        checkpoints.checkpoint_create(actor=actor, reason=f"draw:{batch.code}")
        return draw


# fairdraw's results columns, in its order (its registration_number is our number)
