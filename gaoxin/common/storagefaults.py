"""Storage faults told apart from bugs: a full disk or a read-only database is not a crash, and
the user is told so in plain words instead of getting a 500.

`storage_fault(error)` looks through an exception and its causes (Django wraps the driver's
error; raw cursors do not) for:

- SQLite: SQLITE_FULL (13, "database or disk is full"); SQLITE_READONLY (8) and its extended
  codes ("attempt to write a readonly database");
- PostgreSQL: SQLSTATE 53100 disk_full ("could not extend file ... No space left on device")
  and 25006 read_only_sql_transaction (`default_transaction_read_only`, a hot standby);
- the file system (MEDIA_ROOT, the temporary directory): ENOSPC, EDQUOT, EROFS.

A service that writes files or many rows wraps itself in `@reports_storage_faults`, which turns
such a fault into `GaoxinError(STORAGE_FULL | STORAGE_READ_ONLY)` after its transaction has
rolled back; `save_file` stores an upload and removes what a failed write left behind."""

from __future__ import annotations

import contextlib
import errno
import functools
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.core.files.base import File
from django.db.models.fields.files import FieldFile

from .errors import STORAGE_FULL, STORAGE_READ_ONLY, GaoxinError

SQLSTATE_DISK_FULL = "53100"
SQLSTATE_READ_ONLY = "25006"
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_READ_ONLY_ERRNOS = {errno.EROFS}
PLACES = {"database": ("数据库", "the database"), "files": ("文件存储", "file storage")}


@dataclass(frozen=True)
class StorageFault:
    read_only: bool  # else: full
    place: str  # "database" | "files"

    @property
    def where(self) -> tuple[str, str]:
        return PLACES[self.place]

    def error(self) -> GaoxinError:
        where, where_en = self.where
        code = STORAGE_READ_ONLY if self.read_only else STORAGE_FULL
        return GaoxinError(code, where=where, where_en=where_en)

    def __str__(self) -> str:
        return f"{self.place} {'read-only' if self.read_only else 'full'}"


def _causes(error: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in found and len(found) < 10:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _one(error: BaseException) -> StorageFault | None:
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None and code & 0xFF == sqlite3.SQLITE_FULL:
            return StorageFault(read_only=False, place="database")
        if code is not None and code & 0xFF == sqlite3.SQLITE_READONLY:
            return StorageFault(read_only=True, place="database")
        return None
    sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    if sqlstate == SQLSTATE_DISK_FULL:
        return StorageFault(read_only=False, place="database")
    if sqlstate == SQLSTATE_READ_ONLY:
        return StorageFault(read_only=True, place="database")
    if isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
        return StorageFault(read_only=False, place="files")
    if isinstance(error, OSError) and error.errno in _READ_ONLY_ERRNOS:
        return StorageFault(read_only=True, place="files")
    return None


def storage_fault(error: BaseException) -> StorageFault | None:
    """The storage fault behind `error`, or None when it is something else (a bug)."""
    for cause in _causes(error):
        fault = _one(cause)
        if fault is not None:
            return fault
    return None


P = ParamSpec("P")
R = TypeVar("R")


def reports_storage_faults(func: Callable[P, R]) -> Callable[P, R]:
    """Put it outside `@transaction.atomic`: the transaction has rolled back (nothing written)
    by the time the fault becomes a GaoxinError the page or the API shows."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except GaoxinError:
            raise
        except Exception as error:
            fault = storage_fault(error)
            if fault is None:
                raise
            raise fault.error() from error

    return wrapper


def save_file(field_file: FieldFile, name: str, content: File[Any]) -> None:
    """`FieldFile.save(name, content, save=False)`, except that a write that fails half-way
    (the disk filled up) leaves no partial file behind, which Django's FileSystemStorage would.
    The stored name gets a random prefix, so the partial file removed is surely this one."""
    field = field_file.field
    storage = field_file.storage
    target = field.generate_filename(field_file.instance, f"{secrets.token_hex(6)}-{name}")
    try:
        saved = storage.save(target, content, max_length=field.max_length)
    except BaseException:
        delete_quietly(storage, target)
        raise
    field_file.name = saved
    setattr(field_file.instance, field.attname, saved)


def delete_quietly(storage: Any, name: str) -> None:
    """Remove a stored file that must not outlive a failed operation (best effort: the
    operation's own error is the one to report)."""
    if not name:
        return
    with contextlib.suppress(Exception):  # the caller is failing with the error that matters
        storage.delete(name)
