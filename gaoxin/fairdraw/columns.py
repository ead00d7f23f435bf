"""The roster as the draw holds it: canonical lines in one byte string, no object per entry.

A roster of five million entries as ``RosterEntry`` objects takes about 2 GB; as one byte
string of canonical lines (``regno,pools,commitment`` each ending in LF, in registration-number
order) with an array of line offsets and a two-byte pool-set code per entry it takes about a
quarter of that, and forked workers read it without copying (see ``parallel``).

``load_roster_columns`` reads a roster file. A file already in canonical spelling (as every
published roster is; its lines in any order) takes the fast path: split, sort, then every line
checked against the canonical grammar while its Merkle leaf is hashed, on every core. Anything
else (JSON, other column orders, spaces, upper-case hex, a bad line) goes through the checking
parser of ``roster.py``, which spells every error out with its line, and gives the same bytes.
Standard library only; Python 3.9+.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from . import parallel, speedups
from .merkle import EMPTY_ROOT
from .ordering import smallest_positions
from .roster import (
    ROSTER_COLUMNS,
    RosterEntry,
    load_roster,
    pools_text,
    sort_roster,
)

_HEADER = ",".join(ROSTER_COLUMNS).encode("ascii")
_LINE = re.compile(
    rb"([0-9A-Z][0-9A-Z._-]{0,63}),([a-z][a-z0-9_]{0,31}(?:;[a-z][a-z0-9_]{0,31})*),[0-9a-f]{64}"
)
#: Below this many entries a task is not worth a process.
_MIN_SPAN = 20_000


@dataclass
class Roster:
    """Canonical entry lines in registration-number order, as columns.

    ``blob`` holds every line followed by LF; ``offsets[i]`` is where line ``i`` starts and
    ``offsets[len]`` is ``len(blob)``; ``ends[i]`` is where its registration number ends;
    ``codes[i]`` (a byte, or an array when there are more than 255 pool sets) indexes
    ``poolsets``.
    """

    blob: bytes
    offsets: array[int]
    ends: array[int]
    codes: bytes | array[int]
    poolsets: list[frozenset[str]]
    leaves: bytes | None = field(default=None, repr=False)  # 32 bytes a leaf, when known

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def line(self, i: int) -> str:
        return self.blob[self.offsets[i] : self.offsets[i + 1] - 1].decode("ascii")

    def regno(self, i: int) -> str:
        return self.blob[self.offsets[i] : self.ends[i]].decode("ascii")

    def lines(self) -> list[str]:
        return self.blob.decode("ascii").split("\n")[:-1]

    def entry_poolsets(self) -> list[frozenset[str]]:
        return list(map(self.poolsets.__getitem__, self.codes))

    def entries(self) -> list[RosterEntry]:
        """The roster as objects (for small rosters and callers that want them)."""
        new, assign, sets = object.__new__, object.__setattr__, self.poolsets
        out: list[RosterEntry] = []
        for i, line in enumerate(self.lines()):
            entry = new(RosterEntry)
            assign(entry, "registration_number", line[: line.index(",")])
            assign(entry, "pools", sets[self.codes[i]])
            assign(entry, "identity_commitment", line[-64:])
            assign(entry, "line", line)
            out.append(entry)
        return out


def _from_lines(lines: list[bytes]) -> Roster:
    """Columns from lines each ending in LF, in order (codes and ends left to the caller)."""
    offsets = array("q", accumulate(map(len, lines), initial=0))
    return Roster(b"".join(lines), offsets, array("q"), b"", [])


def roster_from_entries(entries: Iterable[RosterEntry]) -> Roster:
    """Sort and check ``entries`` (duplicates refused) and lay them out as columns."""
    ordered = sort_roster(entries)
    table: dict[frozenset[str], int] = {}
    codes = array("H")
    for entry in ordered:
        code = table.get(entry.pools)
        if code is None:
            code = table[entry.pools] = len(table)
        codes.append(code)
    roster = _from_lines([(e.line + "\n").encode("ascii") for e in ordered])
    roster.codes = bytes(codes.tolist()) if len(table) < 256 else codes
    roster.poolsets = list(table)
    roster.ends = array(
        "q", [roster.offsets[i] + len(e.registration_number) for i, e in enumerate(ordered)]
    )
    return roster


def load_roster_columns(
    path: str | Path, *, known_pools: frozenset[str] | None = None, jobs: int = 1
) -> Roster:
    """Read a roster file (CSV or JSON, spec §3.4) into columns with its Merkle leaves."""
    roster = None
    if not str(path).lower().endswith(".json"):
        roster = _canonical_fast(path, known_pools, jobs)
    if roster is None:  # not canonical as it stands: the checking parser names what is wrong
        roster = roster_from_entries(load_roster(path, known_pools=known_pools))
    return roster


def _canonical_fast(path: str | Path, known: frozenset[str] | None, jobs: int) -> Roster | None:
    """The roster if the file is canonical line by line (any order), else None. At its peak it
    holds the lines once as separate strings and once joined (the file itself is let go as soon
    as it is split)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None  # the checking parser says why, naming the file
    if b"\r" in data or b'"' in data:
        return None
    if not data.endswith(b"\n"):
        data += b"\n"
    native = speedups.NATIVE
    if native is not None:
        first = data.find(b"\n") + 1
        if data[:first].removeprefix(b"\xef\xbb\xbf") != _HEADER + b"\n":
            return None
        found = native.sort_lines(data, first)  # as below: None for no line or an empty one
        del data
        if found is None:
            return None
        roster = Roster(found[0], array("q"), array("q"), b"", [])
        roster.offsets.frombytes(found[1])
    else:
        lines = data.splitlines(keepends=True)  # no CR in the file: only LF splits
        del data
        header = lines[0].removeprefix(b"\xef\xbb\xbf") if lines else b""
        if header != _HEADER + b"\n" or len(lines) < 2 or b"\n" in lines:
            return None
        del lines[0]
        lines.sort()  # canonical lines sort as their registration numbers (',' is below them)
        roster = _from_lines(lines)
        del lines
    spans = parallel.spans(len(roster), jobs, at_least=_MIN_SPAN)
    if native is not None:
        scans = parallel.thread_map(lambda span: _scan_native(native, roster, span), spans, jobs)
    else:
        scans = list(parallel.fork_map(_scan, spans, roster, jobs))
    if any(s is None for s in scans):
        return None
    table: dict[bytes, int] = {}
    leaves, codes = [], []
    for part_leaves, part_ends, part_codes, part_pools in scans:  # type: ignore[misc]
        remap = [table.setdefault(p, len(table)) for p in part_pools]
        if len(table) > 255:
            return None  # more pool sets than a byte can name: the checking parser's path
        codes.append(part_codes.translate(bytes(remap + [0] * (256 - len(remap)))))
        roster.ends.frombytes(part_ends)
        leaves.append(part_leaves)
    del scans
    roster.codes = b"".join(codes)
    roster.leaves = b"".join(leaves)
    for text in table:
        names = text.decode("ascii").split(";")
        pools = frozenset(names)
        if pools_text(pools) != text.decode("ascii") or (known is not None and pools - known):
            return None  # pools not sorted, repeated or unknown: the checking parser says which
        roster.poolsets.append(pools)
    return roster


