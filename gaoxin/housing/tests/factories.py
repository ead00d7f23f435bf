"""Test data for housing: a units sheet, ID numbers, the zone administrator who imports units.
Batches at each stage: builders.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.accounts.services import role_grant
from gaoxin.common.actors import OPERATOR
from gaoxin.registry.identifiers import make_id_number


def units_csv(count: int = 40) -> bytes:
    lines = ["楼栋,单元,房号,建筑面积,总价"]
    for i in range(count):
        lines.append(
            f"{1 + i // 20},1,{101 + i % 20 + 100 * (i // 20)},{89 + i % 3}.50,{1500000 + i * 1000}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def person_id(n: int, born: date = date(1990, 5, 17)) -> str:
    return make_id_number("340104", born, n % 1000)


def child_id(n: int, born: date) -> str:
    return make_id_number("340104", born, n % 1000)


def _admin() -> Any:
    from gaoxin.accounts.models import User
    from gaoxin.accounts.services import user_create

    existing = User.objects.filter(username="factory-admin").first()
    if existing:
        return existing
    return user_create(
        actor=OPERATOR, username="factory-admin", password=None, role_codes=[roles.ZONE_ADMIN]
    )


def staff_of(office: Any, user: Any) -> Any:
    """Make `user` staff of the sales office: the developer role granted within it."""
    return role_grant(
        actor=OPERATOR,
        user=user,
        role=roles.DEVELOPER,
        scope_kind=ScopeKind.SALES_OFFICE,
        scope_key=str(office.pk),
    )
