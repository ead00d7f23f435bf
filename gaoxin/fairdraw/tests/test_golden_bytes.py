"""The bytes of fairdraw/1 never change: rosters, protocols and results produced by the
command line are compared with digests recorded from the implementation as it stood before the
performance work of issue 18 (commit cc8cb8f). A faster parser, streaming, or hashing on many
cores must give these same files, byte for byte.

Each case builds its inputs deterministically (seeded ``random.Random``), writes them as a user
would hand them over (the roster in shuffled order, some fields in non-canonical spelling), runs
``fairdraw run`` and ``fairdraw verify`` and hashes what came out.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

import pytest

from gaoxin.fairdraw import columns, identity_commitment, parallel, results, speedups
from gaoxin.fairdraw.__main__ import main
from gaoxin.fairdraw.roster import load_roster, roster_csv

from .conftest import SECRET, make_entropy

POOLS = ["general", "general;first_home", "key_industry;general", "first_home;general;key_industry"]


def _roster_text(n: int, seed: int, *, messy: bool) -> str:
    rng = random.Random(seed)
    rows = []
    for i in range(1, n + 1):
        regno = f"H2026-{rng.randrange(10**8):08d}-{i}"
        pools = POOLS[rng.randrange(4)]
        commitment = identity_commitment(f"id-{seed}-{i}", f"salt{i}")
        if messy and i % 7 == 0:  # spaces, upper-case hex, pools out of order, lower-case regno
            regno, commitment = f" {regno.lower()}\t", commitment.upper()
            pools = ",".join(reversed(pools.split(";"))).replace(",", ";")
        rows.append(f"{regno},{pools},{commitment}")
    rng.shuffle(rows)
    header = "pools,identity_commitment,registration_number" if messy else None
    if header:
        rows = [f"{p},{c},{r}" for r, p, c in (row.split(",") for row in rows)]
        return header + "\r\n" + "\r\n".join(rows) + "\r\n"
    return "registration_number,pools,identity_commitment\n" + "\n".join(rows) + "\n"


def _config(units: int, key_mode: str, waitlist: int) -> dict[str, Any]:
    return {
        "units": units,
        "key_mode": key_mode,
        "waitlist_length": waitlist,
        "rounds": [
            {"name": "first_home", "pool": "first_home", "quota": "30%"},
            {"name": "key_industry", "pool": "key_industry", "quota": "30%"},
            {"name": "general", "pool": "general", "quota": "remainder"},
        ],
    }


CASES = {
    # name: (entries, roster seed, messy input, units, key mode, waitlist length)
    "small-messy": (300, 11, True, 17, "per_round", 9),
    "shared-keys": (2_000, 12, False, 150, "shared", 40),
    "more-seats-than-people": (120, 13, False, 200, "per_round", 0),
    "large": (25_000, 14, False, 250, "per_round", 250),
}

#: SHA-256 of (canonical roster.csv, protocol.json, results.csv) for each case.
EXPECTED = {
    "small-messy": (
        "ffb5a548fd7c64aa1b9de168ba9a54cec0be1d4ec65f76174f00411cf0fa1143",
        "3bc07103f0e4cd7368bd4d953ac1245ebf4eb618d309b469c9588a628ab707a3",
        "2e214b1848a54636d9325580dbd65ef6a1ceb762a18d54811042b5ef6d51e28b",
    ),
    "shared-keys": (
        "df46c1eddaab1d81884368629a1ac74594438cb7cdf0d7c7c694ad31f3cc2f98",
        "577eecd3d991dcf2b1c27408ed21f1f35f1da17b307b7be87e04dc67846043b7",
        "956abeb5a63acf79e2d5d5ad67b3956d6f991cd97b8de51497ce9b4fc216105a",
    ),
    "more-seats-than-people": (
        "e5af97dbb30c22d26696dda294c42889e13b122c588eb9fcb9066a0f57cccf79",
        "4446af9530a752947cc0dae04408ac8ce0a5fd95611f59250bfe870295beb9dd",
        "980c4f17ab6ae11b55600c3c5bb8b265e4c8655bc64b322455a18741f2057252",
    ),
    "large": (
        "fca8ef8318e0e39a365a4ee90a53aa6313d79664d00ec44269d53776314bad24",
        "8be65a7b00b88e877ebae5dace176ab59f5265a738500c6a3112f508e2e8a1f8",
        "b7406f7fc0755b46284530eeb636ae70f12973bbdf507d70392ca18a3c3544e6",
    ),
}


def _produce(case: str, work: Path, jobs: int = 1) -> tuple[str, str, str]:
    n, seed, messy, units, key_mode, waitlist = CASES[case]
    roster = work / "roster.csv"
    roster.write_text(_roster_text(n, seed, messy=messy), encoding="utf-8", newline="")
    config = work / "config.json"
    config.write_text(json.dumps(_config(units, key_mode, waitlist)), encoding="utf-8")
    entropy = work / "entropy.json"
    entropy.write_text(json.dumps(make_entropy().to_dict()), encoding="utf-8")
    out = work / "out"
    args = ["run", str(roster), "--config", str(config), "--entropy", str(entropy)]
    assert main([*args, "--out", str(out), "--quiet", "--jobs", str(jobs)]) == 0
    verify = ["verify", str(out / "protocol.json"), str(roster), "--quiet", "--jobs", str(jobs)]
    assert main(verify) == 0
    canonical = roster_csv(load_roster(roster)).encode("utf-8")

    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    return (
        digest(canonical),
        digest((out / "protocol.json").read_bytes()),
        digest((out / "results.csv").read_bytes()),
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_files_are_byte_for_byte_those_of_before(case: str, speed: str, tmp_path: Path) -> None:
    assert SECRET  # the entropy is the shared fixture's, revealed with this notary secret
    assert _produce(case, tmp_path) == EXPECTED[case]


@pytest.mark.skipif(not parallel.can_fork(), reason="forked workers need Linux")
@pytest.mark.parametrize("case", sorted(CASES))
def test_many_processes_give_the_same_bytes_as_one(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(The pure-Python code forks; the C loops use threads, tested below.)"""
    monkeypatch.setattr(speedups, "NATIVE", None)
    """Three workers, with pieces small enough that even these rosters are cut into many
    (roster scan, Merkle levels, every round's keys, the results file's chunks)."""
    forks: list[int] = []
    real_pool = parallel.multiprocessing.get_context("fork").Pool

    def counting_pool(processes: int) -> Any:
        forks.append(processes)
        return real_pool(processes)

    monkeypatch.setattr(columns, "_MIN_SPAN", 37)
    monkeypatch.setattr(results, "_CHUNK", 101)
    monkeypatch.setattr(
        parallel.multiprocessing,
        "get_context",
        lambda method: type("Fork", (), {"Pool": staticmethod(counting_pool)}),
    )
    assert _produce(case, tmp_path, jobs=3) == EXPECTED[case]
    assert forks and max(forks) == 3  # the work did go to three processes


@pytest.mark.skipif(speedups.NATIVE is None, reason="fairdraw's C loops are not built here")
@pytest.mark.parametrize("case", sorted(CASES))
def test_many_threads_running_the_c_loops_give_the_same_bytes_as_one(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The C loops on three threads, cut into many small pieces, give the recorded bytes."""
    pools: list[int] = []
    real = parallel.thread_map

    def counting(function: Any, tasks: Any, jobs: int) -> Any:
        if jobs > 1 and len(tasks) > 1:
            pools.append(min(jobs, len(tasks)))
        return real(function, tasks, jobs)

    monkeypatch.setattr(columns, "_MIN_SPAN", 37)
    monkeypatch.setattr(results, "_CHUNK", 101)
    monkeypatch.setattr(parallel, "thread_map", counting)
    assert _produce(case, tmp_path, jobs=3) == EXPECTED[case]
    assert pools and max(pools) == 3  # the work did go to three threads