def _scan(span: tuple[int, int]) -> tuple[bytes, bytes, bytes, list[bytes]] | None:
    """Lines ``span`` of ``parallel.STATE``: each checked against the canonical grammar, its
    registration number against the previous one's, its pool set coded, its leaf hashed."""
    roster: Roster = parallel.STATE
    blob, offsets = roster.blob, roster.offsets
    start, stop = span
    match, sha = _LINE.fullmatch, hashlib.sha256
    table: dict[bytes, int] = {}
    codes = bytearray()
    ends = array("q")
    leaves = []
    previous = b""
    if start:
        found = match(blob, offsets[start - 1], offsets[start] - 1)
        previous = found.group(1) if found else b""
    for i in range(start, stop):
        begin, end = offsets[i], offsets[i + 1] - 1
        found = match(blob, begin, end)
        if found is None:
            return None
        regno, pools = found.group(1, 2)
        if regno == previous:
            return None  # a duplicate: the checking parser names it
        previous = regno
        code = table.get(pools)
        if code is None:
            if len(table) == 255:
                return None
            code = table[pools] = len(table)
        codes.append(code)
        ends.append(found.end(1))
        leaves.append(sha(b"\x00" + blob[begin:end]).digest())
    return b"".join(leaves), ends.tobytes(), bytes(codes), list(table)


