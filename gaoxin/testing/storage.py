"""Storage faults for tests, injected where they really happen and without root:

- `sqlite_full()`: VACUUM, then `PRAGMA max_page_count` a few pages above the database's size,
  so SQLite itself answers SQLITE_FULL ("database or disk is full") once a write needs more;
- `postgres_disk_full(table, after_rows=N)`: a trigger makes the server raise SQLSTATE 53100
  disk_full (the error PostgreSQL gives when it cannot extend a file) at the Nth row written
  to `table`, for INSERT and COPY alike, so psycopg raises `psycopg.errors.DiskFull` and the
  server aborts the transaction exactly as on a full disk;
- `postgres_read_only()`: `ALTER DATABASE … SET default_transaction_read_only = on` and a new
  connection, as an administrator would put the database in maintenance; `sqlite_read_only()`:
  `PRAGMA query_only` (SQLITE_READONLY); `read_only()` picks the one for the test database;
- `media_full(free_bytes)`: the default storage writes `free_bytes` of a file, then its write
  fails with ENOSPC, leaving the partial file behind as a real full disk does.

Each undoes itself on exit. The database ones need a transactional test
(`django_db(transaction=True)`): SQLite rolls the whole transaction back on SQLITE_FULL, and
the read-only setting applies to new transactions."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any
from unittest import mock

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection

DEFAULT_MAX_PAGES = 1_073_741_823  # SQLite's default maximum


def _needs(vendor: str) -> None:
    if connection.vendor != vendor:
        raise RuntimeError(f"this fault is {vendor}'s; the test database is {connection.vendor}")


@contextmanager
def sqlite_full(*, headroom_pages: int = 8) -> Iterator[int]:
    """Yields the page limit set."""
    _needs("sqlite")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")  # no free pages left over from earlier tests to fill first
        cursor.execute("PRAGMA page_count")
        limit = int(cursor.fetchone()[0]) + headroom_pages
        cursor.execute(f"PRAGMA max_page_count = {limit}")
    try:
        yield limit
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA max_page_count = {DEFAULT_MAX_PAGES}")


@contextmanager
def postgres_disk_full(table: str, *, after_rows: int) -> Iterator[None]:
    """Rows 1 … after_rows-1 go in; the after_rows-th (and every later one) fails."""
    _needs("postgresql")
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE gaoxin_test_rows_written")
        cursor.execute(
            "CREATE FUNCTION gaoxin_test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF nextval('gaoxin_test_rows_written') >= {int(after_rows)} THEN "
            "RAISE EXCEPTION 'could not extend file \"base/16384/%\": No space left on device', "
            "TG_TABLE_NAME USING ERRCODE = 'disk_full', HINT = 'Check free disk space.'; "
            "END IF; RETURN NEW; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER gaoxin_test_disk_full BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION gaoxin_test_disk_full()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER gaoxin_test_disk_full ON {table}")
            cursor.execute("DROP FUNCTION gaoxin_test_disk_full()")
            cursor.execute("DROP SEQUENCE gaoxin_test_rows_written")


def _alter_database(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION default_transaction_read_only = off")
        cursor.execute(
            "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_read_only "
            f"= {value}', current_database()); END $$"
        )
    connection.close()  # the next query connects anew and gets the database's setting


@contextmanager
def postgres_read_only() -> Iterator[None]:
    _needs("postgresql")
    _alter_database("on")
    try:
        yield
    finally:
        _alter_database("off")


@contextmanager
def sqlite_read_only() -> Iterator[None]:
    """`PRAGMA query_only`: every write is refused with SQLITE_READONLY."""
    _needs("sqlite")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")


def read_only() -> AbstractContextManager[None]:
    """The test database, read-only, whichever it is."""
    return postgres_read_only() if connection.vendor == "postgresql" else sqlite_read_only()


@contextmanager
def media_full(*, free_bytes: int = 0) -> Iterator[list[str]]:
    """Yields the names of the files whose write failed."""
    failed: list[str] = []
    storage: Any = storages["default"]  # the instance default_storage and FileFields use
    original = storage._save

    def save(name: str, content: Any) -> str:
        content.seek(0)
        head = content.read(free_bytes) if free_bytes else b""
        original(name, ContentFile(head))  # what fitted on the disk stays there
        failed.append(name)
        raise OSError(errno.ENOSPC, "No space left on device", name)

    with mock.patch.object(storage, "_save", save):
        yield failed
