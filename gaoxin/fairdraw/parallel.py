"""Hashing on every core: a map over tasks in forked worker processes.

The draw's work is millions of independent SHA-256 digests (Merkle leaves and nodes, one key
per participant per round) and the formatting of millions of result rows. ``fork_map`` runs a
module-level function over a list of tasks in ``jobs`` processes forked from this one, so the
workers read the roster the parent already holds (no copying, no pickling of the roster) and
send back compact byte strings, in task order. Results never depend on ``jobs``: each task's
output is a pure function of its input and the shared state, and outputs are joined in order.

Where ``fork`` is not available (Windows, and macOS where it is unsafe) or ``jobs`` is 1, the
same tasks run one after the other in this process. Standard library only; Python 3.9+.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: What the running map's tasks read (set in the parent before forking; workers inherit it).
STATE: Any = None


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def fork_map(function: Callable[[T], R], tasks: Sequence[T], state: Any, jobs: int) -> Iterator[R]:
    """``function(task)`` for every task, in order, with ``parallel.STATE`` set to ``state``
    while it runs; in ``jobs`` forked processes when that helps. Consume it to the end."""
    global STATE
    STATE = state
    try:
        if jobs <= 1 or len(tasks) <= 1 or not can_fork():
            for task in tasks:
                yield function(task)
            return
        gc.collect()
        gc.freeze()  # the children's collector then leaves the inherited objects' pages alone
        try:
            context = multiprocessing.get_context("fork")
            with context.Pool(min(jobs, len(tasks))) as pool:
                yield from pool.imap(function, tasks)
        finally:
            gc.unfreeze()
    finally:
        STATE = None


def spans(total: int, parts: int, *, at_least: int = 1) -> list[tuple[int, int]]:
    """``[start, stop)`` ranges cutting ``range(total)`` into about ``parts`` equal pieces,
    each at least ``at_least`` long (the last may be shorter)."""
    if total <= 0:
        return []
    size = max(at_least, -(-total // max(1, parts)))
    return [(start, min(total, start + size)) for start in range(0, total, size)]


def thread_map(function: Callable[[T], R], tasks: Sequence[T], jobs: int) -> list[R]:
    """``function(task)`` for every task, in order, on ``jobs`` threads: for functions that
    release the interpreter's lock (the C loops of ``_speedups``), so threads use every core
    without forking or copying anything."""
    if jobs <= 1 or len(tasks) <= 1:
        return [function(task) for task in tasks]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(jobs, len(tasks))) as pool:
        return list(pool.map(function, tasks))
