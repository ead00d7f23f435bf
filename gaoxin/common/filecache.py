"""A file-based cache that every gunicorn worker of a host shares, with atomic `add` and `incr`.

Django's FileBasedCache stores one file per key in a directory, so all the processes of one
server see the same entries, but its `add` (check, then write) and `incr` (read, then write)
are two steps: two workers counting the same key at once can lose a count. django-ratelimit
counts public lookups with exactly those two calls, so here they hold an exclusive `flock` on
a lock file in the cache directory (one of 16, chosen by the key) for their two steps.

Django culls (lists the whole directory, then deletes a random third when it is over
MAX_ENTRIES) on every write; here the listing runs at most once a minute per process and
deletes expired entries first, so live counters survive and a write costs no directory scan.
"""

from __future__ import annotations

import fcntl
import os
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

LOCKS = 16
CULL_EVERY_SECONDS = 60.0


class AtomicFileBasedCache(FileBasedCache):
    _last_cull = 0.0

    @contextmanager
    def _exclusive(self, key: str, version: int | None) -> Iterator[None]:
        self._createdir()  # type: ignore[attr-defined]
        shard = zlib.crc32(self.make_and_validate_key(key, version=version).encode()) % LOCKS
        directory: str = self._dir  # type: ignore[attr-defined]
        fd = os.open(os.path.join(directory, f"lock-{shard:02d}"), os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def add(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        with self._exclusive(key, version):
            return bool(super().add(key, value, timeout, version))

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        with self._exclusive(key, version):
            return int(super().incr(key, delta, version))

    def _cull(self) -> None:
        now = time.monotonic()
        if now - self._last_cull < CULL_EVERY_SECONDS:
            return
        self._last_cull = now
        for name in self._list_cache_files():  # type: ignore[attr-defined]
            try:
                with open(name, "rb") as handle:
                    self._is_expired(handle)  # type: ignore[attr-defined]  # deletes if expired
            except FileNotFoundError:
                pass
        super()._cull()  # type: ignore[misc]
