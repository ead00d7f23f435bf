"""Who does something: a user (signed in on a page, or through an API token), or a named part
of the system acting on its own. Every service takes an `actor`; there is no `None`.

    WORKER     the background worker (a task whose requester is not known)
    SCHEDULER  periodic work: deadline sweeps, daily audit checkpoints, upload purges
    DEMO       the demo data that `make run` loads
    OPERATOR   a management command run at the server's console
    IDENTITY_SERVICE   the provincial identity service (OpenID Connect): a verified sign-in
               that creates an applicant's account bound to the person it verified
    (integrations act as the user their API token belongs to)

A system actor may take any action its caller takes on its behalf: the code that runs it is the
authority, and the audit log names it (`actor_name` "system:worker", …). A system actor is never
a user: it cannot sign in, own an application or be recorded in a user column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class SystemActor:
    name: str  # without the "system:" prefix

    # What the access rules and the audit read of an actor; a system actor is no user.
    pk = None
    is_authenticated = False
    is_active = False
    is_superuser = False

    def get_username(self) -> str:
        return f"system:{self.name}"

    def __str__(self) -> str:
        return self.get_username()


WORKER = SystemActor("worker")
SCHEDULER = SystemActor("scheduler")
DEMO = SystemActor("demo")
OPERATOR = SystemActor("operator")
IDENTITY_SERVICE = SystemActor("identity_service")

Actor: TypeAlias = "AbstractBaseUser | AnonymousUser | SystemActor"


def is_system(actor: Any) -> bool:
    """True for a system actor. Refuses `None`: an actor is always named."""
    if actor is None:
        raise TypeError("an actor is a user or a SystemActor, never None")
    return isinstance(actor, SystemActor)


def user_of(actor: Any) -> Any:
    """The user to record in a user column (`started_by`, `executed_by`, …): None for a system
    actor, whose name the audit event carries."""
    return None if is_system(actor) else actor
