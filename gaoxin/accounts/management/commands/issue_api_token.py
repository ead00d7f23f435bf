"""`manage.py issue_api_token USERNAME --name NAME`: issue a bearer token and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.accounts.models import User
from gaoxin.accounts.services import api_token_issue
from gaoxin.common.actors import OPERATOR
from gaoxin.common.errors import GaoxinError


class Command(BaseCommand):
    help = "Issue an API token for a user (shown once). 签发 API 令牌。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户不存在 / no such user: {options['username']}")
        try:
            _token, raw = api_token_issue(actor=OPERATOR, user=user, name=options["name"])
        except GaoxinError as error:
            raise CommandError(f"{error.message('zh')} / {error.message('en')}") from error
        self.stdout.write(raw)
