"""Writes to the registry. Keyword-only arguments, one transaction, an audit event for every
change. Bulk data arrives through imports (imports/runner.py), which audit each run (and each
classification they change)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from gaoxin.common import audit, uploads
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure
from gaoxin.common.exports import printable
from gaoxin.common.storagefaults import delete_quietly, reports_storage_faults, save_file

from . import access, errors
from .choices import ImportKind, ImportMode, ImportStatus
from .models import EnterpriseClassification, ImportRun, KeyIndustry, Person
from .tasks import run_import


def _industry_json(industry: KeyIndustry) -> dict[str, Any]:
    return {
        "code": industry.code,
        "name_zh": industry.name_zh,
        "name_en": industry.name_en,
        "effective_from": industry.effective_from,
        "effective_to": industry.effective_to,
        "sort_order": industry.sort_order,
    }


def _check_period(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise GaoxinError(errors.PERIOD_INVALID, start=start, end=end)


@transaction.atomic
def industry_create(
    *,
    actor: Any,
    code: str,
    name_zh: str,
    name_en: str,
    effective_from: date,
    effective_to: date | None = None,
    sort_order: int = 0,
) -> KeyIndustry:
    ensure(actor is None or access.can_manage_catalogue(actor), NOT_ALLOWED)
    code = code.strip()
    ensure(
        not KeyIndustry.objects.filter(code=code).exists(), errors.INDUSTRY_CODE_TAKEN, code=code
    )
    _check_period(effective_from, effective_to)
    industry = KeyIndustry.objects.create(
        code=code,
        name_zh=name_zh.strip(),
        name_en=name_en.strip(),
        effective_from=effective_from,
        effective_to=effective_to,
        sort_order=sort_order,
    )
    audit.record(
        actor=actor,
        action="registry.industry.created",
        obj=industry,
        after=_industry_json(industry),
    )
    return industry


@transaction.atomic
def industry_update(*, actor: Any, industry: KeyIndustry, **changes: Any) -> KeyIndustry:
    """Change names, order or the period in force (e.g. end a category: effective_to)."""
    ensure(actor is None or access.can_manage_catalogue(actor), NOT_ALLOWED)
    industry = KeyIndustry.objects.select_for_update().get(pk=industry.pk)
    before = _industry_json(industry)
    allowed = {"name_zh", "name_en", "effective_from", "effective_to", "sort_order"}
    for name, value in changes.items():
        if name not in allowed:
            raise TypeError(name)
        setattr(industry, name, value)
    _check_period(industry.effective_from, industry.effective_to)
    after = _industry_json(industry)
    if after != before:
        industry.save()
        audit.record(
            actor=actor,
            action="registry.industry.changed",
            obj=industry,
            before=before,
            after=after,
        )
    return industry


def _classification_json(c: EnterpriseClassification) -> dict[str, Any]:
    return {
        "enterprise": c.enterprise.credit_code,
        "industry": c.industry.code,
        "effective_from": c.effective_from,
        "effective_to": c.effective_to,
        "basis": c.basis,
    }


@transaction.atomic
def classification_add(
    *,
    actor: Any,
    enterprise: Any,
    industry: KeyIndustry,
    effective_from: date,
    effective_to: date | None,
    basis: str,
) -> EnterpriseClassification:
    """Record that `enterprise` belongs to `industry` from `effective_from`, on `basis`."""
    ensure(actor is None or access.can_manage_catalogue(actor), NOT_ALLOWED)
    ensure(bool(basis.strip()), errors.BASIS_REQUIRED)
    _check_period(effective_from, effective_to)
    ensure(
        industry.in_force_on(effective_from),
        errors.INDUSTRY_NOT_EFFECTIVE,
        industry=industry.name_zh,
        start=effective_from,
    )
    overlapping = EnterpriseClassification.objects.select_for_update().filter(
        enterprise=enterprise, industry=industry
    )
    for other in overlapping:
        other_end = other.effective_to or date.max
        end = effective_to or date.max
        ensure(
            other.effective_from > end or other_end < effective_from,
            errors.CLASSIFICATION_OVERLAP,
            enterprise=enterprise.name,
            industry=industry.name_zh,
            start=other.effective_from,
        )
    classification = EnterpriseClassification.objects.create(
        enterprise=enterprise,
        industry=industry,
        effective_from=effective_from,
        effective_to=effective_to,
        basis=basis.strip(),
    )
    audit.record(
        actor=actor,
        action="registry.classification.created",
        obj=classification,
        after=_classification_json(classification),
    )
    return classification


@transaction.atomic
def classification_end(
    *, actor: Any, classification: EnterpriseClassification, effective_to: date, basis: str = ""
) -> EnterpriseClassification:
    ensure(actor is None or access.can_manage_catalogue(actor), NOT_ALLOWED)
    classification = (
        EnterpriseClassification.objects.select_for_update()
        .select_related("enterprise", "industry")
        .get(pk=classification.pk)
    )
    _check_period(classification.effective_from, effective_to)
    before = _classification_json(classification)
    classification.effective_to = effective_to
    if basis.strip():
        classification.basis = f"{classification.basis}；{basis.strip()}"[:300]
    classification.save()
    audit.record(
        actor=actor,
        action="registry.classification.ended",
        obj=classification,
        before=before,
        after=_classification_json(classification),
    )
    return classification


@transaction.atomic
def person_reveal(*, actor: Any, person: Person, purpose: str = "") -> Person:
    """Record that `actor` saw `person`'s unmasked personal data (the view shows it after)."""
    ensure(access.can_view_personal_data(actor), NOT_ALLOWED)
    audit.record(
        actor=actor,
        action="registry.person.unmasked",
        obj=person,
        after={"purpose": purpose[:200]},
    )
    return person


