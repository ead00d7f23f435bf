"""Unit choice (选房), contracts and closing the sale."""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from typing import Literal

from django.db import transaction
from django.utils import timezone

from gaoxin.common import audit
from gaoxin.common.actors import Actor, is_system, user_of
from gaoxin.common.errors import INVALID_INPUT, NOT_ALLOWED, NOT_FOUND, GaoxinError, ensure

from .. import access, errors
from ..choices import (
    BatchStatus,
    Pool,
    Relation,
    TurnSource,
    TurnStatus,
    UnitStatus,
)
from ..locks import lock_batch, transition
from ..models import (
    BenefitUse,
    ChoiceTurn,
    ClosingReport,
    DrawResult,
    SaleBatch,
    Unit,
)
from ..selectors import current_turn
from ..states import TURN, UNIT, ensure_transition

logger = logging.getLogger(__name__)


def _round_pools(batch: SaleBatch) -> dict[str, str]:
    """Round name → the pool it draws from (fairdraw configuration)."""
    return {r["name"]: r["pool"] for r in batch.config["draw"]["rounds"]}


@transaction.atomic
def unit_choice_start(*, actor: Actor, batch: SaleBatch) -> int:
    """Open unit choice: the queue is the winners in unit-choice order, then the waitlisted
    households in waitlist order. Returns the queue's length."""
    batch = lock_batch(batch)
    ensure(is_system(actor) or access.can_start_unit_choice(actor, batch), NOT_ALLOWED)
    ensure_transition(batch.status, BatchStatus.UNIT_CHOICE)
    results = DrawResult.objects.filter(draw__batch=batch)
    winners = [
        (r.application_id, r.choice, r.round)
        for r in results.filter(choice__isnull=False).order_by("choice")
    ]
    waitlist = [
        (r.application_id, r.waitlist)
        for r in results.filter(waitlist__isnull=False).order_by("waitlist")
    ]
    turns = [
        ChoiceTurn(
            batch=batch,
            application_id=application_id,
            position=choice,
            source=TurnSource.WINNER,
            round=round_name,
        )
        for application_id, choice, round_name in winners
        if choice is not None
    ]
    turns += [
        ChoiceTurn(
            batch=batch,
            application_id=application_id,
            position=len(winners) + number,
            source=TurnSource.WAITLIST,
        )
        for application_id, number in waitlist
        if number is not None
    ]
    ChoiceTurn.objects.bulk_create(turns, batch_size=2000)
    transition(
        actor=actor,
        batch=batch,
        target=BatchStatus.UNIT_CHOICE,
        winners=len(winners),
        waitlisted=len(waitlist),
    )
    return len(turns)


def _lock_for_unit_choice(actor: Actor, batch: SaleBatch) -> SaleBatch:
    """Lock the batch for a unit-choice write: the desk's principals, while choice is open."""
    batch = lock_batch(batch)
    ensure(is_system(actor) or access.can_record_unit_choice(actor, batch), NOT_ALLOWED)
    ensure(
        batch.status == BatchStatus.UNIT_CHOICE,
        errors.BATCH_BAD_TRANSITION,
        current=BatchStatus(batch.status).label,
        target=BatchStatus.UNIT_CHOICE.label,
    )
    return batch


TurnOutcome = Literal["chosen", "declined", "no_show"]


@transaction.atomic
def turn_record(
    *,
    actor: Actor,
    batch: SaleBatch,
    number: str,
    outcome: TurnOutcome,
    unit: Unit | None = None,
) -> ChoiceTurn:
    """Record the current turn: the household chose `unit`, declined, or did not come. Turns
    are taken strictly in queue order; a declined or missed turn leaves its unit to the next
    place in the queue, which is how the waitlist fills it."""
    batch = _lock_for_unit_choice(actor, batch)
    turn = current_turn(batch)
    if turn is None:
        raise GaoxinError(errors.NO_TURN_LEFT)
    ensure(
        turn.application.number == number,
        errors.NOT_YOUR_TURN,
        position=turn.position,
        number=turn.application.number,
        asked=number,
    )
    before = {"status": turn.status}
    if outcome == TurnStatus.CHOSEN:
        if unit is None:
            raise GaoxinError(errors.UNIT_REQUIRED)
        asked = str(unit)
        unit = Unit.objects.select_for_update().filter(pk=unit.pk, batch=batch).first()
        if unit is None or unit.status != UnitStatus.AVAILABLE:
            raise GaoxinError(errors.UNIT_NOT_AVAILABLE, unit=asked)
        UNIT.ensure(unit.status, UnitStatus.CHOSEN)
        unit.status = UnitStatus.CHOSEN
        unit.save(update_fields=["status", "updated_at"])
        turn.unit = unit
    elif outcome not in (TurnStatus.DECLINED, TurnStatus.NO_SHOW):
        raise GaoxinError(INVALID_INPUT, detail=f"outcome={outcome}")
    TURN.ensure(turn.status, outcome)
    turn.status = outcome
    turn.recorded_by = user_of(actor)
    turn.decided_at = timezone.now()
    turn.save()
    audit.record(
        actor=actor,
        action=f"housing.choice.{outcome}",
        obj=turn,
        before=before,
        after={
            "number": number,
            "position": turn.position,
            "status": outcome,
            "unit": str(unit) if unit else None,
        },
    )
    return turn


