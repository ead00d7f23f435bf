"""`manage.py registry_import KIND FILE [--valid-rows-only] [--user NAME]`: import an agency
file with a progress bar, exactly as the web upload does (same checks, same history, same
audit events), reading the file where it lies. `--template` writes the kind's template
instead. Exit status 0 when imported, 1 when rejected or failed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gaoxin.accounts.models import User
from gaoxin.common.actors import OPERATOR, Actor
from gaoxin.common.errors import GaoxinError
from gaoxin.registry import services
from gaoxin.registry.choices import ImportKind, ImportMode, ImportStatus
from gaoxin.registry.imports import reports, runner
from gaoxin.registry.models import ImportRun


class Command(BaseCommand):
    help = "Import an agency file (CSV or XLSX) into the registry. 导入部门数据文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--valid-rows-only",
            action="store_true",
            help="import the valid rows and skip rows with errors (recorded on the run)",
        )
        parser.add_argument("--user", help="username recorded as the importer (default: system)")
        parser.add_argument(
            "--template", action="store_true", help="write the kind's template to FILE instead"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        kind = options["kind"]
        if options["template"]:
            content = (
                reports.template_csv(kind) if path.suffix == ".csv" else reports.template_xlsx(kind)
            )
            path.write_bytes(content)
            self.stdout.write(f"模板已写入 / template written: {path}")
            return
        if not path.is_file():
            raise CommandError(f"没有这个文件 / no such file: {path}")
        actor: Actor = OPERATOR
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"没有这个用户 / no such user: {options['user']}")
            actor = user
        mode = (
            ImportMode.VALID_ROWS_ONLY if options["valid_rows_only"] else ImportMode.ALL_OR_NOTHING
        )
        try:
            run = services.import_start_from_path(actor=actor, kind=kind, path=path, mode=mode)
        except GaoxinError as error:
            raise CommandError(f"{error.message('zh')} / {error.message('en')}") from None
        run = import_with_progress(run, quiet=options["no_progress"])
        self.report(run)
        if run.status != ImportStatus.SUCCEEDED:
            raise SystemExit(1)

    def report(self, run: ImportRun) -> None:
        self.stdout.write(
            f"导入 #{run.pk} {run.get_kind_display()}: {run.get_status_display()} · "
            f"rows {run.processed_rows}, new {run.inserted}, changed {run.updated}, "
            f"unchanged {run.unchanged}, rows with errors {run.error_rows}"
        )
        if run.error_code:
            self.stderr.write(run.error_message)
        for error in run.errors_preview[:10]:
            self.stderr.write(
                f"  第 {error['row']} 行 row {error['row']} · {error['column']} · "
                f"“{error['value']}”: {error['reason_zh']} / {error['reason_en']}"
            )
        for warning in run.warnings_preview[:10]:
            self.stderr.write(
                f"  提示 warning · 第 {warning['row']} 行 row {warning['row']} · "
                f"{warning['column']}: {warning['reason_zh']} / {warning['reason_en']}"
            )
        if run.error_report:
            self.stdout.write(f"错误报告 / error report: {run.error_report.name}")


def import_with_progress(run: ImportRun, *, quiet: bool = False) -> ImportRun:
    bar = tqdm(total=None, unit=" rows", unit_scale=True, desc=run.kind, disable=quiet, leave=False)

    def hook(current: ImportRun) -> None:
        if current.total_rows and bar.total is None:
            bar.total = current.total_rows
        bar.set_postfix_str(current.status)
        bar.update(current.processed_rows - bar.n)

    try:
        return runner.execute(run.pk, on_progress=hook)
    finally:
        bar.close()
