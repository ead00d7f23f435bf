"""The closing report's statistical checks: size, power, and closing at real volume
(docs/housing.md "Statistical checks"; docs/benchmarks.md "Closing report").

How to run (from the repository root):

    .venv/bin/python bench/report_checks.py rates            # 1,000 fair draws per key mode
    .venv/bin/python bench/report_checks.py rates --fair 200 --rigged 50   # quicker
    .venv/bin/python bench/report_checks.py close            # batch_close at 2,000 and 200,000

`rates` runs the engine itself (`fairdraw.allocation.allocate` with a fresh random seed per
draw) on a Hefei-style roster: 400 entries, 100 units, 30 % first-home and 30 % key-industry
reserves before the general round, groups 120 / 60 / 30 / 190 (first-home only, key-industry
only, both, neither), first-home applicants registering earlier than the others. For each key
mode it measures, at α = 0.05 (and 0.01):

- the false-positive rate of every check over `--fair` fair draws;
- its power over `--rigged` draws of an engine that favours early registrants: every key
  (per round, the waitlist's and the shared one) is replaced by an exponential race in which
  the first half of the registration order runs at rate OR (odds ratio 2.7 and 7.4), so an
  early registrant is OR times as likely to be taken at each step as a late one.

`close` seeds drawn batches through the app's services (bench/load.py's seeding: bulk
applications, then roster freeze, notary confirmation, reveal and `services.draw_execute`) on
a throwaway PostgreSQL cluster (SQLite with `--sqlite`), starts unit choice and runs
`services.batch_close`, timing it and listing each check's status.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import secrets
import struct
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402  (after the path set-up)

from bench._harness import cpu_model  # noqa: E402
from gaoxin import fairdraw  # noqa: E402
from gaoxin.fairdraw import allocation  # noqa: E402
from gaoxin.fairdraw.simulate import GROUP_POOLS, GROUPS  # noqa: E402

GROUP_SIZES = (120, 60, 30, 190)
UNITS = 100


def machine() -> str:
    return f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def roster_kinds(seed: int = 5) -> list[int]:
    """Group index of each entry in registration order: first-home applicants earlier."""
    import random

    order = random.Random(seed)
    kinds = [g for g, n in enumerate(GROUP_SIZES) for _ in range(n)]
    early = {GROUPS.index("first_home_only"), GROUPS.index("both")}
    kinds.sort(key=lambda g: order.random() + (0.0 if g in early else 0.6))
    return kinds


@contextmanager
def favouring_early(odds: float, size: int) -> Iterator[None]:
    """The engine with every key replaced by an exponential race: entries in the first half
    of registration order at rate `odds`, the others at rate 1 (smaller key wins)."""
    original = allocation.keys_for
    rng = np.random.default_rng(secrets.randbits(64))

    def keys_for(prefix: bytes, encoded: Sequence[bytes], indices: Sequence[int]) -> list[bytes]:
        rates = np.where(np.asarray(indices) < size // 2, odds, 1.0)
        values = rng.standard_exponential(len(indices)) / rates
        return [struct.pack(">d", float(v)) for v in values]

    allocation.keys_for = keys_for  # type: ignore[assignment]
    try:
        yield
    finally:
        allocation.keys_for = original


def one_draw(
    config: fairdraw.DrawConfig, kinds: Sequence[int], *, seed: bytes | None = None
) -> list[Any]:
    """One real draw of the engine over entries of these groups in registration order, as the
    report's checks see it: (position, pools, round won or "", won)."""
    regnos = [f"R{i:05d}".encode("ascii") for i in range(len(kinds))]
    poolsets = [GROUP_POOLS[GROUPS[g]] for g in kinds]
    outcome = allocation.allocate(regnos, poolsets, config, seed or secrets.token_bytes(32))
    return [
        (
            i + 1,
            poolsets[i],
            outcome.rounds[outcome.decided[i]].name if outcome.won[i] else "",
            bool(outcome.won[i]),
        )
        for i in range(len(kinds))
    ]


def p_values(
    config: fairdraw.DrawConfig, entries: list[Any], shares: Callable[[list[int]], float]
) -> dict[str, float]:
    from gaoxin.housing import reportchecks

    rng = np.random.default_rng(secrets.randbits(64))
    tests: dict[str, Any] = {
        "pool_shares": {
            "p_value": shares(
                [
                    sum(1 for e in entries if e[3] and reportchecks.group_of(e[1]) == g)
                    for g in GROUPS
                ]
            )
        },
        "registration_rounds": {
            "rounds": reportchecks.round_checks(
                [r.name for r in config.rounds],
                {r.name: r.pool for r in config.rounds},
                entries,
                rng,
            )
        },
        "registration_bins": reportchecks.bin_check(entries, rng),
    }
    tests["family"] = reportchecks.family(tests)
    out = {"pool_shares": tests["pool_shares"]["p_value"]}
    for row in tests["registration_rounds"]["rounds"]:
        out[f"round {row['round']}"] = row["p_value"]
    out["registration_bins"] = tests["registration_bins"]["p_value"]
    adjusted = [
        v
        for v in (
            tests["pool_shares"].get("p_adjusted"),
            tests["registration_bins"].get("p_adjusted"),
        )
        if v is not None
    ]
    adjusted += [
        r["p_adjusted"] for r in tests["registration_rounds"]["rounds"] if "p_adjusted" in r
    ]
    out["family (Holm)"] = min(adjusted) if adjusted else 1.0
    return out


