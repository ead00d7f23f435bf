"""Hostile-input benchmarks (docs/benchmarks.md, "## hostile input").

    .venv/bin/python bench/hostile.py [--persons 70000] [--skip-full]

Reads hostile and legitimate agency files with the registry's reader (`reading.open_source` and
every row of `reading.iter_rows`, the phase a hostile file attacks; no database) and, side by
side in the same run, the way the reader worked before (calamine in the importing process,
which opened the sheet twice: once for the header, once for the rows). Each case runs in a
fresh process; reported: outcome, wall time, the importing process's peak RSS (VmHWM) and its
child's (the sandboxed workbook reader, RUSAGE_CHILDREN). The "before" process runs under a
6 GB address-space cap so that a bomb cannot take the machine down.

Cases: a full-size insurance workbook (synthetic, ~1M rows), an XLSX whose sheet inflates to
3 GB (3.6 MB file), a 1.6 KB sheet with cells at A1 and XFD1048576, a million empty rows
(XLSX and CSV)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

NEW = """
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[1])
os.environ["DJANGO_SETTINGS_MODULE"] = "gaoxin.config.settings.test"
import django
django.setup()
from pathlib import Path
from typing import Any
import tempfile
from gaoxin.common.errors import GaoxinError
from gaoxin.registry.imports import reading
from gaoxin.registry.imports.columns import SPECS
started = time.monotonic()
rows = 0
try:
    with tempfile.TemporaryDirectory() as scratch:
        source = reading.open_source(Path(sys.argv[2]), SPECS[sys.argv[3]], Path(scratch))
        for _row in reading.iter_rows(source):
            rows += 1
    outcome = f"read {rows} rows"
except GaoxinError as error:
    outcome = error.code
hwm = int(Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0])
print(json.dumps({"outcome": outcome, "seconds": time.monotonic() - started, "self_kb": hwm,
                  "child_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

OLD = """
import json, resource, sys, time
from pathlib import Path
from typing import Any
resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))
sys.path.insert(0, sys.argv[1])
from python_calamine import CalamineWorkbook
from gaoxin.common.workbook_sandbox import cell_text
started = time.monotonic()
try:
    header = next(CalamineWorkbook.from_path(sys.argv[2]).get_sheet_by_index(0).iter_rows(), [])
    rows = 0
    for values in CalamineWorkbook.from_path(sys.argv[2]).get_sheet_by_index(0).iter_rows():
        cells = [cell_text(v) for v in values]
        rows += 1
    outcome = f"read {rows} rows"
except Exception as error:
    outcome = type(error).__name__
hwm = int(Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0])
print(json.dumps({"outcome": outcome, "seconds": time.monotonic() - started, "self_kb": hwm,
                  "child_kb": 0}))
"""


def run(code: str, path: Path, kind: str) -> dict[str, Any]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, str(REPO), str(path), kind],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if done.returncode != 0:
        return {
            "outcome": f"process died (exit {done.returncode}): "
            + (done.stderr.strip().splitlines() or [""])[0][:90],
            "seconds": time.monotonic() - started,
            "self_kb": 0,
            "child_kb": 0,
        }
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def build(folder: Path, persons: int, full: bool) -> list[tuple[str, str, Path, bool]]:
    from gaoxin.testing import hostile_files as hostile

    cases: list[tuple[str, str, Path, bool]] = []
    if full:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "synth",
                "--persons",
                str(persons),
                "--write-files",
                str(folder / "zone"),
                "--format",
                "xlsx",
            ],
            cwd=REPO,
            check=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "gaoxin.config.settings.test"},
            capture_output=True,
        )
        workbook = folder / "zone" / "insurance.xlsx"
        cases.append(("insurance workbook (synthetic)", "insurance", workbook, True))
    bomb = folder / "bomb.xlsx"
    bomb.write_bytes(hostile.zip_bomb_xlsx(3 * 1024 * 1024 * 1024))
    cases.append(("zip bomb: sheet inflates to 3 GB", "person", bomb, True))
    sparse = folder / "sparse.xlsx"
    sparse.write_bytes(hostile.sparse_xlsx(["身份证号", "姓名"]))
    cases.append(("two cells, A1 and XFD1048576", "person", sparse, True))
    tall = folder / "tall.xlsx"
    rows: list[list[object]] = [["身份证号", "姓名"], ["11010519491231002X", "张三"]]
    rows += [[""] for _ in range(1_000_000)]
    rows.append(["440524188001010014", "李四"])
    tall.write_bytes(hostile.xlsx(rows))
    cases.append(("data at rows 2 and 1,000,003 (XLSX)", "person", tall, True))
    flat = folder / "tall.csv"
    blank = ",\n" * 1_000_000
    flat.write_text(
        f"身份证号,姓名\n11010519491231002X,张三\n{blank}440524188001010014,李四\n",
        encoding="utf-8",
    )
    cases.append(("1,000,000 empty rows (CSV)", "person", flat, False))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=70_000)
    parser.add_argument("--skip-full", action="store_true", help="no full-size workbook")
    args = parser.parse_args()
    print(f"machine: nproc={os.cpu_count()}, {platform.python_version()}, {platform.machine()}")
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-hostile-") as tmp:
        folder = Path(tmp)
        cases = build(folder, args.persons, not args.skip_full)
        print("| file | size | reader | outcome | s | importer peak MB | child peak MB |")
        print("|---|---:|---|---|---:|---:|---:|")
        for label, kind, path, workbook in cases:
            size = path.stat().st_size
            readers = [("now", NEW)] + ([("before", OLD)] if workbook else [])
            for name, code in readers:
                result = run(code, path, kind)
                print(
                    f"| {label} | {size / 1e6:.1f} MB | {name} | {result['outcome']} "
                    f"| {float(result['seconds']):.1f} | {int(result['self_kb']) // 1024} "
                    f"| {int(result['child_kb']) // 1024} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
