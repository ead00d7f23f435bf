"""A cache of counters that every gunicorn worker of a host shares: one SQLite table in one
file (on tmpfs in production, docs/deploy.md), where each `add` and each `incr` is a single SQL
statement. SQLite serialises writers across processes and threads, so counts are exact with no
lock of our own, and a count costs about ten microseconds, with no directory scan and no
temporary file.

django-ratelimit counts public lookups with `add(key, 1)` then `incr(key)` (and `get`). Values
are integers only: anything else is refused with TypeError, so nothing is ever unpickled from
the file. Expired rows are deleted at most once a minute per process; over MAX_ENTRIES, the rows
that expire soonest go first, so a live counter is the last thing to be dropped.

It replaces a file-per-key cache whose every count took two file locks and wrote a temporary
file: on one address's lookups that lock serialised all workers (docs/benchmarks.md).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

PURGE_EVERY_SECONDS = 60.0
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS counter (key TEXT PRIMARY KEY, value INTEGER NOT NULL,"
    " expires REAL) WITHOUT ROWID"
)


class SQLiteCounterCache(BaseCache):
    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.path = Path(location)
        self._local = threading.local()
        self._last_purge = 0.0

    # -- connections: one per process and thread (SQLite's are not shared across either) ------

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None and self._local.pid == os.getpid():
            return db
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # autocommit (each statement its own transaction); wait for another writer, not fail
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        # Switching to WAL and creating the table can fail at once with "database is locked"
        # while another connection does the same (no busy wait there): one at a time.
        with open(self.path.with_name(f"{self.path.name}.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)
        db.execute("PRAGMA synchronous=OFF")  # counters, on tmpfs: nothing to make durable
        self._local.db, self._local.pid = db, os.getpid()
        return db

    @staticmethod
    def _integer(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"SQLiteCounterCache stores integers only, not {type(value).__name__}")
        return value

    def _expires(self, timeout: Any) -> float | None:
        return self.get_backend_timeout(timeout)

    # -- the cache API ------------------------------------------------------------------------

    def add(
        self,
        key: str,
        value: Any,
        timeout: Any = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        now = time.time()
        self._purge(now)
        row = (
            self._db()
            .execute(
                "INSERT INTO counter (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key) "
                "DO UPDATE SET value = excluded.value, expires = excluded.expires "
                "WHERE counter.expires IS NOT NULL AND counter.expires <= ? RETURNING 1",
                (key, self._integer(value), self._expires(timeout), now),
            )
            .fetchone()
        )
        return row is not None

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._db()
            .execute(
                "SELECT value FROM counter WHERE key = ? AND (expires IS NULL OR expires > ?)",
                (key, time.time()),
            )
            .fetchone()
        )
        return default if row is None else row[0]

    def set(
        self,
        key: str,
        value: Any,
        timeout: Any = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        now = time.time()
        self._purge(now)
        self._db().execute(
            "INSERT INTO counter (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key) "
            "DO UPDATE SET value = excluded.value, expires = excluded.expires",
            (key, self._integer(value), self._expires(timeout)),
        )

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._db()
            .execute(
                "UPDATE counter SET value = value + ? "
                "WHERE key = ? AND (expires IS NULL OR expires > ?) RETURNING value",
                (self._integer(delta), key, time.time()),
            )
            .fetchone()
        )
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        return int(row[0])

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        cursor = self._db().execute(
            "UPDATE counter SET expires = ? WHERE key = ? AND (expires IS NULL OR expires > ?)",
            (self._expires(timeout), key, time.time()),
        )
        return cursor.rowcount > 0

    def delete(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._db().execute("DELETE FROM counter WHERE key = ?", (key,)).rowcount > 0

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self.get(key, self, version=version) is not self

    def clear(self) -> None:
        self._db().execute("DELETE FROM counter")

    # -- housekeeping ---------------------------------------------------------------------------

    def _purge(self, now: float) -> None:
        """Drop expired rows; over MAX_ENTRIES, the rows closest to expiring (never a counter
        with a later expiry before one with an earlier one). At most once a minute a process."""
        if now - self._last_purge < PURGE_EVERY_SECONDS:
            return
        self._last_purge = now
        db = self._db()
        db.execute("DELETE FROM counter WHERE expires IS NOT NULL AND expires <= ?", (now,))
        # room for the row about to be written
        excess = db.execute("SELECT count(*) FROM counter").fetchone()[0] - self._max_entries + 1
        if excess > 0:
            db.execute(
                "DELETE FROM counter WHERE key IN (SELECT key FROM counter "
                "ORDER BY expires IS NULL, expires LIMIT ?)",
                (excess,),
            )
