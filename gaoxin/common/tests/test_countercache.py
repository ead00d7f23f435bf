"""The rate-limit counters: counts from several processes and threads at once are exact,
expiry and purging keep live counters, and nothing but integers goes into the file."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from typing import Any

import pytest

from gaoxin.common import countercache
from gaoxin.common.countercache import SQLiteCounterCache

PROCESSES, THREADS, INCREMENTS = 4, 3, 150


def _cache(path: Path, **options: Any) -> SQLiteCounterCache:
    return SQLiteCounterCache(str(path / "counters.sqlite3"), {"OPTIONS": options})


def _count(path: Path, start: Any) -> None:
    """What django-ratelimit does for each request: add the counter, else increment it."""
    cache = _cache(path)
    failed: list[BaseException] = []
    start.wait()

    def hits() -> None:
        try:
            for _ in range(INCREMENTS):
                if not cache.add("hits", 1, timeout=600):
                    cache.incr("hits")
        except BaseException as error:
            failed.append(error)

    threads = [threading.Thread(target=hits) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise SystemExit(f"{len(failed)} threads failed: {failed[0]!r}")


def test_counts_from_concurrent_processes_and_threads_are_exact(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    start = context.Barrier(PROCESSES)
    workers = [context.Process(target=_count, args=(tmp_path, start)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    assert _cache(tmp_path).get("hits") == PROCESSES * THREADS * INCREMENTS


def test_an_expired_counter_starts_again(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    assert cache.add("window", 1, timeout=600) is True
    assert cache.add("window", 1, timeout=600) is False  # live: django-ratelimit increments
    assert cache.incr("window") == 2
    cache.set("window", 5, timeout=0)  # expired at once
    assert cache.get("window") is None and not cache.has_key("window")
    with pytest.raises(ValueError, match="not found"):
        cache.incr("window")
    assert cache.add("window", 1, timeout=600) is True  # a new window
    assert cache.get("window") == 1
    assert cache.touch("window", timeout=0) is True and cache.get("window", "gone") == "gone"
    cache.set("forever", 3, timeout=None)
    assert cache.decr("forever") == 2 and cache.delete("forever") and not cache.delete("forever")


def test_purging_removes_expired_rows_then_those_expiring_soonest(tmp_path: Path) -> None:
    cache = _cache(tmp_path, MAX_ENTRIES=5)
    for n in range(6):
        cache.set(f"old-{n}", n, timeout=0)
    for n in range(6):
        cache.set(f"live-{n}", n, timeout=600 + n)
    cache._last_purge = -countercache.PURGE_EVERY_SECONDS  # the next write may purge
    cache.set("new", 1, timeout=900)
    kept = cache._db().execute("SELECT key FROM counter ORDER BY key").fetchall()
    # the expired rows went, then live-0 and live-1 (expiring soonest): MAX_ENTRIES with the new
    assert [key.split(":")[-1] for (key,) in kept] == [
        "live-2",
        "live-3",
        "live-4",
        "live-5",
        "new",
    ]


@pytest.mark.parametrize("value", ["text", 1.5, True, {"a": 1}])
def test_only_integers_are_stored(tmp_path: Path, value: Any) -> None:
    with pytest.raises(TypeError, match="integers only"):
        _cache(tmp_path).set("key", value)
