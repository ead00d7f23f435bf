"""The batch lock: every write of a sale locks its batch row first, then any other rows (the
module-wide order that keeps concurrent writers from deadlocking; see test_lock_order.py)."""

from __future__ import annotations

from typing import Any

from gaoxin.common import audit
from gaoxin.common.actors import Actor

from .models import SaleBatch
from .states import ensure_transition


def lock_batch(batch: SaleBatch) -> SaleBatch:
    return SaleBatch.objects.select_for_update().select_related("project").get(pk=batch.pk)


def transition(*, actor: Actor, batch: SaleBatch, target: str, **after: Any) -> SaleBatch:
    name = ensure_transition(batch.status, target)
    before = batch.status
    batch.status = target
    batch.save(update_fields=["status", "updated_at", *after.pop("_fields", [])])
    audit.record(
        actor=actor,
        action=f"housing.batch.{name}",
        obj=batch,
        before={"status": before},
        after={"status": target, **after},
    )
    return batch
