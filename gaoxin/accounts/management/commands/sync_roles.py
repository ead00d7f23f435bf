"""`manage.py sync_roles`: create each role's group and set its permissions (migrate runs it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gaoxin.accounts.roles import ROLES, sync_roles


class Command(BaseCommand):
    help = "Create role groups and grant their permissions. 同步角色与权限。"

    def handle(self, *args: Any, **options: Any) -> None:
        missing = sync_roles()
        for role in ROLES:
            self.stdout.write(f"{role.code}: {len(role.permissions)} permissions")
        for dotted in missing:
            self.stderr.write(f"missing permission / 缺少权限: {dotted}")
