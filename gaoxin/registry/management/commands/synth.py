"""`manage.py synth --persons N --seed S [--write-files DIR [--format csv|xlsx]]`: a realistic,
deterministic synthetic zone (gaoxin/registry/synth.py). Without --write-files it is loaded
into the registry through the import pipeline, one agency file after another."""

from __future__ import annotations

import csv
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.common.actors import OPERATOR
from gaoxin.registry import services, synth
from gaoxin.registry.choices import ImportStatus
from gaoxin.registry.imports.columns import SPECS

from .registry_import import import_with_progress

XLSX_MAX_ROWS = 1_048_575


def write_files(zone: synth.Zone, directory: Path, fmt: str = "csv") -> list[tuple[str, Path]]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, rows in synth.rows_in_load_order(zone):
        spec = SPECS[kind]
        header = [c.zh for c in spec.columns]
        if fmt == "xlsx" and len(rows) <= XLSX_MAX_ROWS:
            path = directory / f"{kind}.xlsx"
            book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
            sheet = book.add_worksheet(spec.title_zh)
            sheet.write_row(0, 0, header)
            for index, row in enumerate(rows, start=1):
                for col, value in enumerate(row):
                    sheet.write_string(index, col, value)
            book.close()
        else:
            path = directory / f"{kind}.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                writer.writerows(rows)
        written.append((kind, path))
    return written


class Command(BaseCommand):
    help = "Generate a synthetic zone (load it, or write the agency files). 生成模拟园区数据。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 1, 1))
        parser.add_argument("--months", type=int, default=24, help="months of insurance history")
        parser.add_argument("--write-files", type=Path, help="write CSV/XLSX files to this folder")
        parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        zone = synth.generate(
            persons=options["persons"],
            seed=options["seed"],
            as_of=options["as_of"],
            months=options["months"],
        )
        generated = time.monotonic() - started
        counts = ", ".join(f"{k} {len(v)}" for k, v in zone.rows.items())
        self.stdout.write(f"生成 / generated in {generated:.1f}s: {counts}")
        if options["write_files"]:
            for _kind, path in write_files(zone, options["write_files"], options["format"]):
                self.stdout.write(f"  {path}")
            return
        with tempfile.TemporaryDirectory(prefix="gaoxin-synth-") as folder:
            for kind, path in write_files(zone, Path(folder)):
                run = services.import_start_from_path(actor=OPERATOR, kind=kind, path=path)
                run = import_with_progress(run, quiet=options["no_progress"])
                if run.status != ImportStatus.SUCCEEDED:
                    raise CommandError(
                        f"{kind}: {run.get_status_display()} {run.error_message} "
                        f"{run.errors_preview[:3]}"
                    )
                self.stdout.write(f"  {kind}: +{run.inserted} ~{run.updated} ={run.unchanged}")
        self.stdout.write(
            self.style.SUCCESS(
                f"模拟园区已载入 / synthetic zone loaded in {time.monotonic() - started:.1f}s"
            )
        )
