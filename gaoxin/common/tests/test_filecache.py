"""The rate-limit cache: counts from several processes at once are exact, and culling removes
expired entries before it would touch a live counter."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from gaoxin.common import filecache
from gaoxin.common.filecache import AtomicFileBasedCache

PROCESSES, INCREMENTS = 4, 150


def _count(location: str, start: Any) -> None:
    cache = AtomicFileBasedCache(location, {})
    start.wait()
    for _ in range(INCREMENTS):
        if not cache.add("hits", 1):
            cache.incr("hits")


def test_counts_from_concurrent_processes_are_exact(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    start = context.Barrier(PROCESSES)
    workers = [
        context.Process(target=_count, args=(str(tmp_path), start)) for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    assert AtomicFileBasedCache(str(tmp_path), {}).get("hits") == PROCESSES * INCREMENTS


def test_culling_removes_expired_entries_and_keeps_live_counters(tmp_path: Path) -> None:
    cache = AtomicFileBasedCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 8}})
    for n in range(6):
        cache.set(f"old-{n}", n, timeout=0)  # expired at once
    for n in range(4):
        cache.set(f"live-{n}", n, timeout=600)
    cache._last_cull = -filecache.CULL_EVERY_SECONDS  # the next write may cull
    cache.set("new", 1, timeout=600)
    # Django's own cull would have deleted a random third of 10 files, live ones included.
    assert [cache.get(f"live-{n}") for n in range(4)] == [0, 1, 2, 3]
    assert len(cache._list_cache_files()) == 5  # type: ignore[attr-defined]
