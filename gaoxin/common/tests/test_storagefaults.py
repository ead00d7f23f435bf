"""Which errors are storage faults (a full disk, a read-only database) and which are bugs."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from django.db import IntegrityError, OperationalError

from gaoxin.common.storagefaults import reports_storage_faults, storage_fault
from gaoxin.testing.errors import raises_code


def sqlite_error(code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("x")
    error.sqlite_errorcode = code
    return error


class PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def wrapped(cause: BaseException) -> OperationalError:
    """As Django raises it: its own class, the driver's error as the cause."""
    try:
        raise OperationalError(str(cause)) from cause
    except OperationalError as error:
        return error


@pytest.mark.parametrize(
    ("error", "read_only", "place"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), False, "files"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), False, "files"),
        (OSError(errno.EROFS, "Read-only file system"), True, "files"),
        (wrapped(sqlite_error(sqlite3.SQLITE_FULL)), False, "database"),
        (wrapped(sqlite_error(sqlite3.SQLITE_READONLY)), True, "database"),
        (wrapped(sqlite_error(8 | (3 << 8))), True, "database"),  # SQLITE_READONLY_ROLLBACK
        (sqlite_error(sqlite3.SQLITE_FULL), False, "database"),  # a raw cursor's, unwrapped
        (wrapped(PgError("53100")), False, "database"),
        (wrapped(PgError("25006")), True, "database"),
    ],
)
def test_storage_faults_are_recognised(error, read_only, place):
    fault = storage_fault(error)
    assert fault is not None
    assert (fault.read_only, fault.place) == (read_only, place)


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError("duplicate key"),
        wrapped(sqlite_error(sqlite3.SQLITE_BUSY)),
        wrapped(PgError("23505")),
        wrapped(PgError("53200")),  # out of memory: not a storage fault
        OSError(errno.EACCES, "Permission denied"),
        ValueError("bug"),
    ],
)
def test_other_errors_are_not(error):
    assert storage_fault(error) is None


def test_the_decorator_turns_faults_into_clear_errors_and_lets_bugs_through():
    @reports_storage_faults
    def full() -> None:
        raise wrapped(sqlite_error(sqlite3.SQLITE_FULL))

    @reports_storage_faults
    def read_only() -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    @reports_storage_faults
    def bug() -> None:
        raise KeyError("x")

    with raises_code("storage_full") as caught:
        full()
    assert (
        caught.value.message("zh")
        == "服务器存储空间已满（数据库），本次操作未保存任何内容。请联系管理员释放空间后重试。"
    )
    assert "No space is left for the database" in caught.value.message("en")
    with raises_code("storage_read_only") as caught:
        read_only()
    assert caught.value.message("zh").startswith("文件存储当前为只读")
    with pytest.raises(KeyError):
        bug()
