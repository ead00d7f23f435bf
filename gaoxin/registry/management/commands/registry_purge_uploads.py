"""`manage.py registry_purge_uploads [--days N] [--dry-run]`: delete uploaded agency files and
import error reports (personal data) older than the retention period — the setting
GAOXIN_REGISTRY_UPLOAD_RETENTION_DAYS unless --days is given — and files under
MEDIA_ROOT/registry/ that no import refers to. Each purged import is audited; the import's
record (file hash, counts, history) stays. Run it daily (docs/deploy.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.common.actors import OPERATOR
from gaoxin.common.errors import GaoxinError
from gaoxin.registry import services


class Command(BaseCommand):
    help = "Delete uploaded agency files past the retention period. 删除超过保留期的上传文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="retention in days (default: GAOXIN_REGISTRY_UPLOAD_RETENTION_DAYS)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be deleted, delete nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = settings.GAOXIN_REGISTRY_UPLOAD_RETENTION_DAYS
        try:
            purged = services.import_files_purge(
                actor=OPERATOR, days=days, dry_run=options["dry_run"]
            )
        except GaoxinError as error:
            raise CommandError(error.message("zh") + " / " + error.message("en")) from None
        verb = "将删除 / would delete" if options["dry_run"] else "已删除 / deleted"
        for name in purged.files:
            self.stdout.write(f"  {name}")
        self.stdout.write(
            f"{verb}: {len(purged.files)} 个文件 files ({purged.runs} 次导入 imports), "
            f"保留 / retention {days} 天 days"
        )
