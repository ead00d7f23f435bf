"""fairdraw's C loops (``_speedups.c``) compute exactly what the pure-Python code computes.

Each function is compared with the Python it replaces on generated inputs (valid and invalid
roster lines, tied keys, empty and odd-sized levels), whole draws are run both ways, and bad
arguments are refused with an exception, never read outside a buffer.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sysconfig
from array import array
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.fairdraw import DrawConfig, RosterEntry, run_draw, speedups
from gaoxin.fairdraw import parallel as parallel_module
from gaoxin.fairdraw.columns import _from_lines, _scan
from gaoxin.fairdraw.config import default_config, reorder
from gaoxin.fairdraw.ordering import smallest_positions, sorted_positions
from gaoxin.fairdraw.results import result_lines

from .conftest import make_entropy, make_roster
from .test_allocation_properties import draws

native: Any = speedups.NATIVE
needs_c = pytest.mark.skipif(native is None, reason="fairdraw's C loops are not built here")
ENTROPY = make_entropy()


def test_the_c_loops_are_built_wherever_they_can_be() -> None:
    """The install compiles them where a C compiler, Python's and OpenSSL's headers are: a
    silent fallback to the slow path would go unnoticed in CI and in production."""
    include = Path(sysconfig.get_paths()["include"]) / "Python.h"
    can_build = (
        shutil.which("cc") and include.exists() and Path("/usr/include/openssl/sha.h").exists()
    )
    if not can_build or os.environ.get("FAIRDRAW_PURE"):
        pytest.skip("no C compiler or headers here (or FAIRDRAW_PURE is set)")
    assert native is not None, "gaoxin/fairdraw/_speedups.c was not compiled: run make install"


# -- the roster's lines -----------------------------------------------------------------------

C1 = "0123456789abcdef" * 4
LINE_PIECES = st.sampled_from(
    ["H-1", "H-2", "H2026-0001", "A.B_C-9", "h-1", "H/1", "", "Z" * 64, "Z" * 65, "9"]
)
POOL_PIECES = st.sampled_from(
    ["general", "first_home;general", "a", "a" * 32, "a" * 33, "Gen", "x;", ";x", "a_1;b2", ""]
)
COMMITMENTS = st.sampled_from([C1, C1.upper(), C1[:-1], C1 + "0", "g" * 64])


@st.composite
def lines(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:  # now and then any bytes at all
        return draw(st.binary(max_size=40)).replace(b"\n", b"") + b"\n"
    regno, pools, commitment = draw(LINE_PIECES), draw(POOL_PIECES), draw(COMMITMENTS)
    sep = draw(st.sampled_from([",", ",", ",", ";", ""]))
    return f"{regno},{pools}{sep}{commitment}\n".encode("latin-1")


@needs_c
@settings(max_examples=300, deadline=None)
@given(st.lists(lines(), min_size=1, max_size=12), st.data())
def test_scan_checks_lines_as_the_python_scan_does(found: list[bytes], data: Any) -> None:
    roster = _from_lines(sorted(found))
    n = len(roster)
    start = data.draw(st.integers(0, n))
    stop = data.draw(st.integers(start, n))
    parallel_module.STATE = roster
    try:
        expected = _scan((start, stop))
    finally:
        parallel_module.STATE = None
    got = native.scan(roster.blob, roster.offsets, start, stop)
    if expected is None:
        assert got is None
    else:
        assert got is not None
        leaves, ends, codes, pools = expected
        assert (ends, codes, pools) == (got[0], got[1], got[2])
        assert native.leaves(roster.blob, roster.offsets, start, stop) == leaves


@needs_c
def test_scan_refuses_a_256th_pool_set_in_one_span() -> None:
    rows = [f"H-{i:04d},p{i},{C1}\n".encode() for i in range(256)]
    roster = _from_lines(rows)
    assert native.scan(roster.blob, roster.offsets, 0, 255) is not None
    assert native.scan(roster.blob, roster.offsets, 0, 256) is None


@needs_c
@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=10), st.lists(st.binary(max_size=24), max_size=30))
def test_sort_lines_sorts_as_python_sorts_bytes(head: bytes, rows: list[bytes]) -> None:
    head = head.replace(b"\n", b"") + b"\n"
    body = [r.replace(b"\n", b"") + b"\n" for r in rows]
    data = head + b"".join(body)
    got = native.sort_lines(data, len(head))
    if not body or b"\n" in body:
        assert got is None
        return
    ordered = sorted(body)
    offsets = array("q")
    offsets.frombytes(got[1])
    assert got[0] == b"".join(ordered)
    assert list(offsets) == [sum(map(len, ordered[:k])) for k in range(len(ordered) + 1)]


# -- digests ----------------------------------------------------------------------------------


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


@needs_c
@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.binary(min_size=0, max_size=150), min_size=1, max_size=20), st.binary(max_size=90)
)
def test_leaves_nodes_and_keys_are_hashlibs_digests(texts: list[bytes], prefix: bytes) -> None:
    rows = [t.replace(b"\n", b"") + b"\n" for t in texts]
    roster = _from_lines(rows)
    n = len(rows)
    leaves = native.leaves(roster.blob, roster.offsets, 0, n)
    assert leaves == b"".join(sha(b"\x00" + r[:-1]) for r in rows)
    assert native.nodes(leaves, 0, n // 2) == b"".join(
        sha(b"\x01" + leaves[64 * j : 64 * j + 64]) for j in range(n // 2)
    )
    ends = array("q", (roster.offsets[i] + len(rows[i]) // 2 for i in range(n)))
    positions = array("q", reversed(range(n)))
    assert native.keys(prefix, roster.blob, roster.offsets, ends, positions, 0, n) == b"".join(
        sha(prefix + rows[i][: len(rows[i]) // 2]) for i in reversed(range(n))
    )
    assert native.keys(prefix, roster.blob, roster.offsets, ends, None, 1, n) == b"".join(
        sha(prefix + rows[i][: len(rows[i]) // 2]) for i in range(1, n)
    )


# -- orders -----------------------------------------------------------------------------------

KEYS = st.lists(
    st.sampled_from(
        [bytes(32), b"\x00" * 8 + b"\x01" + bytes(23), b"\xff" * 32, b"\x00" * 31 + b"\x02"]
    )
    | st.binary(min_size=32, max_size=32),
    max_size=60,
)


@needs_c
@settings(max_examples=300, deadline=None)
@given(KEYS, st.integers(0, 70))
def test_order_and_smallest_break_ties_by_position_as_python_does(
    keys: list[bytes], count: int
) -> None:
    blob = b"".join(keys)
    order, ranks = array("q"), array("q")
    by_key, rank_of = native.order(blob)
    order.frombytes(by_key)
    ranks.frombytes(rank_of)
    expected = sorted_positions(keys)
    assert list(order) == expected
    assert [ranks[j] for j in expected] == list(range(1, len(keys) + 1))
    picked = array("q")
    picked.frombytes(native.smallest(blob, count))
    assert list(picked) == smallest_positions(keys, count)[:count]


@needs_c
@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=50), st.integers(0, 3), st.data())
def test_select_picks_the_positions_python_would(flags: bytes, value: int, data: Any) -> None:
    found = array("q")
    found.frombytes(native.select(flags, value, None))
    assert list(found) == [p for p in range(len(flags)) if flags[p] == value]
    if flags:
        among = data.draw(st.lists(st.integers(0, len(flags) - 1), max_size=40))
        found = array("q")
        found.frombytes(native.select(flags, value, array("q", among)))
        assert list(found) == [p for p in among if flags[p] == value]


# -- whole draws ------------------------------------------------------------------------------


def both_ways(entries: list[RosterEntry], config: DrawConfig, jobs: int = 1) -> tuple[Any, Any]:
    saved = speedups.NATIVE
    try:
        fast = run_draw(entries, config, ENTROPY, jobs=jobs)
        speedups.NATIVE = None
        slow = run_draw(entries, config, ENTROPY, jobs=1)
    finally:
        speedups.NATIVE = saved
    return fast, slow


@needs_c
@settings(max_examples=150, deadline=None)
@given(draws())
def test_a_draw_gives_the_same_files_with_and_without_the_c_loops(
    drawn: tuple[list[RosterEntry], DrawConfig],
) -> None:
    entries, config = drawn
    fast, slow = both_ways(entries, config)
    assert fast.protocol_json() == slow.protocol_json()
    assert fast.results_bytes() == slow.results_bytes()


@needs_c
@pytest.mark.parametrize("key_mode", ["per_round", "shared"])
@pytest.mark.parametrize("remainder_first", [False, True])
def test_a_larger_draw_gives_the_same_files(key_mode: Any, remainder_first: bool) -> None:
    """Partial rounds (every loser carries on), the remainder's top-up and a long waitlist."""
    config = default_config(300, key_mode=key_mode, waitlist_length=700)
    if remainder_first:
        config = reorder(config, ["general", "first_home", "key_industry"])
    entries = make_roster(5000, seed=7)
    fast, slow = both_ways(entries, config, jobs=3)
    assert fast.protocol_json() == slow.protocol_json()
    fast_bytes = fast.results_bytes()
    assert fast_bytes == slow.results_bytes()
    lines = [e.line for e in sorted(entries, key=lambda e: e.line)]
    names = [r.name for r in config.rounds]
    text = "".join(result_lines(lines, slow.allocation, names))
    assert fast_bytes == text.encode("ascii")