def _unit_of(turn: ChoiceTurn) -> Unit:
    """A chosen turn always has its unit (turn_record sets both together)."""
    if turn.unit is None:
        raise GaoxinError(errors.UNIT_REQUIRED)
    return turn.unit


def _chosen_turn(batch: SaleBatch, number: str) -> ChoiceTurn:
    turn = (
        # the turn's row only: PostgreSQL cannot lock the nullable side of the join to `unit`
        ChoiceTurn.objects.select_for_update(of=("self",))
        .select_related("application", "unit")
        .filter(batch=batch, application__number=number)
        .first()
    )
    if turn is None:
        raise GaoxinError(NOT_FOUND)
    ensure(
        turn.status == TurnStatus.CHOSEN,
        errors.TURN_NOT_CHOSEN,
        number=number,
        status=TurnStatus(turn.status).label,
    )
    return turn


@transaction.atomic
def contract_record(
    *, actor: Actor, batch: SaleBatch, number: str, contract_number: str, signed_on: date
) -> ChoiceTurn:
    """The sales office records the signed purchase contract. A winner of the key-industry
    round enters the once-only ledger (只享受一次), which every later review reads."""
    batch = _lock_for_unit_choice(actor, batch)
    contract_number = contract_number.strip()
    ensure(0 < len(contract_number) <= 64, errors.CONTRACT_NUMBER_REQUIRED)
    ensure(
        not ChoiceTurn.objects.filter(batch=batch, contract_number=contract_number).exists(),
        errors.CONTRACT_NUMBER_TAKEN,
        contract=contract_number,
    )
    turn = _chosen_turn(batch, number)
    unit = _unit_of(turn)
    TURN.ensure(turn.status, TurnStatus.CONTRACTED)
    UNIT.ensure(unit.status, UnitStatus.CONTRACTED)
    turn.status = TurnStatus.CONTRACTED
    turn.contract_number = contract_number
    turn.signed_on = signed_on
    turn.save()
    unit.status = UnitStatus.CONTRACTED
    unit.save(update_fields=["status", "updated_at"])
    benefit = None
    if (
        turn.source == TurnSource.WINNER
        and _round_pools(batch).get(turn.round) == Pool.KEY_INDUSTRY
    ):
        applicant = turn.application.members.get(relation=Relation.APPLICANT)
        benefit = BenefitUse.objects.create(
            id_number=applicant.id_number,
            batch=batch,
            application=turn.application,
            used_on=signed_on,
        )
    audit.record(
        actor=actor,
        action="housing.choice.contracted",
        obj=turn,
        before={"status": TurnStatus.CHOSEN.value},
        after={
            "number": number,
            "unit": str(unit),
            "contract_number": contract_number,
            "signed_on": signed_on.isoformat(),
            "benefit_recorded": benefit is not None,
        },
    )
    return turn


@transaction.atomic
def contract_forfeit(*, actor: Actor, batch: SaleBatch, number: str) -> ChoiceTurn:
    """The household chose a unit but did not sign: the unit is available again and goes to
    the next place in the queue."""
    batch = _lock_for_unit_choice(actor, batch)
    turn = _chosen_turn(batch, number)
    unit = _unit_of(turn)
    UNIT.ensure(unit.status, UnitStatus.AVAILABLE)
    TURN.ensure(turn.status, TurnStatus.FORFEITED)
    unit.status = UnitStatus.AVAILABLE
    unit.save(update_fields=["status", "updated_at"])
    turn.status = TurnStatus.FORFEITED
    turn.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="housing.choice.forfeited",
        obj=turn,
        before={"status": TurnStatus.CHOSEN.value, "unit": str(unit)},
        after={"status": TurnStatus.FORFEITED.value, "unit": None},
    )
    return turn


@transaction.atomic
def batch_close(*, actor: Actor, batch: SaleBatch) -> ClosingReport:
    """End unit choice and close the sale: places never called are marked so, and the closing
    report is computed once, stored with its digest and never changed."""
    from ..report import build_report  # report reads selectors and the simulator

    batch = lock_batch(batch)
    ensure(is_system(actor) or access.can_start_unit_choice(actor, batch), NOT_ALLOWED)
    ensure_transition(batch.status, BatchStatus.CLOSED)
    pending = ChoiceTurn.objects.filter(batch=batch, status=TurnStatus.CHOSEN).count()
    ensure(pending == 0, errors.CONTRACTS_PENDING, count=pending)
    TURN.ensure(TurnStatus.WAITING, TurnStatus.NOT_CALLED)  # every waiting place, below
    not_called = ChoiceTurn.objects.filter(batch=batch, status=TurnStatus.WAITING).update(
        status=TurnStatus.NOT_CALLED, updated_at=timezone.now()
    )
    data = build_report(batch)
    digest = hashlib.sha256(audit.canonical_json(data).encode("utf-8")).hexdigest()
    report = ClosingReport.objects.create(
        batch=batch, data=data, digest=digest, closed_by=user_of(actor)
    )
    transition(
        actor=actor,
        batch=batch,
        target=BatchStatus.CLOSED,
        report_digest=digest,
        not_called=not_called,
    )
    return report
