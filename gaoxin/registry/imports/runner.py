"""Running one import: the ImportRun state machine and the pipeline around the loaders.

    pending -> reading -> writing -> succeeded
                  |          |-----> rejected   (duplicates found while writing; rolled back)
                  |--------------->  rejected   (row errors, all-or-nothing mode)
    pending | reading | writing ---> failed     (file unreadable, or an internal error)

Reading happens outside any transaction, so the progress written to the ImportRun row is
visible to the page that polls it. Writing is one transaction: the data, the run's final
state and its audit event commit together, or nothing does."""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from gaoxin.common import audit, worker
from gaoxin.common.actors import WORKER
from gaoxin.common.errors import ErrorCode, GaoxinError
from gaoxin.common.exports import printable
from gaoxin.common.faults import pause_point
from gaoxin.common.storagefaults import delete_quietly, save_file, storage_fault

from .. import errors
from ..choices import ImportKind, ImportMode, ImportStatus
from ..models import ImportRun
from . import reading
from .columns import SPECS, Spec
from .insurance import InsuranceLoad, new_spool_dir
from .loaders import LOADERS, Counts, References
from .parsers import PARSERS
from .reports import REPORT_LIMIT, RowError, error_report_xlsx
from .warnings import row_warnings

logger = logging.getLogger(__name__)

S = ImportStatus
TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {S.READING, S.FAILED},
    S.READING: {S.WRITING, S.REJECTED, S.FAILED},
    S.WRITING: {S.SUCCEEDED, S.REJECTED, S.FAILED},
}
PREVIEW = 20


def transition(run: ImportRun, target: str, **fields: Any) -> None:
    if target not in TRANSITIONS.get(run.status, set()):
        raise GaoxinError(errors.IMPORT_BAD_TRANSITION, current=run.status, target=target)
    run.status = target
    for name, value in fields.items():
        setattr(run, name, value)
    if target in {S.SUCCEEDED, S.REJECTED, S.FAILED}:
        run.finished_at = timezone.now()
    run.save()


