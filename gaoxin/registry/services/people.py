"""Unmasked views of personal data, each audited."""

from __future__ import annotations

from django.db import transaction

from gaoxin.common import audit
from gaoxin.common.actors import Actor
from gaoxin.common.errors import NOT_ALLOWED, ensure
from gaoxin.common.storagefaults import reports_storage_faults

from .. import access
from ..models import Person


@transaction.atomic
def person_reveal(*, actor: Actor, person: Person, purpose: str = "") -> Person:
    """Record that `actor` saw `person`'s unmasked personal data (the view shows it after)."""
    ensure(access.can_view_personal_data(actor), NOT_ALLOWED)
    audit.record(
        actor=actor,
        action="registry.person.unmasked",
        obj=person,
        after={"purpose": purpose[:200]},
    )
    return person


@reports_storage_faults
@transaction.atomic
def person_viewed(*, actor: Actor, person: Person) -> None:
    """Record one view of a person's page unmasked (after `person_reveal` in the session): the
    log shows every time the data was on someone's screen, not only the first."""
    ensure(access.can_view_personal_data(actor), NOT_ALLOWED)
    audit.record(actor=actor, action="registry.person.viewed", obj=person, after={"unmasked": True})
