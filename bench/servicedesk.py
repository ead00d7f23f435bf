"""Grid service desk benchmarks (docs/benchmarks.md, "## servicedesk").

    .venv/bin/python bench/servicedesk.py import --enterprises 120000

`import`: in a throwaway PostgreSQL cluster started here (and, with --backends
postgres,sqlite, an SQLite file), in a fresh database, in one run:

1. creates 24 grids, 96 carriers and N enterprises (not timed);
2. writes the assignment file as a zone administrator would upload it (credit code, grid
   code, carrier code, valid from: one row per enterprise) as UTF-8 CSV;
3. the database's own load of the same rows into the same empty assignment table with its
   indexes and constraints: PostgreSQL `COPY ... FROM STDIN` of the rows with ids resolved
   (SQLite: `executemany` of the same rows prepared in memory), then emptied again;
4. the real import (`import_assignments`: read the file, check every row, COPY into a
   temporary table, set-based checks and writes, one audit event) into that empty table;
5. a second file moving every enterprise to another grid from a later day (each current
   assignment ended the day before, a new one started).

The ratio is rows/s of the import divided by rows/s of the database's own load (1 = as fast as
COPY; the target is at least 0.5).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._harness import report as harness_report  # noqa: E402
from bench._harness import run_per_backend  # noqa: E402

GRIDS = 24


def _write_file(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["统一社会信用代码", "网格编号", "载体编号", "生效日期"])
        writer.writerows(rows)


def child_import(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.config.settings.local")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gaoxin.common.actors import OPERATOR
    from gaoxin.registry import identifiers
    from gaoxin.registry.models import Enterprise
    from gaoxin.servicedesk.models import Carrier, EnterpriseAssignment, Grid
    from gaoxin.servicedesk.services.imports import import_assignments

    work = Path(args.work)
    result: dict[str, Any] = {"backend": connection.vendor}
    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("SHOW server_version")
            result["server"] = "PostgreSQL " + c.fetchone()[0]
    else:
        import sqlite3

        result["server"] = "SQLite " + sqlite3.sqlite_version

    grids = [
        Grid.objects.create(code=f"B{i:02d}", name=f"基准网格{i}") for i in range(1, GRIDS + 1)
    ]
    carriers = [
        Carrier.objects.create(code=f"BC{i:03d}", name=f"基准载体{i}", kind="park", grid=g)
        for i, g in enumerate(grids * 4, start=1)
    ]
    count = args.enterprises
    Enterprise.objects.bulk_create(
        (
            Enterprise(
                credit_code=identifiers.make_credit_code("91", "370212", f"BM{i:06d}"),
                name=f"基准企业{i:06d}",
            )
            for i in range(count)
        ),
        batch_size=5000,
    )
    enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", "credit_code"))
    first, moved = [], []
    resolved = work / f"assign-{connection.vendor}.copy"
    prepared: list[tuple[Any, ...]] = []
    with resolved.open("w") as copy_rows:
        for index, (pk, code) in enumerate(enterprises):
            carrier = carriers[index % len(carriers)]
            grid = grids[index % GRIDS]
            first.append((code, grid.code, carrier.code, "2026-01-01"))
            moved.append((code, grids[(index + 1) % GRIDS].code, "", "2026-07-01"))
            copy_rows.write(f"{pk}\t{grid.pk}\t{carrier.pk}\t2026-01-01\n")
            if connection.vendor != "postgresql":
                prepared.append((pk, grid.pk, carrier.pk, "2026-01-01"))
    first_file, moved_file = work / "assign-first.csv", work / "assign-moved.csv"
    _write_file(first_file, first)
    _write_file(moved_file, moved)
    result["rows"] = count
    result["file_mb"] = round(first_file.stat().st_size / 2**20, 1)

    table = EnterpriseAssignment._meta.db_table
    cols = "enterprise_id, grid_id, carrier_id, valid_from"
    connection.ensure_connection()
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as c,
            resolved.open("rb") as source,
            c.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
        ):
            while chunk := source.read(1 << 20):
                copy.write(chunk)
    else:
        raw = connection.connection
        raw.execute("BEGIN")
        insert = f"INSERT INTO {table} ({cols}) VALUES (?, ?, ?, ?)"  # noqa: S608
        raw.executemany(insert, prepared)
        raw.execute("COMMIT")
    baseline = time.perf_counter() - started
    assert EnterpriseAssignment.objects.count() == count
    result["baseline"] = "COPY FROM STDIN" if connection.vendor == "postgresql" else "executemany"
    result["baseline_seconds"] = round(baseline, 3)
    with connection.cursor() as c:
        c.execute(f"DELETE FROM {table}")  # noqa: S608  (our table name)
        if connection.vendor == "postgresql":
            c.execute(f"VACUUM ANALYZE {table}")

    started = time.perf_counter()
    outcome = import_assignments(actor=OPERATOR, path=first_file, name=first_file.name)
    imported = time.perf_counter() - started
    assert outcome.ok and outcome.created == count, (outcome.error_count, outcome.errors[:3])
    result["import_seconds"] = round(imported, 3)
    result["ratio"] = round(baseline / imported, 3)

    started = time.perf_counter()
    outcome = import_assignments(actor=OPERATOR, path=moved_file, name=moved_file.name)
    result["move_seconds"] = round(time.perf_counter() - started, 3)
    assert outcome.ok and outcome.ended == count and outcome.created == count
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("mode", choices=["import"])
    parser.add_argument("--enterprises", type=int, default=120_000)
    parser.add_argument("--backends", default="postgres")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child_import(args)), flush=True)
        return

    results = run_per_backend(
        __file__,
        args.backends,
        [args.mode, "--enterprises", str(args.enterprises)],
        durable=True,
    )
    report = harness_report("bench/servicedesk.py", results, args.json)
    print(markdown(report))


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Measured {report['date']} on {report['nproc']} cores ({report['cpu']}), "
        f"Python {report['python']}: `{report['command']}`",
        "",
        "| backend | rows | database's own load | import | import ÷ own load (speed) | "
        "moving every enterprise |",
        "|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        own = r["baseline_seconds"]
        lines.append(
            f"| {r['server']} | {r['rows']:,} ({r['file_mb']} MB CSV) | {r['baseline']} "
            f"{own} s ({r['rows'] / own:,.0f} rows/s) | {r['import_seconds']} s "
            f"({r['rows'] / r['import_seconds']:,.0f} rows/s) | **{r['ratio']}** | "
            f"{r['move_seconds']} s |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