class Collector:
    """Row problems, as report lines; keeps the first REPORT_LIMIT and counts them all. Warnings
    (rows imported all the same) are kept apart."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.items: list[RowError] = []
        self.total = 0
        self.rows: set[int] = set()
        self.warnings: list[RowError] = []
        self.warning_total = 0

    def add(self, row: int, cells: list[str], problems: list[tuple[int, ErrorCode, Any]]) -> None:
        self.rows.add(row)
        for column, error, params in problems:
            self.total += 1
            if len(self.items) < REPORT_LIMIT:
                self.items.append(self._line(row, cells, column, error, params))

    def warn(self, row: int, cells: list[str], found: list[tuple[int, ErrorCode, Any]]) -> None:
        for column, error, params in found:
            self.warning_total += 1
            if len(self.warnings) < REPORT_LIMIT:
                self.warnings.append(self._line(row, cells, column, error, params))

    def _line(
        self, row: int, cells: list[str], column: int, error: ErrorCode, params: Any
    ) -> RowError:
        header = self.spec.columns[column].zh if column < len(self.spec.columns) else "-"
        value = printable(cells[column] if column < len(cells) else "")
        return RowError(
            row=row,
            column=header,
            value=value[:200],
            code=error.code,
            reason_zh=error.render("zh", value=value, **params),
            reason_en=error.render("en", value=value, **params),
        )


ProgressHook = Callable[[ImportRun], None]


def execute(run_id: int, *, on_progress: ProgressHook | None = None, attempt: int = 1) -> ImportRun:
    """Run a pending import to its end. Never raises for bad input: the run records why.
    `on_progress` (the command's progress bar) is called with the run as rows are read."""
    run = ImportRun.objects.select_related("started_by").get(pk=run_id)
    if run.status != S.PENDING:
        return run
    try:
        with _local_path(run) as path, tempfile.TemporaryDirectory(prefix="gaoxin-read-") as tmp:
            _execute(run, path, Path(tmp), on_progress, attempt)
    except GaoxinError as error:
        _discard_report(run)
        _fail(run, error)
    except Exception as error:
        _discard_report(run)
        fault = storage_fault(error)
        if fault is None:
            logger.exception("import %s crashed", run.pk)
            _fail(run, GaoxinError(errors.IMPORT_CRASHED, run=run.pk))
        else:  # a full disk or a read-only database: the write rolled back, say so plainly
            logger.error("import %s stopped, %s: %s", run.pk, fault, error)
            code = errors.IMPORT_READ_ONLY if fault.read_only else errors.IMPORT_STORAGE_FULL
            where, where_en = fault.where
            _fail(run, GaoxinError(code, where=where, where_en=where_en, run=run.pk))
    return run


def restart_lost(run_id: int, *, attempt: int) -> bool:
    """A worker was lost while running this import (gaoxin/common/worker.py). Its writing
    transaction died with it, so nothing of the file is in the database: a run left reading or
    writing goes back to pending (audited) and is run again — unless the worker was lost too
    often, then the run fails. Returns whether to run it."""
    run = ImportRun.objects.select_related("started_by").get(pk=run_id)
    if run.status not in {S.READING, S.WRITING}:
        return run.status == S.PENDING
    if worker.gave_up(attempt):
        _fail(run, GaoxinError(errors.IMPORT_CRASHED, run=run.pk))
        return False
    with transaction.atomic():
        before = run.status
        ImportRun.objects.filter(pk=run.pk).update(
            status=S.PENDING, processed_rows=0, attempts=attempt
        )
        audit.record(
            actor=run.started_by or WORKER,
            action="registry.import.restarted",
            obj=run,
            before={"status": before},
            after={"status": S.PENDING, "attempt": attempt},
        )
    return True


@contextlib.contextmanager
def _local_path(run: ImportRun) -> Iterator[Path]:
    if run.source_path:
        yield Path(run.source_path)
        return
    try:
        local = Path(run.file.path)
    except (NotImplementedError, AttributeError, ValueError):
        local = None
    if local is not None and local.is_file():
        yield local
        return
    with tempfile.NamedTemporaryFile(prefix="gaoxin-upload-") as copy:
        with run.file.open("rb") as stored:
            shutil.copyfileobj(stored, copy, 1 << 20)
        copy.flush()
        yield Path(copy.name)


def _fail(run: ImportRun, error: GaoxinError) -> None:
    run.refresh_from_db()
    if run.status not in TRANSITIONS:
        return
    try:
        with transaction.atomic():
            transition(run, S.FAILED, error_code=error.code, error_params=_params(error))
            audit.record(
                actor=run.started_by or WORKER,
                action="registry.import.failed",
                obj=run,
                after={"kind": run.kind, "file_sha256": run.file_sha256, "error": error.code},
            )
    except Exception as failure:
        if storage_fault(failure) is None:
            raise
        # A database that takes no writes takes no status either: the run keeps its last
        # committed state, and the log says why.
        run.refresh_from_db()
        logger.error(
            "import %s could not be marked failed (%s), left %s: %s",
            run.pk,
            error.code,
            run.status,
            failure,
        )


def _discard_report(run: ImportRun) -> None:
    """An error report saved by an attempt whose outcome did not commit refers to nothing."""
    if run.error_report:
        delete_quietly(run.error_report.storage, run.error_report.name)
        run.error_report = None


def _params(error: GaoxinError) -> dict[str, str]:
    # Parameters can quote the file (an unknown header, a reader's message): no NUL may reach
    # PostgreSQL's jsonb.
    return {key: printable(str(value)) for key, value in error.params.items()}


def _execute(
    run: ImportRun, path: Path, scratch: Path, hook: ProgressHook | None, attempt: int
) -> None:
    def progress(row: int) -> None:
        run.processed_rows = row
        ImportRun.objects.filter(pk=run.pk).update(processed_rows=row)
        if hook is not None:
            hook(run)

    spec = SPECS[run.kind]
    source = reading.open_source(path, spec, scratch)
    transition(
        run,
        S.READING,
        started_at=timezone.now(),
        attempts=attempt,
        file_format=source.format,
        encoding=source.encoding,
        total_rows=source.total_rows,
    )
    collector = Collector(spec)
    refs = References()
    with contextlib.ExitStack() as stack:
        if run.kind == ImportKind.INSURANCE:
            spool = stack.enter_context(new_spool_dir())
            load = InsuranceLoad(refs, Path(spool))
            load.consume(reading.iter_rows(source), collector.add, progress)
            valid = load.valid
            write = load.write
        else:
            loader = LOADERS[run.kind](refs, actor=run.started_by or WORKER)
            valid = _read_rows(run, source, spec, loader, collector, progress)

            def write(mode: str) -> Counts:
                return loader.write()

        if valid == 0 and collector.total == 0:
            raise GaoxinError(errors.IMPORT_NO_ROWS)
        read = valid + len(collector.rows)
        if collector.total and run.mode == ImportMode.ALL_OR_NOTHING:
            _reject(run, collector, processed_rows=read, valid_rows=valid)
            return
        transition(run, S.WRITING, processed_rows=read, valid_rows=valid)
        if hook is not None:
            hook(run)
        with transaction.atomic():
            counts = write(run.mode)
            pause_point("registry.import.written")
            if run.kind == ImportKind.INSURANCE and load.duplicate_count:
                for dup in load.duplicates:
                    collector.add(
                        dup.row,
                        dup.cells,
                        [
                            (
                                0,
                                errors.ROW_DUPLICATE,
                                {"other": dup.first_row, "key": spec.key_zh, "key_en": spec.key_en},
                            )
                        ],
                    )
                collector.total += load.duplicate_count - len(load.duplicates)
                valid -= load.duplicate_count
                if run.mode == ImportMode.ALL_OR_NOTHING:
                    transaction.set_rollback(True)
            if not transaction.get_rollback():
                _succeed(run, collector, counts, valid)
                return
        _reject(run, collector, processed_rows=read, valid_rows=valid)


def _read_rows(
    run: ImportRun,
    source: reading.Source,
    spec: Spec,
    loader: Any,
    collector: Collector,
    progress: Callable[[int], None],
) -> int:
    parse = PARSERS[run.kind]
    width = len(spec.columns)
    valid = 0
    for row, cells in reading.iter_rows(source):
        if len(cells) != width:
            collector.add(
                row,
                cells,
                [(0, errors.ROW_COLUMNS, {"found": len(cells), "expected": source.width})],
            )
            continue
        record, problems = parse(cells)
        if problems:
            collector.add(row, cells, [(c.column, c.error, c.params) for c in problems])
            continue
        found = loader.accept(row, record)
        if found:
            collector.add(row, cells, found)
            continue
        valid += 1
        warnings = row_warnings(spec, record)
        if warnings:
            collector.warn(row, cells, warnings)
        if valid % 20_000 == 0:
            progress(row)
    return valid


def _save_report(run: ImportRun, collector: Collector) -> None:
    if not collector.total and not collector.warning_total:
        return
    content = error_report_xlsx(
        collector.spec,
        collector.items,
        total=collector.total,
        warnings=collector.warnings,
        warning_total=collector.warning_total,
    )
    save_file(run.error_report, f"import-{run.pk}-errors.xlsx", ContentFile(content))


def _summary(run: ImportRun) -> dict[str, Any]:
    return {
        "kind": run.kind,
        "mode": run.mode,
        "file_name": run.original_name,
        "file_sha256": run.file_sha256,
        "rows": run.processed_rows,
        "valid_rows": run.valid_rows,
        "error_rows": run.error_rows,
        "warnings": run.warning_count,
        "inserted": run.inserted,
        "updated": run.updated,
        "unchanged": run.unchanged,
    }


def _reject(run: ImportRun, collector: Collector, **fields: Any) -> None:
    _save_report(run, collector)
    with transaction.atomic():
        transition(
            run,
            S.REJECTED,
            error_rows=len(collector.rows),
            errors_preview=[e.as_json() for e in collector.items[:PREVIEW]],
            warning_count=collector.warning_total,
            warnings_preview=[w.as_json() for w in collector.warnings[:PREVIEW]],
            **fields,
        )
        audit.record(
            actor=run.started_by or WORKER,
            action="registry.import.rejected",
            obj=run,
            after=_summary(run),
        )


def _succeed(run: ImportRun, collector: Collector, counts: Counts, valid: int) -> None:
    _save_report(run, collector)
    transition(
        run,
        S.SUCCEEDED,
        valid_rows=valid,
        error_rows=len(collector.rows),
        errors_preview=[e.as_json() for e in collector.items[:PREVIEW]],
        warning_count=collector.warning_total,
        warnings_preview=[w.as_json() for w in collector.warnings[:PREVIEW]],
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
    )
    audit.record(
        actor=run.started_by or WORKER,
        action="registry.import.succeeded",
        obj=run,
        after=_summary(run),
    )
