"""fairdraw as its users run it: `fairdraw run` and `fairdraw verify`, whole process, against
the hashing floor and, when given, the ICANN OCTO-41 candidate-selection tool.

Usage::

    python bench/fairdraw.py                            # 200k, 1M, 5M; 3 repetitions
    python bench/fairdraw.py --sizes 200k,1M --repeat 5 --icann PATH/candidate-selection.py

For each size a roster of N entries is written in shuffled order (everyone in `general`, about
half also `first_home`, about half `key_industry`), with the Hefei default configuration
(units = 1% of N, three rounds) and a revealed entropy declaration; none of that is timed.
Then, repetition by repetition and alternating, each of these runs as its own process, timed
from start to exit (wall clock) with its peak resident memory (`ru_maxrss` of the process and
of the workers it forks, the largest of them):

- run:    python -m gaoxin.fairdraw run roster.csv --units U --entropy entropy.json --out DIR
- verify: python -m gaoxin.fairdraw verify DIR/protocol.json roster.csv --results DIR/results.csv
- floor:  python bench/fairdraw.py floor H — SHA-256 of each of H names and one sort of the
          digests, in one process on one core, where H is the number of digests the draw
          computes (Merkle leaves and nodes, every round's keys, the waitlist's and the
          unit-choice order's), taken from the protocol the run wrote;
- ICANN:  python candidate-selection.py names selection — the OCTO-41 tool choosing U of the
          same N registration numbers (only with --icann).

The figures are medians over the repetitions; ratios are taken within each repetition (the
machine is shared and noisy, so only figures measured side by side mean anything).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._harness import cpu_model  # noqa: E402
from gaoxin.fairdraw import RosterEntry  # noqa: E402

POOLS = ["general", "first_home;general", "general;key_industry", "first_home;general;key_industry"]
ENTROPY = {
    "sources": [
        {
            "name": "SSE Composite close 2026-03-02 (x100)",
            "declared": "published 2026-02-01",
            "value": "321567",
        },
        {
            "name": "Welfare lottery 3D 2026-03-02",
            "declared": "published 2026-02-01",
            "value": "4 0 7",
        },
    ]
}


def parse_size(text: str) -> int:
    t = text.strip().lower()
    mult = 1
    if t.endswith("k"):
        mult, t = 1000, t[:-1]
    elif t.endswith("m"):
        mult, t = 1_000_000, t[:-1]
    return int(float(t) * mult)


def roster_rows(n: int) -> list[str]:
    """N canonical roster lines (each ending in LF) in shuffled order, the same for the same N."""
    rng = random.Random(n)
    rows = [
        f"{r},{POOLS[rng.randrange(4)]},{hashlib.sha256(r.encode()).hexdigest()}\n"
        for r in (f"H2026-{i:08d}" for i in range(n))
    ]
    rng.shuffle(rows)
    return rows


def build_roster(n: int) -> list[RosterEntry]:
    """The roster of `roster_rows` as objects (for bench/fairdraw_browser.py)."""
    return [RosterEntry.make(*row.rstrip("\n").split(",")) for row in roster_rows(n)]


def write_inputs(n: int, work: Path) -> tuple[Path, Path, Path, Path]:
    """The roster (shuffled), the entropy, and the ICANN tool's names and selection files."""
    rows = roster_rows(n)
    regnos = [f"H2026-{i:08d}" for i in range(n)]
    roster = work / "roster.csv"
    with roster.open("w", encoding="ascii") as out:
        out.write("registration_number,pools,identity_commitment\n")
        out.writelines(rows)
    entropy = work / "entropy.json"
    entropy.write_text(json.dumps(ENTROPY))
    names = work / "names.txt"
    names.write_text("\n".join(regnos) + "\n")
    selection = work / "selection.txt"
    selection.write_text(f"{max(1, n // 100)}\n321567./0.4.7./\n")
    return roster, entropy, names, selection


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one process and the children it waited for."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO, env=env
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {error[-2000:]}")
    if process.stderr:
        process.stderr.close()
    return seconds, usage.ru_maxrss / 1024


def digests_of(protocol: dict[str, Any]) -> int:
    """H: the SHA-256 digests the draw computes, from its published summary."""
    n = protocol["roster"]["size"]
    summary = protocol["summary"]
    keys = sum(r["participants"] for r in summary["rounds"])
    losers = n - summary["allocated"] if protocol["config"]["waitlist_length"] else 0
    return n + max(0, n - 1) + keys + losers + summary["allocated"]


def floor(h: int) -> None:
    """SHA-256 of H names and one sort of the digests: the least a draw of that size does."""
    sha = hashlib.sha256
    digests = [sha(b"H2026-%08d" % i).digest() for i in range(h)]
    digests.sort()


PURE = {**os.environ, "FAIRDRAW_PURE": "1"}


