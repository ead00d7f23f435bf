"""The closing report of a sale batch (结案报告): what happened per pool, the shares achieved
against the policy's minimums and the simulator's expectation, and this draw's statistical
checks with their p-values. Computed once when the batch closes (`services.batch_close`) and
stored as plain JSON; the page, the charts and the PDF render that stored data.

The checks, and what a small p-value would mean:

- **Pool shares**: the winners of each applicant group (first-home only, key-industry only,
  both, neither) against the simulator's expectation for this roster and these rules. The
  statistic is Σ (observed − expected)² / expected; its p-value is the share of simulated
  draws (same seat rules, same group sizes) at least as far from the expectation. Seat quotas
  make the counts far less variable than a multinomial, so a chi-square table would be wrong;
  simulation is exact in law.
- **Registration time, per round**: within one round every participant has the same chance, so
  the registration order of that round's winners and non-winners should not differ
  (Mann–Whitney U, two-sided). The US DV-2012 failure (90 % of winners from the first two days)
  gives p ≈ 0.
- **Registration time, in bins**: winners per equal-size block of registration order against
  each entry's own winning probability from the simulator (chi-square goodness of fit), which
  stays valid when groups register at different times.

A p-value below 0.01 does not prove a fault; it is a reason to look. With several checks, one
small value in a hundred reports is expected by chance.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.db.models import Count, Q
from django.utils import timezone
from scipy import stats  # type: ignore[import-untyped]  # no stubs in the lock

from gaoxin import fairdraw
from gaoxin.fairdraw.simulate import GROUPS, exact, exact_is_practical, trial

from .choices import ApplicationStatus, Pool, TurnSource, TurnStatus
from .models import ChoiceTurn, DrawResult, SaleBatch

REPORT_VERSION = 1
TRIALS = 2000
POOLS = (Pool.FIRST_HOME.value, Pool.KEY_INDUSTRY.value, Pool.GENERAL.value)


def _pools(value: str) -> frozenset[str]:
    return frozenset(p for p in value.split(";") if p)


def group_of(pools: frozenset[str]) -> str:
    first, key = Pool.FIRST_HOME in pools, Pool.KEY_INDUSTRY in pools
    if first and key:
        return "both"
    if first:
        return "first_home_only"
    if key:
        return "key_industry_only"
    return "neither"


def _round6(value: float) -> float:
    return float(f"{value:.6g}")


def _percent(part: float, whole: int) -> float:
    return _round6(100.0 * part / whole) if whole else 0.0


def _seed(digest: str) -> int:
    return int(hashlib.sha256(f"gaoxin-report|{digest}".encode()).hexdigest()[:16], 16)


def _simulated(
    config: fairdraw.DrawConfig, sizes: list[int], digest: str
) -> tuple[list[float], np.ndarray[Any, Any]]:
    """Expected winners per group (exact when small, else the mean of an independent set of
    simulated draws) and TRIALS simulated draws for the p-values. NumPy's multivariate
    hypergeometric sampler does the drawing; fairdraw's `trial` applies the seat rules."""
    rng = np.random.default_rng(_seed(digest))

    def sample(counts: Sequence[int], s: int) -> Sequence[int]:
        if s == 0 or not counts:
            return [0] * len(counts)
        return [int(x) for x in rng.multivariate_hypergeometric(list(counts), s)]

    if exact_is_practical(config, sizes):
        expected = exact(config, sizes)
    else:
        means = np.array([trial(config, sizes, sample) for _ in range(TRIALS)]).mean(axis=0)
        expected = [float(m) for m in means]
    sims = np.array([trial(config, sizes, sample) for _ in range(TRIALS)], dtype=float)
    return expected, sims


def _pool_share_test(
    observed: list[int], expected: list[float], sims: np.ndarray[Any, Any]
) -> dict[str, Any]:
    exp = np.array(expected)
    obs = np.array(observed, dtype=float)
    used = exp > 0
    statistic = float((((obs - exp) ** 2)[used] / exp[used]).sum())
    simulated = (((sims - exp) ** 2)[:, used] / exp[used]).sum(axis=1)
    p_value = (1 + int((simulated >= statistic - 1e-9).sum())) / (1 + len(simulated))
    per_group = []
    for g, name in enumerate(GROUPS):
        far = np.abs(sims[:, g] - exp[g]) >= abs(obs[g] - exp[g]) - 1e-9
        per_group.append((name, (1 + int(far.sum())) / (1 + len(sims))))
    return {
        "statistic": _round6(statistic),
        "p_value": _round6(p_value),
        "trials": len(simulated),
        "per_group": dict(per_group),
    }


