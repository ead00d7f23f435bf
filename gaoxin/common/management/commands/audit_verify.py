"""`manage.py audit_verify [--head ID:HASH]`: walk the audit hash chain and check it against
every signed checkpoint (common/checkpoints.py: database and journal file).

Exit 0 when the chain is intact (holds every checkpoint, and the published head if given);
exit 1 naming the first edited, deleted, inserted or reordered event, or a checkpoint the chain
no longer holds or that was forged; exit 2 on a malformed argument."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gaoxin.common import checkpoints
from gaoxin.common.audit import parse_head
from gaoxin.common.errors import GaoxinError


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain and its signed checkpoints. "
        "校验审计日志哈希链及已签名检查点。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--head",
            metavar="ID:HASH",
            help="a previously published chain head that must still be in the chain",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        published = None
        if options["head"]:
            try:
                published = parse_head(options["head"])
            except GaoxinError as error:
                self.stderr.write(f"{error.message('zh')} / {error.message('en')}")
                sys.exit(2)
        verified = checkpoints.verify(published_head=published)
        report = verified.report
        if report.ok:
            head = report.last
            self.stdout.write(
                f"审计链完好 / audit chain intact: {report.checked} events, "
                f"{verified.checkpoints} signed checkpoints held, "
                f"head {head if head else '(empty)'}"
            )
            return
        first = (report.problems or [])[0]
        self.stderr.write(f"审计链被篡改 / audit chain broken: {first}")
        sys.exit(1)
