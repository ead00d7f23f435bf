"""`manage.py demo_data [--if-empty]`: load every app's demo data (gaoxin/common/demo.py) and
print the demo accounts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gaoxin.accounts.demo import DEMO_USERS
from gaoxin.accounts.models import User
from gaoxin.common import demo


class Command(BaseCommand):
    help = "Load demo data (demo users for every role, a synthetic zone, sales). 载入演示数据。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the database has users"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and User.objects.exists():
            self.stdout.write(
                "数据库已有数据，未载入演示数据 / database not empty: demo data skipped"
            )
        else:
            for name, loader in demo.loaders():  # each loader owns its transactions
                lines = loader()
                self.stdout.write(self.style.SUCCESS(f"演示数据 / demo data: {name}"))
                for line in lines:
                    self.stdout.write(f"  {line}")
        self.stdout.write("演示账户 / demo accounts (username / password / role):")
        for username, display_name, password, role_codes in DEMO_USERS:
            self.stdout.write(
                f"  {username:<10} {password:<22} {', '.join(role_codes)}  {display_name}"
            )
