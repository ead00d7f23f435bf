"""State machines as tables: one per process, the one place that lists which transitions exist.

    BATCH = StateMachine(
        "housing.batch",
        BatchStatus,
        {(S.DRAFT, S.REGISTRATION): "publish", (S.REGISTRATION, S.REVIEW): "close_registration"},
        error=errors.BATCH_BAD_TRANSITION,
    )
    name = BATCH.ensure(batch.status, S.REVIEW)          # the transition's name, or the error
    BATCH.targets(batch.status)                          # where it may go from here
    BATCH.apply(actor=actor, obj=batch, target=S.REVIEW, after={...})  # set, save, audit

The status is a TextChoices enum; the error names both states by their labels (in the user's
language). `apply` writes the audit event `<machine>.<transition>` in the caller's transaction.
Which user may take a transition stays in the app's access.py: the service checks the rule,
the selector that lists available actions filters `targets()` by the same rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from gaoxin.common.actors import Actor

from . import audit
from .errors import ErrorCode, GaoxinError


class StateMachine:
    def __init__(
        self,
        name: str,
        states: type[models.TextChoices],
        transitions: Mapping[tuple[str, str], str],
        *,
        error: ErrorCode,
        field: str = "status",
    ) -> None:
        for source, target in transitions:
            states(source)  # every state named in the table is a member of the enum
            states(target)
        self.name = name
        self.states = states
        self.transitions = dict(transitions)
        self.error = error
        self.field = field

    def ensure(self, current: str, target: str) -> str:
        """The transition's name, or the machine's error naming both states."""
        name = self.transitions.get((str(current), str(target)))
        if name is None:
            raise GaoxinError(
                self.error,
                current=self._label(current),
                target=self._label(target),
            )
        return name

    def allowed(self, current: str, target: str) -> bool:
        return (str(current), str(target)) in self.transitions

    def targets(self, current: str) -> list[str]:
        return [t for (s, t) in self.transitions if s == str(current)]

    def terminal(self) -> set[str]:
        sources = {s for s, _t in self.transitions}
        return {str(v) for v in self.states.values} - sources

    def apply(
        self,
        *,
        actor: Actor,
        obj: models.Model,
        target: str,
        after: Mapping[str, Any] | None = None,
        update_fields: Iterable[str] = (),
    ) -> str:
        """Move `obj` to `target` (which must be allowed from its current state), save the
        status (and `update_fields`) and record `<machine>.<transition>` in the audit chain."""
        current = getattr(obj, self.field)
        name = self.ensure(current, target)
        setattr(obj, self.field, target)
        fields = [self.field, *update_fields]
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            fields.append("updated_at")
        obj.save(update_fields=fields)
        audit.record(
            actor=actor,
            action=f"{self.name}.{name}",
            obj=obj,
            before={self.field: str(current)},
            after={self.field: str(target), **dict(after or {})},
        )
        return name

    def _label(self, value: str) -> str:
        try:
            return str(self.states(value).label)
        except ValueError:
            return str(value)