def _scan_native(
    native: Any, roster: Roster, span: tuple[int, int]
) -> tuple[bytes, bytes, bytes, list[bytes]] | None:
    """What :func:`_scan` gives, from the C loops (the interpreter's lock released)."""
    found = native.scan(roster.blob, roster.offsets, *span)
    if found is None:
        return None
    ends, codes, pools = found
    return native.leaves(roster.blob, roster.offsets, *span), ends, codes, pools


def _spanned(function: Any, *head: Any) -> Any:
    """``span -> function(*head, start, stop)``: a C loop over one span, for ``thread_map``."""
    return lambda span: function(*head, *span)


# -- Merkle root over leaf digests, level by level on every core ------------------------------


def merkle_root(roster: Roster, jobs: int = 1) -> bytes:
    """RFC 6962 MTH of the roster (spec §4), from its leaves (hashed here if not yet)."""
    native = speedups.NATIVE
    if roster.leaves is None:
        spans = parallel.spans(len(roster), jobs, at_least=_MIN_SPAN)
        if native is not None:
            blob, offsets = roster.blob, roster.offsets
            leaves = parallel.thread_map(_spanned(native.leaves, blob, offsets), spans, jobs)
        else:
            leaves = list(parallel.fork_map(_leaf_span, spans, roster, jobs))
        roster.leaves = b"".join(leaves)
    level = roster.leaves
    if not level:
        return EMPTY_ROOT
    while len(level) > 32:
        pairs = len(level) // 64
        spans = parallel.spans(pairs, jobs, at_least=_MIN_SPAN)
        if native is not None:
            parts = parallel.thread_map(_spanned(native.nodes, level), spans, jobs)
        else:
            parts = list(parallel.fork_map(_node_span, spans, level, jobs))
        nodes = b"".join(parts)
        if len(level) % 64:
            nodes += level[-32:]  # a lone last node moves up unchanged
        level = nodes
    roster.leaves = None  # 32 bytes an entry: not kept once the root is known
    return level


def _leaf_span(span: tuple[int, int]) -> bytes:
    roster: Roster = parallel.STATE
    blob, offsets, sha = roster.blob, roster.offsets, hashlib.sha256
    return b"".join(
        [sha(b"\x00" + blob[offsets[i] : offsets[i + 1] - 1]).digest() for i in range(*span)]
    )


def _node_span(span: tuple[int, int]) -> bytes:
    level: bytes = parallel.STATE
    sha = hashlib.sha256
    return b"".join([sha(b"\x01" + level[64 * j : 64 * j + 64]).digest() for j in range(*span)])


# -- keys: SHA-256(prefix || registration number) for chosen entries ---------------------------


