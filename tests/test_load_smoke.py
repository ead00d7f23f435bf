"""The load harness's smoke run (`bench/load.py smoke`, docs/reliability.md "Faults"): a small
registration surge on gunicorn and PostgreSQL during which a worker is SIGKILLed twice, then
PostgreSQL is restarted. Nothing acknowledged may be lost or duplicated, nothing that failed
may be in the database, and every request whose answer was lost, sent again, gives exactly one
application."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gaoxin.testing.postgres import find_bindir

REPO = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.skipif(find_bindir() is None, reason="needs PostgreSQL's server binaries"),
    pytest.mark.skipif(
        os.environ.get("GAOXIN_TEST_DB") == "postgres",
        reason="starts its own cluster: run once per `make test`, in the first pass",
    ),
]


def test_no_registration_is_lost_or_duplicated_when_a_worker_dies_and_postgresql_restarts():
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "load.py"), "smoke"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    result = json.loads(run.stdout)
    steps, accounting = result["steps"], result["accounting"]
    assert [step["fault"]["kind"] for step in steps] == ["kill-worker", "restart-db"]
    assert result["server_log"].get("worker killed") == 2  # the faults did happen
    acknowledged = sum(step["acknowledged"] for step in steps)
    assert acknowledged > 0
    assert accounting["acknowledged_present_once"] == acknowledged
    for problem in (
        "acknowledged_lost",
        "acknowledged_duplicated",
        "acknowledged_wrong_number",
        "failed_present",
        "in_database_but_never_sent",
        "people_in_two_applications",
        "duplicate_registration_numbers",
        "applications_without_exactly_one_member",
        "audit_chain_problems",
    ):
        assert accounting.get(problem, 0) == 0, problem
    retry = result["retry_of_unknown"]
    assert retry["acknowledged"] == retry["retried"]
    if retry["retried"]:
        assert retry["accounting"]["acknowledged_present_once"] == retry["retried"]
        assert retry["accounting"]["people_in_two_applications"] == 0
    # the app answered again after each fault, on its own
    assert all(step["recovery"]["first_success_s_after_fault"] is not None for step in steps)
