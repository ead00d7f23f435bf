"""Registry benchmarks (docs/benchmarks.md, "## registry").

    .venv/bin/python bench/registry.py --persons 500000 --months 24 --continuity 200000

For each backend (a throwaway PostgreSQL cluster started here, and an SQLite file) in a fresh
database, it measures in one run:

1. `manage.py synth --persons N`: generate the synthetic zone and import all ten agency files;
2. the insurance file: N people x M months, one row each, written as the agencies send it
   (ID number, credit code, month, flags, date), and imported through the real import
   (`registry_import insurance` path: read, validate, resolve, write, audit), into an empty
   contributions table;
3. the same rows loaded the database's own fastest way into the same empty table with the
   same unique index: PostgreSQL `COPY ... FROM STDIN` of the rows with ids resolved, and
   SQLite `executemany` of the same rows as Python tuples prepared in memory (not timed);
4. re-importing the same file (every row already there: nothing changes);
5. the continuity selector for the first C people (one query), with and without a 12-month cap.

Ratios are rows/s of the import divided by rows/s of the database's own load.
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

from gaoxin.common.actors import OPERATOR

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._harness import report as harness_report  # noqa: E402
from bench._harness import run_per_backend  # noqa: E402


def months_ending(end: int, count: int) -> list[int]:
    year, month = divmod(end, 100)
    out = []
    for _ in range(count):
        out.append(year * 100 + month)
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


# -- child: one backend ----------------------------------------------------------------------


def child(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.config.settings.local")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gaoxin.registry import selectors, services
    from gaoxin.registry.imports import runner
    from gaoxin.registry.models import Enterprise, InsuranceContribution, Person

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

    started = time.perf_counter()
    call_command("synth", persons=args.synth_persons, seed=1, no_progress=True, verbosity=0)
    result["synth_seconds"] = round(time.perf_counter() - started, 1)
    result["synth_persons"] = args.synth_persons
    result["synth_insurance_rows"] = InsuranceContribution.objects.count()

    table = InsuranceContribution._meta.db_table
    cols = "person_id, employer_id, month, in_zone, is_makeup, paid_on"

    def empty() -> None:
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                c.execute(f"TRUNCATE {table}")
            else:
                c.execute(f"DELETE FROM {table}")  # noqa: S608  (our table name)

    people = list(Person.objects.order_by("id").values_list("id", "id_number")[: args.persons])
    employers = list(
        Enterprise.objects.filter(business_in_zone_from__isnull=False)
        .order_by("id")
        .values_list("id", "credit_code")
    )
    months = months_ending(202512, args.months)
    agency = work / f"insurance-{connection.vendor}.csv"
    resolved = work / f"insurance-{connection.vendor}.copy"
    rows_mem: list[tuple[Any, ...]] = []
    keep_rows = connection.vendor != "postgresql"
    labels = {m: (f"{m // 100}-{m % 100:02d}", f"{m // 100}-{m % 100:02d}-15") for m in months}
    count = 0
    with agency.open("w", encoding="utf-8", newline="") as a, resolved.open("w") as r:
        writer = csv.writer(a)
        writer.writerow(
            [
                "身份证号",
                "缴费单位统一社会信用代码",
                "缴费月份",
                "是否在高新区缴纳",
                "是否补缴",
                "缴费日期",
            ]
        )
        for index, (pid, number) in enumerate(people):
            eid, code = employers[index % len(employers)]
            for k, month in enumerate(months):
                text, paid = labels[month]
                in_zone = (index + k) % 50 != 0
                makeup = (index * 7 + k) % 100 == 0
                writer.writerow(
                    [number, code, text, "是" if in_zone else "否", "是" if makeup else "否", paid]
                )
                r.write(
                    f"{pid}\t{eid}\t{month}\t{'t' if in_zone else 'f'}\t"
                    f"{'t' if makeup else 'f'}\t{paid}\n"
                )
                if keep_rows:
                    rows_mem.append((pid, eid, month, int(in_zone), int(makeup), paid))
                count += 1
    result["rows"] = count
    result["file_mb"] = round(agency.stat().st_size / 2**20, 1)

    # The database's own load of the same rows into the same empty table.
    empty()
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
        insert = f"INSERT INTO {table} ({cols}) VALUES (?, ?, ?, ?, ?, ?)"  # noqa: S608
        raw.executemany(insert, rows_mem)
        raw.execute("COMMIT")
    baseline = time.perf_counter() - started
    rows_mem.clear()
    result["baseline_seconds"] = round(baseline, 2)
    result["baseline"] = "COPY FROM STDIN" if connection.vendor == "postgresql" else "executemany"

    # The import, into the same empty table.
    empty()
    started = time.perf_counter()
    run = services.import_start_from_path(actor=OPERATOR, kind="insurance", path=agency)
    run = runner.execute(run.pk)
    imported = time.perf_counter() - started
    assert run.status == "succeeded" and run.inserted == count, (run.status, run.error_code)
    result["import_seconds"] = round(imported, 2)
    result["ratio"] = round(baseline / imported, 3)

    started = time.perf_counter()
    run = services.import_start_from_path(actor=OPERATOR, kind="insurance", path=agency)
    run = runner.execute(run.pk)
    result["reimport_seconds"] = round(time.perf_counter() - started, 2)
    assert run.unchanged == count and run.inserted == run.updated == 0

    ids = [pid for pid, _n in people[: args.continuity]]
    variants: list[tuple[str, dict[str, Any]]] = [
        ("continuity", {}),
        ("continuity_at_most_12", {"at_most": 12}),
    ]
    for label, kwargs in variants:
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            found = selectors.insurance_continuous_months(person_ids=ids, ending=202512, **kwargs)
            timings.append(time.perf_counter() - started)
        result[f"{label}_seconds"] = round(min(timings), 2)
        result[f"{label}_people_with_run"] = len(found)
    result["continuity_people"] = len(ids)
    return result


# -- parent: start the databases, run a child per backend, print the table --------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=500_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--continuity", type=int, default=200_000)
    parser.add_argument("--synth-persons", type=int, default=None)
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    args.synth_persons = args.synth_persons or args.persons
    if args.child:
        print("RESULT " + json.dumps(child(args)), flush=True)
        return

    results = run_per_backend(
        __file__,
        args.backends,
        [
            "--persons",
            str(args.persons),
            "--months",
            str(args.months),
            "--continuity",
            str(args.continuity),
            "--synth-persons",
            str(args.synth_persons),
        ],
        durable=False,
    )
    report = harness_report("bench/registry.py", results, args.json)
    print(markdown(report))


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Measured {report['date']} on {report['nproc']} cores ({report['cpu']}), "
        f"Python {report['python']}: `{report['command']}`",
        "",
        "| backend | rows | database's own load | import | import ÷ own load (speed) | "
        "re-import (no change) | continuity, C people | same, capped at 12 | synth |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        own = r["baseline_seconds"]
        lines.append(
            f"| {r['server']} | {r['rows']:,} ({r['file_mb']} MB CSV) | {r['baseline']} "
            f"{own} s ({r['rows'] / own:,.0f} rows/s) | {r['import_seconds']} s "
            f"({r['rows'] / r['import_seconds']:,.0f} rows/s) | **{r['ratio']}** | "
            f"{r['reimport_seconds']} s | {r['continuity_seconds']} s for "
            f"{r['continuity_people']:,} | {r['continuity_at_most_12_seconds']} s | "
            f"{r['synth_seconds']} s for {r['synth_persons']:,} people "
            f"({r['synth_insurance_rows']:,} insurance rows) |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
