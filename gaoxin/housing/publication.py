"""What a drawn batch publishes, kept on disk under PUBLISHED_DIR by content digest.

A draw never changes once it has run, so neither does anything built from it. Two kinds:

- documents (`documents.published`): the announcement PDF, the results XLSX, the closing-report
  PDF, built once and served as files;
- the results index: every roster entry's result, with the applicant's name masked, in one
  SQLite file per draw. The public results lookup reads it instead of the database: each
  worker thread opens the file read-only and immutable, and a lookup is one primary-key read
  (microseconds, no network round trip, no lock), so thousands of lookups a second cost the
  database nothing (docs/benchmarks.md, "public results lookup").

The index is built by the background worker right after the draw (`draw_run.draw_request_run`)
and, if it is missing (another host, a cleaned directory), by the first lookup. What it holds is
what the database held at that moment; the downloads (`fairdraw verify`) read the database
itself, so a result row changed later is still caught there. If the index cannot be built or
opened (a full or read-only disk, a file that is not this draw's), the lookup answers from the
database and logs why: slower, never wrong, never a 500.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

from gaoxin.registry.identifiers import mask_name

from . import selectors

logger = logging.getLogger(__name__)

# Part of the index's file name: bump it when its table changes.
INDEX_VERSION = 1
RESULT_FIELDS = ("number", "round", "rank", "outcome", "waitlist", "choice", "masked_name")
_CHUNK = 5000


def published_file(name: str, build: Callable[[Path], object]) -> Path:
    """The file `name` under PUBLISHED_DIR, built by `build(path)` the first time. An exclusive
    file lock makes concurrent first requests build it once; the file appears atomically
    (written aside, then renamed), so a reader never sees half of it."""
    directory = Path(settings.PUBLISHED_DIR)
    path = directory / name
    if path.exists():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():  # built by another request while this one waited
            return path
        aside = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            build(aside)
            os.replace(aside, path)
        finally:
            aside.unlink(missing_ok=True)
        return path


# -- the results index ---------------------------------------------------------------------------


def _public(row: Any) -> tuple[Any, ...]:
    """A `selectors` results row as the public sees it: the applicant's name masked."""
    masked = mask_name(row.name) if row.name else "—"
    return (row.number, row.round, row.rank, row.outcome, row.waitlist, row.choice, masked)


def _index_build(draw_id: int, digest: str, path: Path) -> None:
    index = sqlite3.connect(path)
    try:
        index.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE meta (digest TEXT NOT NULL);"
            "CREATE TABLE result (number TEXT PRIMARY KEY, round TEXT NOT NULL,"
            " rank INTEGER NOT NULL, outcome TEXT NOT NULL, waitlist INTEGER, choice INTEGER,"
            " masked_name TEXT NOT NULL) WITHOUT ROWID;"
        )
        index.executemany(
            "INSERT INTO result VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_public(row) for row in selectors.draw_results_all(draw_id).iterator(_CHUNK)),
        )
        index.execute("INSERT INTO meta VALUES (?)", (digest,))
        index.commit()
    finally:
        index.close()


def results_index(*, draw_id: int, digest: str) -> Path:
    """The draw's results index, built now if it is not there yet."""
    return published_file(
        f"{digest}.v{INDEX_VERSION}.results.sqlite3",
        lambda path: _index_build(draw_id, digest, path),
    )


_open = threading.local()


def _reader(draw_id: int, digest: str) -> sqlite3.Connection:
    """This thread's read-only connection to the draw's index (opened once per process and
    thread: SQLite connections are not shared between threads or across fork)."""
    readers: dict[str, sqlite3.Connection] | None = getattr(_open, "readers", None)
    if readers is None or getattr(_open, "pid", None) != os.getpid():
        readers = _open.readers = {}
        _open.pid = os.getpid()
    reader = readers.get(digest)
    if reader is None:
        path = results_index(draw_id=draw_id, digest=digest)
        # immutable: the file never changes, so SQLite takes no locks and reads no journal
        reader = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
        meta = reader.execute("SELECT digest FROM meta").fetchone()
        if meta is None or meta[0] != digest:
            reader.close()
            raise ForeignIndex(f"results index {path} is not the draw {digest}'s")
        readers[digest] = reader
    return reader


