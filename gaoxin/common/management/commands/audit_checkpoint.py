"""`manage.py audit_checkpoint [--reason TEXT]`: sign and publish the audit chain's head now
(the scheduler does it daily, the draw at every draw; common/checkpoints.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gaoxin.common import checkpoints
from gaoxin.common.actors import OPERATOR


class Command(BaseCommand):
    help = "Sign and publish the audit chain's head. 签名并公布审计链头。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reason", default="manual", help="why (daily, draw:CODE, manual)")

    def handle(self, *args: Any, **options: Any) -> None:
        row = checkpoints.checkpoint_create(actor=OPERATOR, reason=options["reason"])
        self.stdout.write(
            f"检查点已签名 / checkpoint signed: seq {row.seq}, hash {row.chain_hash}, "
            f"key {row.public_key}"
        )
