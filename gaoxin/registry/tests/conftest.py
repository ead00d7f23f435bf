from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gaoxin.common.actors import OPERATOR
from gaoxin.registry import services, synth
from gaoxin.registry.choices import ImportKind, ImportMode
from gaoxin.registry.imports import runner
from gaoxin.registry.management.commands.synth import write_files
from gaoxin.registry.models import ImportRun

LOAD_ORDER = [k.value for k in ImportKind]


@pytest.fixture(scope="session")
def small_zone() -> synth.Zone:
    return synth.generate(persons=60, seed=7)


@pytest.fixture
def zone_files(small_zone: synth.Zone, tmp_path: Path) -> dict[str, Path]:
    return dict(write_files(small_zone, tmp_path / "zone"))


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def run_import(db: Any) -> Callable[..., ImportRun]:
    def run(kind: str, path: Path, mode: str = ImportMode.ALL_OR_NOTHING, actor: Any = OPERATOR):
        started = services.import_start_from_path(actor=actor, kind=kind, path=path, mode=mode)
        return runner.execute(started.pk)

    return run


@pytest.fixture
def load_zone(zone_files: dict[str, Path], run_import: Callable[..., ImportRun]):
    def load(until: str | None = None) -> None:
        for kind in LOAD_ORDER:
            if kind == until:
                return
            result = run_import(kind, zone_files[kind])
            assert result.status == "succeeded", (kind, result.error_code, result.errors_preview)

    return load
