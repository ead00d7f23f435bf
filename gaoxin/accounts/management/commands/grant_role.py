"""`manage.py grant_role USERNAME ROLE [--scope KIND:KEY]`: grant a role as the system (the first
zone administrator of a new installation; afterwards zone administrators use the roles page).
`--revoke` ends the matching live grant instead. Both are audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.accounts.models import RoleGrant, User
from gaoxin.accounts.services import role_grant, role_revoke
from gaoxin.common.actors import OPERATOR
from gaoxin.common.errors import GaoxinError


class Command(BaseCommand):
    help = "Grant (or --revoke) a role, zone-wide or within a scope. 授予或撤销角色。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", help="a role code, e.g. zone_admin")
        parser.add_argument("--scope", default="", help="KIND:KEY, e.g. sales_office:3")
        parser.add_argument("--revoke", action="store_true", help="end the grant instead")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户不存在 / no such user: {options['username']}")
        kind, _colon, key = str(options["scope"]).partition(":")
        try:
            if options["revoke"]:
                grant = RoleGrant.objects.filter(
                    user=user,
                    role=options["role"],
                    scope_kind=kind,
                    scope_key=key,
                    revoked_at__isnull=True,
                ).first()
                if grant is None:
                    raise CommandError("没有这样的有效授权 / no such live grant")
                role_revoke(actor=OPERATOR, grant=grant)
            else:
                grant = role_grant(
                    actor=OPERATOR, user=user, role=options["role"], scope_kind=kind, scope_key=key
                )
        except GaoxinError as error:
            raise CommandError(f"{error.message('zh')} / {error.message('en')}") from error
        self.stdout.write(str(grant))
