"""The results file: one CSV row per roster entry (spec §9)."""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from . import parallel, speedups
from .allocation import Allocation, KeyBlob
from .errors import InputError

RESULTS_COLUMNS = (
    "registration_number",
    "pools",
    "identity_commitment",
    "round",
    "rank",
    "outcome",
    "key",
    "waitlist",
    "choice",
)
RESULTS_HEADER = ",".join(RESULTS_COLUMNS)
_CHUNK = 65536


@dataclass(frozen=True)
class ResultRow:
    """One row of the results file."""

    registration_number: str
    pools: str
    identity_commitment: str
    round: str
    rank: int
    outcome: str  # "won" or "lost"
    key: str
    waitlist: int | None
    choice: int | None

    @property
    def entry_line(self) -> str:
        return f"{self.registration_number},{self.pools},{self.identity_commitment}"

    def describe(self) -> str:
        text = f"round {self.round} rank {self.rank} {self.outcome}"
        if self.waitlist is not None:
            text += f", waitlist {self.waitlist}"
        if self.choice is not None:
            text += f", choice {self.choice}"
        return text


def result_lines(
    entry_lines: Sequence[str] | Callable[[int], str],
    alloc: Allocation,
    round_names: Sequence[str],
    *,
    jobs: int = 1,
) -> Iterator[str]:
    """Yield the results file in chunks of text (header first), rows in roster order.

    ``entry_lines`` gives entry ``i``'s canonical line (a list, or a function such as
    ``Roster.line``). Each chunk is filled round by round, walking each round's members in
    ascending order so memory is read sequentially; with ``jobs`` > 1 the chunks are formatted
    in forked workers and come back in order.
    """
    yield RESULTS_HEADER + "\n"
    line = entry_lines if callable(entry_lines) else entry_lines.__getitem__
    wl = {i: str(p) for p, i in enumerate(alloc.waitlist, 1)}
    ch = {i: str(p) for p, i in enumerate(alloc.choice, 1)}
    state = (line, alloc, round_names, wl, ch)
    chunks = [(start, min(alloc.size, start + _CHUNK)) for start in range(0, alloc.size, _CHUNK)]
    if jobs > 1 and len(chunks) > 1:
        for data in parallel.fork_map(_chunk_task, chunks, state, jobs):
            yield data.decode("ascii")
    else:
        for span in chunks:
            yield _chunk(state, span)


def _chunk_task(span: tuple[int, int]) -> bytes:
    return _chunk(parallel.STATE, span).encode("ascii")


def _chunk(state: tuple[Any, ...], span: tuple[int, int]) -> str:
    line, alloc, round_names, wl, ch = state
    start, stop = span
    wl_get = wl.get
    ch_get = ch.get
    decided = alloc.decided
    won = alloc.won
    outcome_text = ("lost", "won")
    rows: list[str] = [""] * (stop - start + 1)
    for r, o in enumerate(alloc.rounds):
        name = round_names[r]
        members, ranks, keys = o.members, o.ranks, o.keys
        lost_tail = f",{name},"
        for j in range(bisect_left(members, start), bisect_left(members, stop)):
            i = members[j]
            if decided[i] != r:
                continue
            if won[i] or i in wl:
                rows[i - start] = (
                    f"{line(i)},{name},{ranks[j]},{outcome_text[won[i]]},"
                    f"{keys[j].hex()},{wl_get(i, '')},{ch_get(i, '')}"
                )
            else:
                rows[i - start] = f"{line(i)}{lost_tail}{ranks[j]},lost,{keys[j].hex()},,"
    return "\n".join(rows)