RETRY_INDEX_SECONDS = 60.0
_unusable: dict[str, float] = {}


class ForeignIndex(Exception):
    """The file under a draw's index name holds another draw's results (or none)."""


def result_get(*, draw: selectors.PublicDraw, number: str) -> dict[str, Any] | None:
    """One roster entry's result by registration number (the fields the public page shows,
    the applicant's name masked): the public lookup's hot path. From the draw's results index;
    from the database if the index cannot be had."""
    draw_id, digest = draw.draw_id, draw.digest
    if _unusable.get(digest, 0.0) > time.monotonic():
        return _result_from_database(draw_id, number)
    try:
        reader = _reader(draw_id, digest)
    except (OSError, sqlite3.Error, ForeignIndex):
        # tried again (and logged again) after a minute, not on every lookup
        _unusable[digest] = time.monotonic() + RETRY_INDEX_SECONDS
        logger.exception("results index of draw %s unusable; answering from the database", draw_id)
        return _result_from_database(draw_id, number)
    row = reader.execute(
        "SELECT number, round, rank, outcome, waitlist, choice, masked_name "
        "FROM result WHERE number = ?",
        (number,),
    ).fetchone()
    return None if row is None else _answer(row)


def _answer(row: tuple[Any, ...]) -> dict[str, Any]:
    """A lookup's answer: the published fields, and whether the entry won (the results file's
    "won"), which the page shows."""
    answer = dict(zip(RESULT_FIELDS, row, strict=True))
    answer["won"] = answer["outcome"] == "won"
    return answer


def _result_from_database(draw_id: int, number: str) -> dict[str, Any] | None:
    row = selectors.draw_result_named(draw_id, number)
    return None if row is None else _answer(_public(row))


# -- the verifier offered beside every draw ------------------------------------------------------

SPEC_PATH = Path(settings.BASE_DIR) / "docs" / "fairdraw-spec.md"


def fairdraw_pyz() -> tuple[Path | None, str]:
    """`fairdraw.pyz` (the verifier as one file, `gaoxin.fairdraw.build_pyz`) and its SHA-256:
    built from this checkout's `gaoxin/fairdraw` the first time it is asked for, then kept
    under PUBLISHED_DIR by the digest of its sources (a new version gets a new file). The
    build is reproducible, so the same sources give the same file on every host. If the file
    cannot be kept (a full or read-only disk), the path is None and the caller serves
    `fairdraw_pyz_bytes()`, the same bytes built in memory: slower, never a 500."""
    from gaoxin.fairdraw import build_pyz

    try:
        path = published_file(
            _pyz_name(), lambda aside: aside.write_bytes(build_pyz.archive_bytes())
        )
    except OSError:
        logger.exception("fairdraw.pyz cannot be kept under PUBLISHED_DIR; built in memory")
        return None, hashlib.sha256(fairdraw_pyz_bytes()).hexdigest()
    return path, _file_sha256(str(path))


@functools.lru_cache(maxsize=1)
def fairdraw_pyz_bytes() -> bytes:
    """The archive built in memory (about 150 kB; kept once per process)."""
    from gaoxin.fairdraw import build_pyz

    return build_pyz.archive_bytes()


@functools.lru_cache(maxsize=1)
def _pyz_name() -> str:
    """The file's name under PUBLISHED_DIR: the digest of the sources this process runs (read
    once: the sources change only with a new deployment, which starts new processes)."""
    from gaoxin.fairdraw import build_pyz

    return f"fairdraw-{build_pyz.source_digest()[:20]}.pyz"


@functools.lru_cache(maxsize=8)
def _file_sha256(path: str) -> str:
    """The digest of a published file (which never changes under its name)."""
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


@functools.lru_cache(maxsize=1)
def fairdraw_spec() -> tuple[bytes, str]:
    """docs/fairdraw-spec.md, the specification the verifier implements, and its SHA-256."""
    data = SPEC_PATH.read_bytes()
    return data, hashlib.sha256(data).hexdigest()