def rates(args: argparse.Namespace) -> dict[str, Any]:
    from gaoxin.housing import reportchecks

    kinds = roster_kinds()
    result: dict[str, Any] = {
        "machine": machine(),
        "roster": {
            "entries": len(kinds),
            "units": UNITS,
            "groups": dict(zip(GROUPS, GROUP_SIZES, strict=True)),
        },
        "trials_per_check": reportchecks.TRIALS,
    }
    for key_mode in ("per_round", "shared"):
        config = fairdraw.default_config(UNITS, key_mode=key_mode)
        sizes = list(GROUP_SIZES)
        expected, method = reportchecks.expectation(config, sizes, "bench")
        sims = reportchecks.simulate_wins(
            config, sizes, reportchecks.TRIALS, np.random.default_rng(7)
        )

        def shares(
            observed: list[int], expected: list[float] = expected, sims: Any = sims
        ) -> float:
            return float(reportchecks.pool_share_check(observed, expected, sims)["p_value"])

        started = time.perf_counter()
        mode: dict[str, Any] = {"expectation": method}
        runs: list[tuple[str, float | None, int]] = [("fair", None, args.fair)]
        runs += [(f"odds {odds:g}", odds, args.rigged) for odds in (2.7, 7.4)]
        for label, odds, count in runs:
            found: dict[str, list[float]] = {}
            for _ in range(count):
                if odds is None:
                    entries = one_draw(config, kinds)
                else:
                    with favouring_early(odds, len(kinds)):
                        entries = one_draw(config, kinds)
                for name, value in p_values(config, entries, shares).items():
                    found.setdefault(name, []).append(1.0 if value is None else value)
            mode[label] = {
                name: {
                    "draws": len(values),
                    "rate_0.05": round(sum(v <= 0.05 for v in values) / len(values), 4),
                    "rate_0.01": round(sum(v <= 0.01 for v in values) / len(values), 4),
                    "se_0.05": round(math.sqrt(0.05 * 0.95 / len(values)), 4),
                }
                for name, values in found.items()
            }
            print(
                f"{key_mode} {label}: done ({time.perf_counter() - started:.0f} s)", file=sys.stderr
            )
        result[key_mode] = mode
    return result


# -- closing real-size batches -------------------------------------------------------------------


def close_batch(code: str, applications: int, units: int, key_mode: str) -> dict[str, Any]:
    """Seed a drawn batch of `applications` through the services, start unit choice and close
    it; returns the timing and each check's status. Needs Django set up and a database."""
    from bench import load
    from gaoxin.housing import services
    from gaoxin.housing.models import SaleBatch

    seeded = load.seed_lookup(
        applications,
        units,
        code=code,
        rules=services.Rules(key_mode=key_mode),  # type: ignore[arg-type]
    )
    batch = SaleBatch.objects.get(code=code)
    admin, _notary = load._bench_users()
    services.unit_choice_start(actor=admin, batch=batch)
    batch.refresh_from_db()
    started = time.perf_counter()
    closing = services.batch_close(actor=admin, batch=batch)
    seconds = time.perf_counter() - started
    tests = closing.data["tests"]
    return {
        "code": code,
        "applications": applications,
        "units": units,
        "key_mode": key_mode,
        "seed_seconds": seeded["seed_seconds"],
        "close_seconds": round(seconds, 2),
        "checks": {
            name: tests[name]["status"]
            for name in ("pool_shares", "registration_rounds", "registration_bins")
        },
        "smallest_adjusted": tests["family"]["smallest_adjusted"],
        "expectation": tests["pool_shares"].get("expectation"),
    }


def close(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="gaoxin-close-"))
    cluster = None
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'close.sqlite3'}"
    else:
        from gaoxin.testing.postgres import find_bindir, start_cluster

        bindir = find_bindir()
        if bindir is None:
            raise SystemExit("no PostgreSQL server binaries (or use --sqlite)")
        cluster = start_cluster(bindir)
        os.environ["DATABASE_URL"] = f"postgres://gaoxin@127.0.0.1:{cluster['port']}/postgres"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.config.settings.local")
    os.environ["GAOXIN_DATA_DIR"] = str(work)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        out: dict[str, Any] = {"machine": machine(), "backend": connection.vendor, "runs": []}
        for n in args.sizes:
            for key_mode in ("per_round", "shared"):
                code = f"CL{n // 1000}K{'S' if key_mode == 'shared' else 'P'}"
                out["runs"].append(close_batch(code, n, max(10, n // 100), key_mode))
                print(json.dumps(out["runs"][-1]), file=sys.stderr)
        return out
    finally:
        connection.close()
        if cluster is not None:
            from gaoxin.testing.postgres import stop_cluster

            stop_cluster(cluster)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("rates", help="false-positive rate and power of every check")
    p.add_argument("--fair", type=int, default=1000, help="fair draws per key mode")
    p.add_argument("--rigged", type=int, default=300, help="rigged draws per odds ratio and mode")
    p.set_defaults(func=rates)
    p = sub.add_parser("close", help="batch_close at real volume, both key modes")
    p.add_argument("--sizes", type=int, nargs="+", default=[2000, 200_000])
    p.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    p.set_defaults(func=close)
    args = parser.parse_args()
    started = time.perf_counter()
    result = args.func(args)
    result["command"] = " ".join(["bench/report_checks.py", *sys.argv[1:]])
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
