"""`manage.py draw_export CODE --out DIR`: write a drawn batch's published files from the
database — `CODE-roster.csv`, `CODE-protocol.json`, `CODE-results.csv`, byte for byte what the
public pages serve — so that `fairdraw verify` can check them offline, e.g. after restoring a
backup (docs/operations.md). Exit 1 when the batch does not exist or has not been drawn."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gaoxin.housing import selectors


class Command(BaseCommand):
    help = "Write a drawn batch's roster, protocol and results files. 导出摇号的公开文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="batch code, e.g. GX26A")
        parser.add_argument("--out", required=True, help="directory to write the files into")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = selectors.batch_get(code=options["code"])
        draw = getattr(batch, "draw", None) if batch is not None else None
        if batch is None or draw is None:
            self.stderr.write(
                f"批次 {options['code']} 不存在或尚未摇号 / "
                f"batch {options['code']} does not exist or has not been drawn"
            )
            sys.exit(1)
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        files = {
            "roster.csv": bytes(batch.roster.csv),
            "protocol.json": draw.protocol.encode("utf-8"),
            "results.csv": selectors.results_csv(draw),
        }
        for name, data in files.items():
            path = out / f"{batch.code}-{name}"
            path.write_bytes(data)
            self.stdout.write(f"{path} ({len(data):,} bytes)")
        self.stdout.write(
            f"fairdraw verify {out / f'{batch.code}-protocol.json'} "
            f"{out / f'{batch.code}-roster.csv'} --results {out / f'{batch.code}-results.csv'}"
        )
