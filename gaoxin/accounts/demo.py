"""Demo accounts for `make run`: one per role, with passwords printed at start-up.

These passwords are public (they are in this file and on screen): demo databases only."""

from __future__ import annotations

from django.db import transaction

from gaoxin.common.actors import DEMO

from . import roles, services
from .models import RoleGrant, User

DEMO_USERS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("admin", "管委会管理员（演示）", "demo-admin-2026", (roles.ZONE_ADMIN,)),
    ("reviewer", "资格审核员（演示）", "demo-reviewer-2026", (roles.REVIEWER,)),
    ("reviewer2", "第二资格审核员（演示）", "demo-reviewer2-2026", (roles.REVIEWER,)),
    ("developer", "开发企业销售部（演示）", "demo-developer-2026", (roles.DEVELOPER,)),
    ("notary", "公证员（演示）", "demo-notary-2026", (roles.NOTARY,)),
    ("auditor", "审计纪检（演示）", "demo-auditor-2026", (roles.AUDITOR,)),
    ("applicant", "张*明（演示申请人）", "demo-applicant-2026", (roles.APPLICANT,)),
    ("counter", "政务服务窗口（演示）", "demo-counter-2026", (roles.COUNTER_OFFICER,)),
)


@transaction.atomic
def load_demo_users() -> list[str]:
    """Create the demo users that do not exist yet; returns a line for each."""
    created = []
    for username, display_name, password, role_codes in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        services.user_create(
            actor=DEMO,
            username=username,
            password=password,
            role_codes=list(role_codes),
            display_name=display_name,
            validate_password=False,
        )
        created.append(f"{username} ({', '.join(role_codes)})")
    return created


def demo_user(username: str, display: str, role: str, kind: str = "", key: str = "") -> User:
    """A desk's demo account (password demo-<username>-2026) holding `role`, within the scope
    (`kind`, `key`) when given; created once, the grant added if missing."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = services.user_create(
            actor=DEMO,
            username=username,
            password=f"demo-{username}-2026",
            role_codes=[],
            display_name=display,
            validate_password=False,
        )
    RoleGrant.objects.get_or_create(
        user=user,
        role=role,
        scope_kind=kind,
        scope_key=key,
        revoked_at__isnull=True,
        defaults={"granted_by": None},
    )
    return user