def result_blocks(
    blob: bytes,
    offsets: Sequence[int],
    alloc: Allocation,
    round_names: Sequence[str],
    *,
    jobs: int = 1,
) -> Iterator[bytes]:
    """The results file as :func:`result_lines` gives it, in blocks of bytes, for a roster
    held as columns (entry ``i``'s line is ``blob[offsets[i] : offsets[i + 1] - 1]``). With
    the C loops the rows are formatted on ``jobs`` threads, ``jobs`` blocks at a time."""
    native = speedups.NATIVE
    if native is None:
        lines = _line_reader(blob, offsets)
        for text in result_lines(lines, alloc, round_names, jobs=jobs):
            yield text.encode("ascii")
        return
    yield (RESULTS_HEADER + "\n").encode("ascii")
    rounds = []
    for r, o in enumerate(alloc.rounds):
        name = round_names[r]
        keys = o.keys.blob if isinstance(o.keys, KeyBlob) else b"".join(o.keys)
        rounds.append((name.encode("ascii"), _int64(o.members), _int64(o.ranks), keys))
    waitlist = sorted((i, number) for number, i in enumerate(alloc.waitlist, 1))
    choice = sorted((i, number) for number, i in enumerate(alloc.choice, 1))
    pairs = [
        (array("q", (e for e, _ in p)), array("q", (n for _, n in p))) for p in (waitlist, choice)
    ]
    state = (blob, offsets, alloc.decided, alloc.won, rounds, *pairs)
    spans = [(start, min(alloc.size, start + _CHUNK)) for start in range(0, alloc.size, _CHUNK)]
    step = max(1, jobs)
    for at in range(0, len(spans), step):  # at most ``jobs`` blocks held at once
        group = spans[at : at + step]
        yield from parallel.thread_map(lambda span: _rows(native, state, span), group, jobs)


def _rows(native: Any, state: tuple[Any, ...], span: tuple[int, int]) -> bytes:
    blob, offsets, decided, won, rounds, waitlist, choice = state
    return native.rows(blob, offsets, *span, decided, won, rounds, waitlist, choice)


def _int64(values: Sequence[int]) -> array[int]:
    return values if isinstance(values, array) and values.typecode == "q" else array("q", values)


def _line_reader(blob: bytes, offsets: Sequence[int]) -> Callable[[int], str]:
    def line(i: int) -> str:
        return blob[offsets[i] : offsets[i + 1] - 1].decode("ascii")

    return line


def write_results(chunks: Iterable[str | bytes], sink: BinaryIO | None = None) -> tuple[bytes, int]:
    """Hash (and optionally write) the results text; returns (SHA-256 digest, byte count)."""
    hasher = hashlib.sha256()
    total = 0
    for chunk in chunks:
        data = chunk if isinstance(chunk, bytes) else chunk.encode("utf-8")
        hasher.update(data)
        total += len(data)
        if sink is not None:
            sink.write(data)
    return hasher.digest(), total


def parse_results(data: bytes, *, source: str = "results.csv") -> dict[str, ResultRow]:
    """Parse a results file into rows keyed by registration number; errors name the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 (byte {exc.start})",
            f"不是 UTF-8 文本（第 {exc.start} 字节）",
            source=source,
        ) from None
    lines = text.split("\n")
    if not lines or lines[0].strip().lstrip("\ufeff") != RESULTS_HEADER:
        raise InputError(
            f"first line must be the header {RESULTS_HEADER}",
            f"第一行必须是表头 {RESULTS_HEADER}",
            source=source,
            line=1,
        )
    rows: dict[str, ResultRow] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        f = line.rstrip("\r").split(",")
        if len(f) != len(RESULTS_COLUMNS):
            raise InputError(
                f"expected {len(RESULTS_COLUMNS)} fields, found {len(f)}",
                f"应有 {len(RESULTS_COLUMNS)} 个字段，实际 {len(f)} 个",
                source=source,
                line=number,
            )
        ints: list[int | None] = []
        for name, value, optional in (
            ("rank", f[4], False),
            ("waitlist", f[7], True),
            ("choice", f[8], True),
        ):
            if optional and value == "":
                ints.append(None)
                continue
            if not value.isdigit():
                raise InputError(
                    f"expected a whole number, got {value!r}",
                    f"应为整数，实际为 {value!r}",
                    source=source,
                    line=number,
                    field=name,
                )
            ints.append(int(value))
        if f[5] not in ("won", "lost"):
            raise InputError(
                f'expected "won" or "lost", got {f[5]!r}',
                f'应为 "won" 或 "lost"，实际为 {f[5]!r}',
                source=source,
                line=number,
                field="outcome",
            )
        if f[0] in rows:
            raise InputError(
                f"duplicate registration number {f[0]}",
                f"登记号重复 {f[0]}",
                source=source,
                line=number,
                field="registration_number",
            )
        rank = int(f[4])  # checked above: a whole number, never empty
        rows[f[0]] = ResultRow(f[0], f[1], f[2], f[3], rank, f[5], f[6], ints[1], ints[2])
    return rows