def measure(
    n: int, repeat: int, icann: Path | None, jobs: int | None, pure: bool
) -> dict[str, Any]:
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="fairdraw-bench-") as tmp:
        work = Path(tmp)
        roster, entropy, names, selection = write_inputs(n, work)
        out = work / "out"
        extra = ["--jobs", str(jobs)] if jobs else []
        run = [
            python,
            "-m",
            "gaoxin.fairdraw",
            "run",
            str(roster),
            "--units",
            str(max(1, n // 100)),
        ]
        run += ["--entropy", str(entropy), "--out", str(out), "--quiet", *extra]
        verify = [
            python,
            "-m",
            "gaoxin.fairdraw",
            "verify",
            str(out / "protocol.json"),
            str(roster),
        ]
        verify += ["--results", str(out / "results.csv"), "--quiet", *extra]
        timed(run)  # warm the page cache; gives H
        h = digests_of(json.loads((out / "protocol.json").read_text()))
        commands = {"run": run, "verify": verify, "floor": [python, __file__, "floor", str(h)]}
        if icann:
            commands["icann"] = [python, str(icann), str(names), str(selection)]
        if pure:
            commands["run_pure"], commands["verify_pure"] = run, verify
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(repeat):
            for name, command in commands.items():
                samples[name].append(timed(command, PURE if name.endswith("_pure") else None))
    result: dict[str, Any] = {"n": n, "digests": h}
    for name, values in samples.items():
        result[f"{name}_s"] = statistics.median(v[0] for v in values)
        result[f"{name}_mb"] = max(v[1] for v in values)
    for name in ("run", "verify", "icann", "run_pure", "verify_pure"):
        if name in samples:
            ratios = [a[0] / b[0] for a, b in zip(samples[name], samples["floor"], strict=True)]
            result[f"{name}_floor"] = statistics.median(ratios)
    if icann:
        for name in ("run", "verify", "run_pure", "verify_pure"):
            if name not in samples:
                continue
            ratios = [a[0] / b[0] for a, b in zip(samples[name], samples["icann"], strict=True)]
            result[f"{name}_icann"] = statistics.median(ratios)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "floor"])
    parser.add_argument("h", nargs="?", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="200k,1M,5M")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--icann", type=Path, help="the ICANN tool's candidate-selection.py")
    parser.add_argument("--jobs", type=int, help="passed to fairdraw (default: every core)")
    parser.add_argument(
        "--pure",
        action="store_true",
        help="also time run and verify without the C loops (FAIRDRAW_PURE=1, as fairdraw.pyz)",
    )
    args = parser.parse_args()
    if args.mode == "floor":
        floor(args.h)
        return
    rows = []
    for size in args.sizes.split(","):
        n = parse_size(size)
        print(f"measuring {n:,} entries ...", file=sys.stderr, flush=True)
        rows.append(measure(n, args.repeat, args.icann, args.jobs, args.pure))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    load = os.getloadavg()
    from gaoxin.fairdraw import speedups

    built = "with its C loops" if speedups.NATIVE is not None else "WITHOUT its C loops (not built)"
    print(
        f"Measured {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC on {os.cpu_count()} "
        f"cores ({cpu_model()}), Python {platform.python_version()}, load average at the end "
        f"{load[0]:.1f}, fairdraw {built}: `python bench/fairdraw.py {' '.join(sys.argv[1:])}`"
    )
    print()
    icann = args.icann is not None
    print_table(rows, "", icann)
    if args.pure:
        print()
        print(
            "Without the C loops (FAIRDRAW_PURE=1: the pure-Python code, as `fairdraw.pyz` runs):"
        )
        print()
        print_table(rows, "_pure", icann)


def print_table(rows: list[dict[str, Any]], kind: str, icann: bool) -> None:
    """One Markdown table of the measurements of ``run{kind}`` and ``verify{kind}``; the
    digests, floor and ICANN times are given once, in the main table (``kind`` empty)."""
    columns: list[tuple[str, Any]] = [("N", lambda r: f"{r['n']:,}")]
    if not kind:
        columns.append(("H digests", lambda r: f"{r['digests']:,}"))
    columns += [
        ("run", lambda r: f"{r[f'run{kind}_s']:.2f} s"),
        ("verify", lambda r: f"{r[f'verify{kind}_s']:.2f} s"),
    ]
    if not kind:
        columns.append(("floor", lambda r: f"{r['floor_s']:.2f} s"))
    columns += [
        ("run ÷ floor", lambda r: f"{r[f'run{kind}_floor']:.2f}"),
        ("verify ÷ floor", lambda r: f"{r[f'verify{kind}_floor']:.2f}"),
    ]
    if icann:
        if not kind:
            columns.append(("ICANN tool", lambda r: f"{r['icann_s']:.2f} s"))
        columns += [
            ("run ÷ ICANN", lambda r: f"{r[f'run{kind}_icann']:.2f}"),
            ("verify ÷ ICANN", lambda r: f"{r[f'verify{kind}_icann']:.2f}"),
        ]
    columns.append(
        (
            "peak RSS run / verify",
            lambda r: f"{r[f'run{kind}_mb']:,.0f} / {r[f'verify{kind}_mb']:,.0f} MB",
        )
    )
    print("| " + " | ".join(name for name, _ in columns) + " |")
    print("|" + "---:|" * len(columns))
    for r in rows:
        print("| " + " | ".join(cell(r) for _, cell in columns) + " |")


if __name__ == "__main__":
    main()
