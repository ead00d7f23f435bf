"""The test run's own PostgreSQL: without server binaries it is skipped with a message, unless
GAOXIN_REQUIRE_POSTGRES=1, where it fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def run_pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    test = tmp_path / "test_trivial.py"
    test.write_text("def test_trivial():\n    assert True\n")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "GAOXIN_REQUIRE_POSTGRES"}  # CI sets it; tests choose
    }
    environment.update({"GAOXIN_TEST_DB": "postgres", **env})
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(test),
            "-q",
            "-p",
            "no:cacheprovider",
            f"--rootdir={REPO}",
            "-c",
            str(REPO / "pyproject.toml"),
        ],
        env=environment,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


@pytest.mark.slow
def test_missing_postgres_is_skipped_with_a_message(tmp_path):
    result = run_pytest(tmp_path, GAOXIN_PG_BINDIR=str(tmp_path / "nowhere"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PostgreSQL server binaries not found" in result.stdout
    assert "1 skipped" in result.stdout


@pytest.mark.slow
def test_missing_postgres_fails_when_required(tmp_path):
    result = run_pytest(
        tmp_path, GAOXIN_PG_BINDIR=str(tmp_path / "nowhere"), GAOXIN_REQUIRE_POSTGRES="1"
    )
    assert result.returncode != 0
    assert "GAOXIN_REQUIRE_POSTGRES=1" in result.stdout + result.stderr