def _round_tests(
    round_names: list[str],
    round_pools: dict[str, str],
    entries: list[tuple[int, frozenset[str], str, bool]],
) -> list[dict[str, Any]]:
    """Mann–Whitney U per round on registration positions of winners vs non-winners."""
    order = {name: i for i, name in enumerate(round_names)}
    tests = []
    for name in round_names:
        pool = round_pools[name]
        won: list[int] = []
        lost: list[int] = []
        for position, pools, won_round, is_winner in entries:
            if pool not in pools:
                continue
            if is_winner and order.get(won_round, len(order)) < order[name]:
                continue  # already won in an earlier round: not a participant here
            (won if is_winner and won_round == name else lost).append(position)
        row: dict[str, Any] = {
            "round": name,
            "participants": len(won) + len(lost),
            "winners": len(won),
            "statistic": None,
            "p_value": None,
        }
        if won and lost:
            result = stats.mannwhitneyu(won, lost, alternative="two-sided")
            row["statistic"] = _round6(float(result.statistic))
            row["p_value"] = _round6(float(result.pvalue))
        tests.append(row)
    return tests


def _bin_test(
    entries: list[tuple[int, frozenset[str], str, bool]], probability: dict[str, float]
) -> dict[str, Any]:
    """Winners per block of registration order against each entry's winning probability."""
    winners = sum(1 for e in entries if e[3])
    count = min(10, winners // 5)
    if count < 2 or not entries:
        return {"bins": [], "statistic": None, "p_value": None, "dof": 0}
    ordered = sorted(entries)
    edges = [round(i * len(ordered) / count) for i in range(count + 1)]
    bins = []
    for lo, hi in itertools.pairwise(edges):
        block = ordered[lo:hi]
        bins.append(
            {
                "from": lo + 1,
                "to": hi,
                "entries": len(block),
                "observed": sum(1 for e in block if e[3]),
                "expected": sum(probability[group_of(e[1])] for e in block),
            }
        )
    total_expected = sum(b["expected"] for b in bins)
    scale = winners / total_expected if total_expected else 0.0
    for b in bins:
        b["expected"] = _round6(b["expected"] * scale)
    result = stats.chisquare([b["observed"] for b in bins], [b["expected"] for b in bins])
    return {
        "bins": bins,
        "statistic": _round6(float(result.statistic)),
        "p_value": _round6(float(result.pvalue)),
        "dof": count - 1,
    }


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
    entries: list[tuple[int, frozenset[str], str, bool]] = []
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

    sizes_counter = Counter(group_of(e[1]) for e in entries)
    sizes = [sizes_counter.get(g, 0) for g in GROUPS]
    observed_counter = Counter(group_of(e[1]) for e in entries if e[3])
    observed = [observed_counter.get(g, 0) for g in GROUPS]
    expected, sims = _simulated(config, sizes, draw.protocol_digest)
    probability = {g: (expected[i] / sizes[i] if sizes[i] else 0.0) for i, g in enumerate(GROUPS)}
    share_test = _pool_share_test(observed, expected, sims)

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
                "minimum": _round6(float(rules.get(f"{pool}_percent", 0) or 0)),
                "reserved_round": _percent(
                    sum(winners_by_round.get(n, 0) for n in round_names if round_pools[n] == pool),
                    units,
                ),
                "expected": _percent(sum(expected[i] for i in idx), units),
                "achieved": _percent(sum(observed[i] for i in idx), units),
                "purchased": _percent(sum(bought_groups.get(g, 0) for g in members_of), units),
            }
        )

    group_rows = [
        {
            "group": g,
            "size": sizes[i],
            "expected": _round6(expected[i]),
            "observed": observed[i],
            "p_value": _round6(share_test["per_group"][g]),
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
            "first_home_percent": rules.get("first_home_percent"),
            "key_industry_percent": rules.get("key_industry_percent"),
        },
        "pools": pool_rows,
        "waitlist_purchases": waitlist_bought,
        "shares": shares,
        "groups": group_rows,
        "tests": {
            "pool_shares": {k: v for k, v in share_test.items() if k != "per_group"},
            "registration_rounds": _round_tests(round_names, round_pools, entries),
            "registration_bins": _bin_test(entries, probability),
        },
        "choice": {
            "turns": sum(turn_counts.values()),
            **{status.value: turn_counts.get(status.value, 0) for status in TurnStatus},
            "units_sold": sold,
            "units_unsold": units - sold,
        },
    }