# -- bad arguments ----------------------------------------------------------------------------


@needs_c
def test_bad_arguments_are_refused_not_read_past() -> None:
    roster = _from_lines(
        [b"H-1,general," + C1.encode() + b"\n", b"H-2,general," + C1.encode() + b"\n"]
    )
    blob, offsets = roster.blob, roster.offsets
    with pytest.raises(IndexError):
        native.leaves(blob, offsets, 0, 3)
    with pytest.raises(IndexError):
        native.leaves(blob, offsets, 2, 1)
    with pytest.raises(ValueError, match="offsets"):
        native.leaves(blob[:10], offsets, 0, 2)
    with pytest.raises(ValueError, match="64-bit"):
        native.leaves(blob, b"\x00" * 7, 0, 0)
    with pytest.raises(IndexError):
        native.nodes(bytes(64), 0, 2)
    ends = array("q", [3, 3])
    with pytest.raises(IndexError, match="position 5"):
        native.keys(b"", blob, offsets, ends, array("q", [5]), 0, 1)
    with pytest.raises(ValueError, match="fewer"):
        native.keys(b"", blob, offsets, array("q", [3]), None, 0, 1)
    with pytest.raises(IndexError, match="outside"):
        native.select(bytes(3), 0, array("q", [3]))
    with pytest.raises(ValueError, match="32 bytes"):
        native.order(bytes(33))
    with pytest.raises(ValueError, match="32 bytes"):
        native.smallest(bytes(31), 1)
    with pytest.raises(ValueError, match="end in LF"):
        native.sort_lines(b"header\nH-1", 7)
    with pytest.raises(RuntimeError, match="no rank"):
        empty = (array("q"), array("q"))
        native.rows(
            blob,
            offsets,
            0,
            2,
            bytes(2),
            bytes(2),
            [(b"r", array("q"), array("q"), b"")],
            empty,
            empty,
        )
    with pytest.raises(ValueError, match="differ"):
        native.rows(
            blob,
            offsets,
            0,
            1,
            bytes(2),
            bytes(2),
            [(b"r", array("q", [0]), array("q"), b"")],
            empty,
            empty,
        )
