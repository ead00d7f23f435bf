"""Agency files into the registry: starting an import (the worker runs it: ../imports/runner.py)
and the audited download of its error report."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction

from gaoxin.common import audit, uploads
from gaoxin.common.actors import Actor, is_system, user_of
from gaoxin.common.errors import NOT_ALLOWED, ensure
from gaoxin.common.exports import printable
from gaoxin.common.storagefaults import delete_quietly, reports_storage_faults, save_file

from .. import access, errors
from ..choices import ImportKind, ImportMode
from ..models import ImportRun
from ..tasks import run_import


@reports_storage_faults
@transaction.atomic
def import_errors_downloaded(*, actor: Actor, run: ImportRun) -> None:
    """Record a download of a run's error report, which holds the rejected values unmasked."""
    ensure(access.can_view_import_errors(actor), NOT_ALLOWED)
    audit.record(
        actor=actor,
        action="registry.import.errors_downloaded",
        obj=run,
        after={"kind": run.kind, "error_rows": run.error_rows},
    )


def _sha256(handle: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return digest.hexdigest(), size


@reports_storage_faults
def import_start(
    *,
    actor: Actor,
    kind: str,
    upload: File[Any],
    mode: str = ImportMode.ALL_OR_NOTHING,
    source: str = "web",
) -> ImportRun:
    """Store the uploaded file, record the run (pending) and hand it to the worker after
    commit. `mode=valid_rows_only` is the user's explicit choice, recorded on the run and in
    the audit log. A full disk or a read-only database leaves neither a run nor a file."""
    ensure(is_system(actor) or access.can_run_import(actor), errors.IMPORT_NOT_ALLOWED)
    kind = ImportKind(kind)
    mode = ImportMode(mode)
    limit_mb = settings.GAOXIN_REGISTRY_MAX_UPLOAD_MB
    limit = limit_mb * 1024 * 1024
    declared = upload.size or 0
    ensure(declared <= limit, errors.IMPORT_TOO_LARGE, size=declared // 2**20, limit=limit_mb)
    digest, size = _sha256(upload)
    ensure(size <= limit, errors.IMPORT_TOO_LARGE, size=size // 2**20, limit=limit_mb)
    # The uploaded name is kept for people to read; the stored name is generated (no path,
    # no extension, nothing else of the uploader's choosing reaches the file system).
    name = printable(Path((upload.name or "upload").replace("\\", "/")).name)[:200] or "upload"
    run = ImportRun(
        kind=kind,
        mode=mode,
        original_name=name,
        file_sha256=digest,
        file_size=size,
        started_by=user_of(actor),
        source=source,
    )
    save_file(run.file, uploads.stored_name("import"), upload)
    try:
        with transaction.atomic():
            run.save()
            _record_start(actor, run)
    except BaseException:  # nothing refers to the stored file: it goes with the transaction
        delete_quietly(run.file.storage, run.file.name)
        raise
    return run


@reports_storage_faults
@transaction.atomic
def import_start_from_path(
    *, actor: Actor, kind: str, path: Path, mode: str = ImportMode.ALL_OR_NOTHING
) -> ImportRun:
    """For the command line: the file is read where it lies (no copy of a multi-GB file)."""
    ensure(is_system(actor) or access.can_run_import(actor), errors.IMPORT_NOT_ALLOWED)
    kind = ImportKind(kind)
    mode = ImportMode(mode)
    with path.open("rb") as handle:
        digest, size = _sha256(handle)
    run = ImportRun.objects.create(
        kind=kind,
        mode=mode,
        original_name=path.name[:200],
        source_path=str(path.resolve()),
        file_sha256=digest,
        file_size=size,
        started_by=user_of(actor),
        source="cli",
    )
    _record_start(actor, run, enqueue=False)
    return run


def _record_start(actor: Actor, run: ImportRun, *, enqueue: bool = True) -> None:
    audit.record(
        actor=actor,
        action="registry.import.started",
        obj=run,
        after={
            "kind": run.kind,
            "mode": run.mode,
            "file_name": run.original_name,
            "file_sha256": run.file_sha256,
            "file_size": run.file_size,
            "source": run.source,
        },
    )
    if enqueue:
        run_id = run.pk
        transaction.on_commit(lambda: run_import.enqueue(run_id))
