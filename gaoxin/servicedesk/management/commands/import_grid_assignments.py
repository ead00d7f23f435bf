"""Import grid assignments at the server's console (the same import as the set-up page).

    manage.py import_grid_assignments assignments.xlsx

All or nothing: on any row error nothing is written, each error is printed (row, column,
value, reason in Chinese and English) and the command exits with status 1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gaoxin.common.actors import OPERATOR
from gaoxin.common.errors import GaoxinError
from gaoxin.servicedesk.services.imports import import_assignments


class Command(BaseCommand):
    help = (
        "Import grid assignments (CSV or XLSX): credit code, grid code, carrier code, valid from."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            outcome = import_assignments(actor=OPERATOR, path=path, name=path.name)
        except GaoxinError as failure:
            raise CommandError(f"{failure.message('zh-hans')}\n{failure.message('en')}") from None
        if not outcome.ok:
            for e in outcome.errors:
                self.stderr.write(
                    f"第 {e.row} 行 row {e.row} · {e.column} · “{e.value}”: "
                    f"{e.reason_zh} / {e.reason_en}"
                )
            raise CommandError(
                f"未导入任何数据：{outcome.rows} 行中有 {outcome.error_count} 处错误。 "
                f"Nothing imported: {outcome.error_count} problems in {outcome.rows} rows."
            )
        self.stdout.write(
            f"{outcome.rows} rows: {outcome.created} started, {outcome.ended} ended the day "
            f"before, {outcome.replaced} replaced, {outcome.unchanged} unchanged."
        )
