"""Identity bindings: an applicant's account bound to the one registry person it registers as
(issue #13). Two ways in, both audited as registry.identity.bound:

- the provincial identity service (OpenID Connect, ../oidc.py): its verified ID-number claim
  names the person; `identity_sign_in_verified` binds the signed-in account or creates one;
- the service counter: a counter officer checks the ID card in person and binds the account
  the applicant names (`identity_bind_at_counter`).

One person, one account: IdentityBinding is unique on both sides, and every binding locks the
person's row first, so two counters binding the same person at once give one binding."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from gaoxin.accounts import roles
from gaoxin.accounts.models import User
from gaoxin.accounts.services import user_create
from gaoxin.common import audit
from gaoxin.common.actors import IDENTITY_SERVICE, Actor, is_system, user_of
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure
from gaoxin.common.exports import printable

from .. import access, errors, identifiers
from ..choices import BindingMethod
from ..models import IdentityBinding, Person


def _person(id_number: str) -> Person:
    """The registry person with this ID number, its row locked."""
    try:
        number = identifiers.validate_id_number(id_number)
    except identifiers.IdentifierError as error:
        raise GaoxinError(
            errors.IDENTITY_PERSON_UNKNOWN, masked=printable(id_number.strip())[:24]
        ) from error
    person = Person.objects.select_for_update().filter(id_number=number).first()
    if person is None:
        raise GaoxinError(errors.IDENTITY_PERSON_UNKNOWN, masked=identifiers.mask_id_number(number))
    return person


def _bind(
    *, actor: Actor, user: Any, person: Person, method: str, evidence: str
) -> IdentityBinding:
    """Write the binding after every check; the caller holds the person's row lock."""
    user = User.objects.select_for_update().get(pk=user.pk)
    ensure(
        roles.has_role(user, roles.APPLICANT),
        errors.IDENTITY_NOT_APPLICANT,
        username=user.username,
    )
    bound = IdentityBinding.objects.filter(user=user).select_related("person").first()
    ensure(
        bound is None,
        errors.IDENTITY_ACCOUNT_BOUND,
        username=user.username,
        masked=bound.person.masked_id_number if bound is not None else "",
    )
    ensure(
        not IdentityBinding.objects.filter(person=person).exists(),
        errors.IDENTITY_PERSON_BOUND,
        masked=person.masked_id_number,
    )
    binding = IdentityBinding.objects.create(
        user=user,
        person=person,
        method=method,
        bound_by=user_of(actor),
        bound_at=timezone.now(),
        evidence=evidence[:300],
    )
    audit.record(
        actor=actor,
        action="registry.identity.bound",
        obj=binding,
        after={
            "user": user.username,
            "person": person.masked_id_number,
            "method": method,
            "evidence": evidence[:300],
        },
    )
    return binding


@transaction.atomic
def identity_bind_at_counter(
    *,
    actor: Actor,
    username: str,
    id_number: str,
    name: str,
    card_checked: bool,
    note: str = "",
) -> IdentityBinding:
    """A counter officer binds the account `username` to the person on the ID card they
    checked in person: the card's number must be a registry person, the card's name the
    registry's name, the account an applicant's and not bound yet, the person bound to no
    other account."""
    ensure(is_system(actor) or access.can_bind_identity(actor), NOT_ALLOWED)
    ensure(card_checked, errors.IDENTITY_CARD_NOT_CHECKED)
    person = _person(id_number)
    given = name.strip()
    ensure(
        given == person.name,
        errors.IDENTITY_NAME_MISMATCH,
        name=printable(given)[:50],
        masked=person.masked_id_number,
    )
    user = User.objects.filter(username=username.strip()).first()
    ensure(user is not None, errors.IDENTITY_ACCOUNT_UNKNOWN, username=printable(username)[:150])
    evidence = "ID card checked in person" + (f": {printable(note).strip()}" if note else "")
    return _bind(
        actor=actor, user=user, person=person, method=BindingMethod.COUNTER, evidence=evidence
    )


@transaction.atomic
def identity_unbind(*, actor: Actor, username: str, reason: str) -> None:
    """A counter officer releases an account's binding (the person lost the account, or it was
    bound by mistake); the person can then be bound to another account. The binding's record
    stays in the audit log."""
    ensure(is_system(actor) or access.can_bind_identity(actor), NOT_ALLOWED)
    binding = (
        IdentityBinding.objects.select_for_update()
        .select_related("person", "user")
        .filter(user__username=username.strip())
        .first()
    )
    if binding is None:
        raise GaoxinError(errors.IDENTITY_NOT_BOUND)
    audit.record(
        actor=actor,
        action="registry.identity.unbound",
        obj=binding,
        before={
            "user": binding.user.username,
            "person": binding.person.masked_id_number,
            "method": binding.method,
        },
        after={"reason": printable(reason)[:200]},
    )
    binding.delete()


def _account_name(issuer: str, subject: str) -> str:
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()
    return f"gov-{digest[:16]}"


@transaction.atomic
def identity_sign_in_verified(*, signed_in: Any, id_number: str, issuer: str, subject: str) -> User:
    """The provincial identity service verified this ID number (a signed ID token whose claim
    names it). The account to sign in as: the one bound to that person; else the account signed
    in now, bound to the person; else a new applicant account, bound. A person whose ID number
    is not in the registry is refused (the counter can help)."""
    try:
        number = identifiers.validate_id_number(id_number)
    except identifiers.IdentifierError as error:
        raise GaoxinError(errors.IDENTITY_SIGN_IN_FAILED, reason="id_number") from error
    person = Person.objects.select_for_update().filter(id_number=number).first()
    if person is None:
        raise GaoxinError(errors.IDENTITY_NOT_IN_REGISTRY)
    evidence = f"{printable(issuer)[:200]} sub={printable(subject)[:90]}"
    bound = IdentityBinding.objects.select_related("user").filter(person=person).first()
    if bound is not None:
        if getattr(signed_in, "is_authenticated", False) and signed_in.pk != bound.user_id:
            # Signed in as another account: that account is not this person's.
            raise GaoxinError(errors.IDENTITY_PERSON_BOUND, masked=person.masked_id_number)
        audit.record(
            actor=bound.user,
            action="registry.identity.signed_in",
            obj=bound,
            after={"method": BindingMethod.OIDC, "evidence": evidence},
        )
        return bound.user
    if getattr(signed_in, "is_authenticated", False):
        _bind(
            actor=signed_in,
            user=signed_in,
            person=person,
            method=BindingMethod.OIDC,
            evidence=evidence,
        )
        return User.objects.get(pk=signed_in.pk)
    user = user_create(
        actor=IDENTITY_SERVICE,
        username=_account_name(issuer, subject),
        password=None,
        role_codes=[roles.APPLICANT],
        display_name=person.masked_name,
    )
    _bind(
        actor=IDENTITY_SERVICE,
        user=user,
        person=person,
        method=BindingMethod.OIDC,
        evidence=evidence,
    )
    return user
