"""The retention of uploaded agency files (personal data): the purge of finished imports' files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from gaoxin.common import audit
from gaoxin.common.actors import Actor
from gaoxin.common.errors import ensure

from .. import errors
from ..choices import ImportStatus
from ..models import ImportRun

FILE_AREA = "registry"  # MEDIA_ROOT/registry/: uploaded agency files and error reports


@dataclass
class Purged:
    runs: int = 0
    files: list[str] = field(default_factory=list)


def import_files_purge(*, actor: Actor, days: int, dry_run: bool = False) -> Purged:
    """Delete the uploaded agency files and error reports of finished imports started more than
    `days` days ago, and any file under MEDIA_ROOT/registry/ that no import refers to and that
    is as old. The run's record (hash, counts, audit trail) stays; each purged run gets an audit
    event. The database changes commit first and the files go after, so a crash in between
    leaves only unreferenced files, which the next run removes."""
    ensure(days >= 1, errors.RETENTION_DAYS, days=days)
    cutoff = timezone.now() - timedelta(days=days)
    purged = Purged()
    finished = [ImportStatus.SUCCEEDED, ImportStatus.REJECTED, ImportStatus.FAILED]
    old = (
        ImportRun.objects.filter(created_at__lt=cutoff, status__in=finished)
        .exclude(file="", error_report="")
        .order_by("pk")
    )
    for run in old.iterator(chunk_size=500):
        names = [f.name for f in (run.file, run.error_report) if f]
        purged.runs += 1
        purged.files += names
        if not dry_run:
            _purge_run(actor=actor, run=run, names=names, days=days)
    referenced = _referenced_files()
    storage = default_storage
    orphans = [
        name
        for name in _walk(storage, FILE_AREA)
        if name not in referenced and storage.get_modified_time(name) < cutoff
    ]
    purged.files += orphans
    if orphans and not dry_run:
        with transaction.atomic():
            audit.record(
                actor=actor,
                action="registry.import.orphan_files_purged",
                object_type="registry.importrun",
                after={"files": orphans[:1000], "count": len(orphans), "retention_days": days},
            )
            transaction.on_commit(lambda: _delete(orphans))
    return purged


@transaction.atomic
def _purge_run(*, actor: Actor, run: ImportRun, names: list[str], days: int) -> None:
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    ImportRun.objects.filter(pk=run.pk).update(file="", error_report="", updated_at=timezone.now())
    audit.record(
        actor=actor,
        action="registry.import.files_purged",
        obj=run,
        before={"files": names},
        after={"files": [], "file_sha256": run.file_sha256, "retention_days": days},
    )
    transaction.on_commit(lambda: _delete(names))


def _delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _referenced_files() -> set[str]:
    found: set[str] = set()
    for file, report in ImportRun.objects.values_list("file", "error_report").iterator(5000):
        found.update(n for n in (file, report) if n)
    return found


def _walk(storage: Any, folder: str) -> list[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" for name in files]
    for sub in folders:
        names += _walk(storage, f"{folder}/{sub}")
    return names
