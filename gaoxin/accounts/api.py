"""Who am I: the calling account and its roles."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from . import roles

router = Router(tags=["accounts"])


class RoleOut(Schema):
    code: str
    name: str


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[RoleOut]


@router.get("/me", response=MeOut, summary="The calling account and its roles")
def me(request: HttpRequest) -> Any:
    user: Any = request.user
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": [{"code": r.code, "name": str(r.name)} for r in roles.roles_of(user)],
    }
