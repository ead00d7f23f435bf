"""What the database benchmarks share: the machine's description, one child process per backend
(a throwaway PostgreSQL cluster or a SQLite file, the same Django settings as `make run`) and
the report with its command line.

A benchmark script calls itself with `--child <backend> --work <dir>` plus its own options; the
child prints one line `RESULT {json}`, which `run_per_backend` collects.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run_per_backend(
    script: str, backends: str, child_args: Sequence[str], *, durable: bool = False
) -> list[dict[str, Any]]:
    """Run `script *child_args --child <backend> --work <dir>` once per comma-separated backend
    and return each child's RESULT; a backend whose server is missing is skipped with a word."""
    from gaoxin.testing.postgres import find_bindir, start_cluster, stop_cluster

    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-") as work:
        for backend in backends.split(","):
            env = {
                **os.environ,
                "GAOXIN_VAR_DIR": work,
                "DEBUG": "0",
                "DJANGO_SETTINGS_MODULE": "gaoxin.config.settings.local",
            }
            cluster = None
            if backend == "postgres":
                bindir = find_bindir()
                if bindir is None:
                    print("PostgreSQL binaries not found: skipped", file=sys.stderr)
                    continue
                cluster = start_cluster(bindir, durable=durable)
                env["DATABASE_URL"] = f"postgres://gaoxin@127.0.0.1:{cluster['port']}/postgres"
            else:
                env["DATABASE_URL"] = f"sqlite:///{work}/bench.sqlite3"
            command = [sys.executable, script, *child_args, "--child", backend, "--work", work]
            try:
                output = subprocess.run(
                    command, env=env, check=True, capture_output=True, text=True, cwd=REPO
                )
            except subprocess.CalledProcessError as error:
                print(error.stdout[-3000:], error.stderr[-5000:], file=sys.stderr)
                raise
            finally:
                if cluster is not None:
                    stop_cluster(cluster)
            line = [x for x in output.stdout.splitlines() if x.startswith("RESULT ")][-1]
            result = json.loads(line[len("RESULT ") :])
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    return results


def report(script: str, results: list[dict[str, Any]], json_path: Path | None) -> dict[str, Any]:
    """The run's record: date, the command as typed, the machine, the results; also written to
    `json_path` when given."""
    record = {
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
        "command": " ".join([Path(sys.executable).name, script, *sys.argv[1:]]),
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "results": results,
    }
    if json_path:
        json_path.write_text(json.dumps(record, indent=2, ensure_ascii=False))
    return record
