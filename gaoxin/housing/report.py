"""The closing report of a sale batch (结案报告): what happened per pool, the shares achieved
against the policy's minimums and the simulator's expectation, and this draw's statistical
checks with their p-values (`reportchecks`: what each check computes and why it holds under
both key modes). Computed once when the batch closes (`services.batch_close`) and stored as
plain JSON; the page, the charts and the PDF render that stored data.

A p-value below 0.01 does not prove a fault; it is a reason to look. The report also reads
the checks together (Holm's adjustment), so that one small value among several is not taken
for more than it is.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from gaoxin import fairdraw
from gaoxin.fairdraw.simulate import GROUPS

from .choices import ApplicationStatus, Pool, TurnSource, TurnStatus
from .models import ChoiceTurn, DrawResult, SaleBatch
from .reportchecks import (
    TRIALS,
    Entry,
    bin_check,
    expectation,
    family,
    group_of,
    guarded,
    pool_share_check,
    rng_for,
    round6,
    round_checks,
    simulate_wins,
)

# 2: checks calibrated under both key modes, each with a status, Holm-adjusted family.
REPORT_VERSION = 2
POOLS = (Pool.FIRST_HOME.value, Pool.KEY_INDUSTRY.value, Pool.GENERAL.value)


def _pools(value: str) -> frozenset[str]:
    return frozenset(p for p in value.split(";") if p)


def _percent(part: float, whole: int) -> float:
    return round6(100.0 * part / whole) if whole else 0.0


def readable(data: dict[str, Any]) -> dict[str, Any]:
    """A stored report in the current shape, for the page and the PDF: version 1 reports
    (before every check carried a status and the Holm family) are read as computed checks
    without adjusted p-values. The stored data and its digest are never changed."""
    if data.get("version", 1) >= REPORT_VERSION:
        return data
    tests = dict(data.get("tests", {}))
    rounds = tests.get("registration_rounds", [])
    if isinstance(rounds, list):
        tests["registration_rounds"] = {"status": "computed", "rounds": rounds}
    for key in ("pool_shares", "registration_bins"):
        tests[key] = {"status": "computed", **tests.get(key, {})}
    tests.setdefault("family", {})
    return {**data, "tests": tests}


def statistical_checks(
    config: fairdraw.DrawConfig, entries: list[Entry], digest: str
) -> tuple[dict[str, Any], list[float], str]:
    """The tests section of the report, the expected winners per group and how they were
    obtained ("exact" or "simulated"). A check that fails to compute is marked so."""
    round_names = [r.name for r in config.rounds]
    round_pools = {r.name: r.pool for r in config.rounds}
    sizes_counter = Counter(group_of(e[1]) for e in entries)
    sizes = [sizes_counter.get(g, 0) for g in GROUPS]
    observed_counter = Counter(group_of(e[1]) for e in entries if e[3])
    observed = [observed_counter.get(g, 0) for g in GROUPS]
    try:
        expected, method = expectation(config, sizes, digest)
    except Exception:  # shown as "not computed" below; never stops the close
        expected, method = [float("nan")] * len(GROUPS), "unavailable"

    def shares() -> dict[str, Any]:
        if method == "unavailable":
            raise RuntimeError("the expectation could not be computed")
        sims = simulate_wins(config, sizes, TRIALS, rng_for(digest, "pool-shares"))
        return {
            **pool_share_check(observed, expected, sims),
            "expectation": method,
            "key_mode": config.key_mode,
        }

    tests: dict[str, Any] = {
        "pool_shares": guarded("pool shares", shares),
        "registration_rounds": guarded(
            "registration rounds",
            lambda: {
                "rounds": round_checks(
                    round_names, round_pools, entries, rng_for(digest, "rounds")
                ),
                "trials": TRIALS,
            },
        ),
        "registration_bins": guarded(
            "registration bins", lambda: bin_check(entries, rng_for(digest, "bins"))
        ),
    }
    tests["family"] = family(tests)
    return tests, expected, method


def build_report(batch: SaleBatch) -> dict[str, Any]:
    """Every figure of the closing report, as plain JSON (stored; never recomputed)."""
    draw = batch.draw
    roster = batch.roster
    config = fairdraw.DrawConfig.from_dict(batch.config["draw"])
    rules = batch.config.get("rules", {})
    round_names = [r.name for r in config.rounds]
    round_pools = {r.name: r.pool for r in config.rounds}
    units = config.units

    live = Q(status=ApplicationStatus.SUBMITTED)
    claims = batch.applications.aggregate(
        general=Count("pk", filter=live),
        first_home=Count("pk", filter=live & Q(claims_first_home=True)),
        key_industry=Count("pk", filter=live & Q(claims_key_industry=True)),
    )

    rows = DrawResult.objects.filter(draw=draw).values_list("number", "pools", "round", "outcome")
    entries: list[Entry] = []
    for position, (_number, pools, won_round, outcome) in enumerate(
        sorted(rows.iterator(chunk_size=10_000)), start=1
    ):
        entries.append((position, _pools(pools), won_round, outcome == "won"))

    eligible = Counter(p for e in entries for p in e[1])
    winners_by_round = Counter(e[2] for e in entries if e[3])
    turns = ChoiceTurn.objects.filter(batch=batch)
    turn_counts = dict(turns.values_list("status").annotate(n=Count("pk")))
    bought = turns.filter(status=TurnStatus.CONTRACTED)
    bought_by_round = Counter(
        r or "waitlist"
        for r in bought.filter(source=TurnSource.WINNER).values_list("round", flat=True)
    )
    waitlist_bought = bought.filter(source=TurnSource.WAITLIST).count()
    sold = turn_counts.get(TurnStatus.CONTRACTED.value, 0)

    pool_rows: list[dict[str, Any]] = []
    for pool in POOLS:
        in_rounds = [name for name in round_names if round_pools[name] == pool]
        pool_rows.append(
            {
                "pool": pool,
                "applications": claims[pool],
                "eligible": eligible.get(pool, 0),
                "winners": sum(winners_by_round.get(name, 0) for name in in_rounds),
                "purchases": sum(bought_by_round.get(name, 0) for name in in_rounds),
            }
        )

    tests, expected, method = statistical_checks(config, entries, draw.protocol_digest)
    sizes_counter = Counter(group_of(e[1]) for e in entries)
    sizes = [sizes_counter.get(g, 0) for g in GROUPS]
    observed_counter = Counter(group_of(e[1]) for e in entries if e[3])
    observed = [observed_counter.get(g, 0) for g in GROUPS]
    per_group = tests["pool_shares"].get("per_group", {})
    known = method != "unavailable"

    members = {
        Pool.FIRST_HOME.value: ("first_home_only", "both"),
        Pool.KEY_INDUSTRY.value: ("key_industry_only", "both"),
    }
    bought_groups = Counter(
        group_of(_pools(p))
        for p in DrawResult.objects.filter(
            draw=draw, application__turn__status=TurnStatus.CONTRACTED
        ).values_list("pools", flat=True)
    )
    shares = []
    for pool, members_of in members.items():
        idx = [GROUPS.index(g) for g in members_of]
        shares.append(
            {
                "pool": pool,
                "minimum": round6(float(rules.get(f"{pool}_percent", 0) or 0)),
                "reserved_round": _percent(
                    sum(winners_by_round.get(n, 0) for n in round_names if round_pools[n] == pool),
                    units,
                ),
                "expected": _percent(sum(expected[i] for i in idx), units) if known else None,
                "achieved": _percent(sum(observed[i] for i in idx), units),
                "purchased": _percent(sum(bought_groups.get(g, 0) for g in members_of), units),
            }
        )

    group_rows = [
        {
            "group": g,
            "size": sizes[i],
            "expected": round6(expected[i]) if known else None,
            "observed": observed[i],
            "p_value": per_group.get(g),
        }
        for i, g in enumerate(GROUPS)
    ]

    return {
        "version": REPORT_VERSION,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "batch": {
            "code": batch.code,
            "name": batch.name,
            "project": batch.project.name,
            "units": units,
        },
        "draw": {
            "protocol_digest": draw.protocol_digest,
            "seed": draw.seed,
            "drawn_at": draw.created_at.isoformat(timespec="seconds"),
            "roster_root": roster.root,
            "roster_size": roster.size,
        },
        "policy": {
            "order": round_names,
            "key_mode": config.key_mode,
            "first_home_percent": rules.get("first_home_percent"),
            "key_industry_percent": rules.get("key_industry_percent"),
        },
        "pools": pool_rows,
        "waitlist_purchases": waitlist_bought,
        "shares": shares,
        "groups": group_rows,
        "tests": {
            **{k: v for k, v in tests.items() if k != "pool_shares"},
            "pool_shares": {k: v for k, v in tests["pool_shares"].items() if k != "per_group"},
        },
        "choice": {
            "turns": sum(turn_counts.values()),
            **{status.value: turn_counts.get(status.value, 0) for status in TurnStatus},
            "units_sold": sold,
            "units_unsold": units - sold,
        },
    }


def shortfalls(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every shortfall of a closed sale against its policy, with its cause, read from the
    stored report (so an old report shows them too): a reserved pool whose households won less
    than the policy's minimum share of units (too few eligible households for the reserved
    seats, which the general round then drew; or, with enough eligible, something to look
    into), a pool whose winners bought less than the minimum, and units left unsold (the
    waitlist ran out, or the sale closed before every place was called).

    Each item: `kind` ("share", "purchases", "unsold"), `cause` and the figures that say it."""
    units = int(data["batch"]["units"])
    eligible = {row["pool"]: int(row["eligible"]) for row in data.get("pools", [])}
    found: list[dict[str, Any]] = []
    for share in data.get("shares", []):
        minimum = float(share.get("minimum") or 0)
        if minimum <= 0:
            continue
        reserved = math.ceil(minimum * units / 100 - 1e-9)
        pool = share["pool"]
        figures = {
            "pool": pool,
            "minimum": minimum,
            "reserved": reserved,
            "eligible": eligible.get(pool, 0),
            "achieved": float(share.get("achieved") or 0),
            "purchased": float(share.get("purchased") or 0),
        }
        if figures["achieved"] < minimum:
            too_few = figures["eligible"] < reserved
            found.append(
                {
                    **figures,
                    "kind": "share",
                    "cause": "too_few_eligible" if too_few else "unexplained",
                    "carried": max(0, reserved - figures["eligible"]),
                }
            )
        elif figures["purchased"] < minimum:
            found.append({**figures, "kind": "purchases", "cause": "winners_did_not_buy"})
    choice = data.get("choice", {})
    unsold = int(choice.get("units_unsold") or 0)
    if unsold > 0:
        not_called = int(choice.get("not_called") or 0)
        found.append(
            {
                "kind": "unsold",
                "cause": "closed_early" if not_called else "waitlist_ran_out",
                "unsold": unsold,
                "units": units,
                "not_called": not_called,
                "declined": int(choice.get("declined") or 0),
                "no_show": int(choice.get("no_show") or 0),
                "forfeited": int(choice.get("forfeited") or 0),
            }
        )
    return found
