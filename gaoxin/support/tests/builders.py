"""What the support tests share: the demo programmes, a zone administrator and two leaders,
and enterprises and a person from the registry factories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gaoxin.accounts import roles
from gaoxin.accounts.services import role_grant, user_create
from gaoxin.common.actors import OPERATOR
from gaoxin.registry.tests.factories import EnterpriseFactory, PersonFactory
from gaoxin.support.demo import create_programmes
from gaoxin.support.services import awards

PASSWORD = "correct-horse-battery-9"
YEAR = 2026


def user(username: str, role: str) -> Any:
    made = user_create(actor=OPERATOR, username=username, password=PASSWORD, role_codes=[])
    if role:
        role_grant(actor=OPERATOR, user=made, role=role, scope_kind="", scope_key="")
    return made


@dataclass
class Zone:
    admin: Any
    leader: Any
    leader2: Any
    auditor: Any
    firm: Any
    firm2: Any
    talent: Any


def zone() -> Zone:
    create_programmes()
    return Zone(
        admin=user("supportadmin", roles.ZONE_ADMIN),
        leader=user("leader1", roles.LEADERSHIP),
        leader2=user("leader2", roles.LEADERSHIP),
        auditor=user("auditor1", roles.AUDITOR),
        firm=EnterpriseFactory(),
        firm2=EnterpriseFactory(),
        talent=PersonFactory(),
    )


def proposed(z: Zone, programme: str, recipient: str, amount: int, *, year: int = YEAR) -> Any:
    """A proposed award with one milestone of its whole amount."""
    award = awards.award_propose(
        actor=z.admin,
        programme_code=programme,
        recipient=recipient,
        title="测试项目",
        year=year,
        amount=amount,
    )
    awards.milestones_set(actor=z.admin, pk=award.pk, plan=[awards.MilestonePlan("全部", amount)])
    return award
