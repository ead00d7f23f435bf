"""Helpers for fault tests: run this checkout's code in another OS process against the test
database, stop it at a named pause point (gaoxin/common/faults.py) and SIGKILL it there.

    paused = start_paused(manage("db_worker", "--batch"), point="housing.draw.results_written",
                          log=tmp_path / "worker.log")
    paused.kill()                       # SIGKILL, then reaped
    finished = run(manage("db_worker", "--batch"), log=tmp_path / "again.log")

The child gets the test settings, DATABASE_URL of the test database the test itself uses (so
the test must commit: `django_db(transaction=True)`), the database task backend, and this
checkout first on its path. Waiting for the pause is a read on a pipe (no sleeping); every wait
is bounded by a timeout."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

from gaoxin.common.faults import PAUSE_AT, PAUSE_FD

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 300  # seconds: a bound, never a measurement


def database_url() -> str:
    """The URL of the database this test runs against (PostgreSQL only)."""
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        raise AssertionError("fault tests with other processes need PostgreSQL")
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gaoxin.config.settings.test",
        "DATABASE_URL": database_url(),
        "GAOXIN_TEST_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop(PAUSE_AT, None)
    env.pop(PAUSE_FD, None)
    env.update(extra)
    return env


def manage(*args: str) -> list[str]:
    return [sys.executable, str(REPO / "manage.py"), *args]


def python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


@dataclass
class Paused:
    process: subprocess.Popen[Any]
    point: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no handler, no cleanup, no commit — what the OOM killer or a power cut does."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=TIMEOUT)
        if self.process.returncode != -signal.SIGKILL:
            raise AssertionError(f"the process ended by itself ({self.process.returncode})")


def start_paused(argv: list[str], *, point: str, log: Path, **env: str) -> Paused:
    """Start `argv` and return once it has reached pause point `point` (it stays there)."""
    read_end, write_end = os.pipe()
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv,
            cwd=REPO,
            env=child_env(**env, **{PAUSE_AT: point, PAUSE_FD: str(write_end)}),
            pass_fds=(write_end,),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], TIMEOUT)
        line = os.read(read_end, 512).decode() if ready else ""
    finally:
        os.close(read_end)
    if not line.startswith(f"{point} "):
        if process.poll() is None:
            process.kill()
        process.wait(timeout=TIMEOUT)
        raise AssertionError(
            f"the process did not reach {point} (exit {process.returncode}):\n"
            + log.read_text(errors="replace")[-5000:]
        )
    return Paused(process, point, log)


def run(argv: list[str], *, log: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    """Run `argv` to its end (bounded); fails the test with its output if it fails."""
    with log.open("wb") as out:
        done = subprocess.run(
            argv,
            cwd=REPO,
            env=child_env(**env),
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=TIMEOUT,
            check=False,
        )
    if done.returncode != 0:
        raise AssertionError(log.read_text(errors="replace")[-5000:])
    return done