class KeyHasher:
    """Computes round keys (spec §7.1) for entry positions, on ``jobs`` cores."""

    def __init__(self, roster: Roster, jobs: int) -> None:
        self.roster = roster
        self.jobs = jobs
        self.native: Any = speedups.NATIVE
        #: ``select(flags, value, among)`` for ``allocate``, with the C loops only.
        self.select = self._select if self.native is not None else None

    def __call__(self, prefix: bytes, positions: Sequence[int]) -> list[bytes]:
        blob = self.blob(prefix, positions)
        return [blob[k : k + 32] for k in range(0, len(blob), 32)]

    def blob(self, prefix: bytes, positions: Sequence[int]) -> bytes:
        """The keys of ``positions``, 32 bytes each, in one byte string."""
        count = len(positions)
        native = speedups.NATIVE
        if native is not None:
            roster = self.roster
            chosen: array[int] | None
            if isinstance(positions, range) and positions.start == 0 and positions.step == 1:
                chosen = None  # every entry from the first
            elif isinstance(positions, array) and positions.typecode == "q":
                chosen = positions
            else:
                chosen = array("q", positions)
            blob, offsets, ends = roster.blob, roster.offsets, roster.ends
            spans = parallel.spans(count, self.jobs, at_least=_MIN_SPAN)
            hash_span = _spanned(native.keys, prefix, blob, offsets, ends, chosen)
            return b"".join(parallel.thread_map(hash_span, spans, self.jobs))
        if count < 2 * _MIN_SPAN or self.jobs <= 1:
            return _keys((prefix, positions), self.roster)
        tasks = [
            (prefix, array("q", positions[a:b]))
            for a, b in parallel.spans(count, self.jobs, at_least=_MIN_SPAN)
        ]
        return b"".join(parallel.fork_map(_keys_task, tasks, self.roster, self.jobs))

    def smallest(
        self, prefix: bytes, positions: Sequence[int], count: int
    ) -> list[tuple[bytes, int]]:
        """The ``count`` smallest keys with their index in ``positions``, by (key, index).
        With the C loops the round's keys are held as one byte string (32 bytes each) while
        the C heap picks them; without, each worker keeps only its own smallest."""
        native = speedups.NATIVE
        if native is not None:
            blob = self.blob(prefix, positions)
            picked = array("q")
            picked.frombytes(native.smallest(blob, count))
            return [(blob[32 * j : 32 * j + 32], j) for j in picked]
        total = len(positions)
        if total < 2 * _MIN_SPAN or self.jobs <= 1:
            return _smallest((prefix, positions, 0, count), self.roster)
        tasks = [
            (prefix, array("q", positions[a:b]), a, count)
            for a, b in parallel.spans(total, self.jobs, at_least=_MIN_SPAN)
        ]
        best: list[tuple[bytes, int]] = []
        for part in parallel.fork_map(_smallest_task, tasks, self.roster, self.jobs):
            best.extend(part)
        best.sort()
        return best[:count]

    def _select(self, flags: bytes, value: int, among: Sequence[int] | None) -> array[int]:
        """The positions ``p`` (of ``among``, or all) with ``flags[p] == value``."""
        found = array("q")
        found.frombytes(self.native.select(flags, value, among))
        return found

    def order(self, blob: bytes) -> tuple[array[int], array[int]] | None:
        """Positions sorted by (key, position) and each position's rank, for the keys in
        ``blob`` (32 bytes each); None without the C loops (the caller sorts)."""
        native = speedups.NATIVE
        if native is None:
            return None
        order, ranks = array("q"), array("q")
        by_key, rank_of = native.order(blob)
        order.frombytes(by_key)
        ranks.frombytes(rank_of)
        return order, ranks


def _smallest_task(task: tuple[bytes, Sequence[int], int, int]) -> list[tuple[bytes, int]]:
    return _smallest(task, parallel.STATE)


def _smallest(
    task: tuple[bytes, Sequence[int], int, int], roster: Roster
) -> list[tuple[bytes, int]]:
    prefix, positions, base, count = task
    blob = _keys((prefix, positions), roster)
    keys = [blob[k : k + 32] for k in range(0, len(blob), 32)]
    return [(keys[j], base + j) for j in smallest_positions(keys, count)]


def _keys_task(task: tuple[bytes, Sequence[int]]) -> bytes:
    return _keys(task, parallel.STATE)


def _keys(task: tuple[bytes, Sequence[int]], roster: Roster) -> bytes:
    prefix, positions = task
    blob, offsets, ends, sha = roster.blob, roster.offsets, roster.ends, hashlib.sha256
    return b"".join([sha(prefix + blob[offsets[i] : ends[i]]).digest() for i in positions])