@reports_storage_faults
@transaction.atomic
def person_viewed(*, actor: Any, person: Person) -> None:
    """Record one view of a person's page unmasked (after `person_reveal` in the session): the
    log shows every time the data was on someone's screen, not only the first."""
    ensure(access.can_view_personal_data(actor), NOT_ALLOWED)
    audit.record(actor=actor, action="registry.person.viewed", obj=person, after={"unmasked": True})


@reports_storage_faults
@transaction.atomic
def import_errors_downloaded(*, actor: Any, run: ImportRun) -> None:
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
    actor: Any,
    kind: str,
    upload: File[Any],
    mode: str = ImportMode.ALL_OR_NOTHING,
    source: str = "web",
) -> ImportRun:
    """Store the uploaded file, record the run (pending) and hand it to the worker after
    commit. `mode=valid_rows_only` is the user's explicit choice, recorded on the run and in
    the audit log. A full disk or a read-only database leaves neither a run nor a file."""
    ensure(actor is None or access.can_run_import(actor), errors.IMPORT_NOT_ALLOWED)
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
        started_by=actor,
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
    *, actor: Any, kind: str, path: Path, mode: str = ImportMode.ALL_OR_NOTHING
) -> ImportRun:
    """For the command line: the file is read where it lies (no copy of a multi-GB file)."""
    ensure(actor is None or access.can_run_import(actor), errors.IMPORT_NOT_ALLOWED)
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
        started_by=actor,
        source="cli",
    )
    _record_start(actor, run, enqueue=False)
    return run


def _record_start(actor: Any, run: ImportRun, *, enqueue: bool = True) -> None:
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


# -- retention of uploaded files (personal data) -------------------------------------------------

FILE_AREA = "registry"  # MEDIA_ROOT/registry/: uploaded agency files and error reports


@dataclass
class Purged:
    runs: int = 0
    files: list[str] = field(default_factory=list)


def import_files_purge(*, actor: Any, days: int, dry_run: bool = False) -> Purged:
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
def _purge_run(*, actor: Any, run: ImportRun, names: list[str], days: int) -> None:
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
