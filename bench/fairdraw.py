"""Benchmark fairdraw run and verify against a hashing-and-sorting floor.

Usage::

    python bench/fairdraw.py                      # 10k, 100k, 1M, 5M
    python bench/fairdraw.py --sizes 10k,1M

Each size runs in a fresh subprocess (so peak RSS, ``ru_maxrss``, is that size's own).
In that process: a synthetic roster with the Hefei default configuration (units = 1% of
entries, waitlist = units; pools: everyone ``general``, ~50% ``first_home``, ~50%
``key_industry``, given in shuffled order) is built (not timed); then ``run_draw`` and
``verify_protocol`` are timed; then the *floor* is timed: the same number of SHA-256
digests over same-length messages that the draw computes (Merkle leaves and nodes, one key
per participant per round, waitlist and unit-choice keys), a full sort of every key list
the draw orders, and one SHA-256 pass over as many bytes as the results file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gaoxin.fairdraw import (
    EntropyDeclaration,
    EntropySource,
    RosterEntry,
    default_config,
    run_draw,
    verify_protocol,
)

POOLSETS = [
    frozenset({"general"}),
    frozenset({"general", "first_home"}),
    frozenset({"general", "key_industry"}),
    frozenset({"general", "first_home", "key_industry"}),
]


def parse_size(text: str) -> int:
    t = text.strip().lower()
    mult = 1
    if t.endswith("k"):
        mult, t = 1000, t[:-1]
    elif t.endswith("m"):
        mult, t = 1_000_000, t[:-1]
    return int(float(t) * mult)


def build_roster(n: int) -> list[RosterEntry]:
    rng = random.Random(n)
    entries = [
        RosterEntry(
            f"H2026-{i:08d}",
            POOLSETS[rng.randrange(4)],
            hashlib.sha256(i.to_bytes(8, "big")).hexdigest(),
        )
        for i in range(n)
    ]
    rng.shuffle(entries)
    return entries


def floor_seconds(digests: int, msg_len: int, sort_sizes: list[int], results_bytes: int) -> float:
    """Time ``digests`` SHA-256 digests of ``msg_len``-byte messages, full sorts of random
    32-byte keys of the given sizes, and one SHA-256 pass over ``results_bytes`` bytes."""
    rng = random.Random(7)
    prefix = rng.randbytes(msg_len - 8)
    tails = [i.to_bytes(8, "big") for i in range(min(digests, 1_000_000))]
    blob = b"\0" * results_bytes
    sha = hashlib.sha256
    start = time.perf_counter()
    done = 0
    keys: list[bytes] = []
    while done < digests:
        batch = tails[: digests - done]
        out = [sha(prefix + t).digest() for t in batch]
        if len(keys) < max(sort_sizes, default=0):
            keys.extend(out)
        done += len(batch)
    for size in sort_sizes:
        sorted(range(size), key=keys.__getitem__)
    sha(blob).digest()
    return time.perf_counter() - start


def measure(n: int) -> dict[str, float | int]:
    entries = build_roster(n)
    config = default_config(max(1, n // 100))
    entropy = EntropyDeclaration(
        (
            EntropySource("SSE Composite close 2026-03-02, x100", "declared 2026-02-01", "321567"),
            EntropySource("China Welfare Lottery 3D, 2026-03-02", "declared 2026-02-01", "4 0 7"),
        )
    )
    t0 = time.perf_counter()
    result = run_draw(entries, config, entropy)
    run_s = time.perf_counter() - t0
    results_size = sum(len(c.encode()) for c in result.results_chunks())
    t0 = time.perf_counter()
    report = verify_protocol(result.protocol, entries)
    verify_s = time.perf_counter() - t0
    assert report.ok, report.text()
    alloc = result.allocation
    rounds = [o.participants for o in alloc.rounds]
    waitlisted = n - alloc.allocated if config.waitlist_length else 0
    digests = n + max(0, n - 1) + sum(rounds) + waitlisted + alloc.allocated
    sorts = [*rounds, waitlisted, alloc.allocated]
    floor_s = floor_seconds(digests, 80, sorts, results_size)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "n": n,
        "run_s": run_s,
        "verify_s": verify_s,
        "floor_s": floor_s,
        "digests": digests,
        "peak_mb": peak_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M,5M")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one)))
        return
    rows = []
    for size in args.sizes.split(","):
        n = parse_size(size)
        print(f"measuring {n:,} entries ...", file=sys.stderr, flush=True)
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n)],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append(json.loads(out.stdout))
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    print(f"Machine: {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print()
    print(
        "| entries | run (s) | verify (s) | floor (s) | run / floor | verify / floor "
        "| SHA-256 digests | peak RSS (MB) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['n']:,} | {r['run_s']:.2f} | {r['verify_s']:.2f} | {r['floor_s']:.2f} "
            f"| {r['run_s'] / r['floor_s']:.2f} | {r['verify_s'] / r['floor_s']:.2f} "
            f"| {r['digests']:,} | {r['peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
