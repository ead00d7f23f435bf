"""The statistical checks of a closing report (结案报告): is this draw what a fair draw under
these rules and this roster looks like?

Every check is calibrated by simulation or by conditioning, never by a textbook table, and
holds under both key modes (one key per round, or one key per entry shared by every round):

- **Pool shares.** Winners of each applicant group (first-home only, key-industry only, both,
  neither) against the expectation for this roster and these rules. The statistic is
  Σ (observed − expected)² / expected; its p-value is the share of simulated draws (same seat
  rules, same group sizes, same key mode) at least as far from the expectation. The draw model
  (`simulate_wins`) is exact in law: with per-round keys every round is a uniform draw from
  its participants; with shared keys every round takes the participants with the smallest
  keys, simulated as each group's keys in ascending order (order statistics of exponentials).
- **Registration time, per round.** Within one applicant group every entry is treated alike
  by the draw (the entries of a group are exchangeable), whatever the key mode. So, given
  how many of a group's participants won the round, which of them won is a uniformly random
  subset. The statistic is the sum of the winners' ranks in registration order; its p-value
  (two-sided) comes from that conditional distribution, simulated group by group (a
  stratified rank-sum test: an unstratified Mann–Whitney test is wrong with shared keys,
  where the losers of a reserve round carry their poor keys into the later rounds).
- **Registration time, in blocks.** Winners per equal block of registration order against
  their expectation given each group's winners (Σ (O − E)² / E, p-value from the same
  conditional distribution: multivariate hypergeometric per group).

Each p-value is the share of simulated statistics at least as extreme as the observed one,
with the observed draw counted among them ((1 + k) / (1 + trials)), so a fair draw gives
p ≤ α with probability at most α. The family of checks is read together through Holm's
adjustment: a fair draw has any adjusted p-value ≤ α in at most a share α of reports.

Random numbers come from a generator seeded by the protocol digest: the stored report can
be recomputed exactly.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gaoxin import fairdraw
from gaoxin.fairdraw.simulate import GROUP_POOLS, GROUPS, exact, exact_is_practical

log = logging.getLogger(__name__)

TRIALS = 2000
CHUNK = 250  # simulated draws per vectorised step (bounds memory at large rosters)

# One entry of the roster as the checks see it: (registration position from 1, pools, name of
# the round that drew it or "", won).
Entry = tuple[int, frozenset[str], str, bool]
Array = np.ndarray[Any, Any]


def group_of(pools: frozenset[str]) -> str:
    first, key = "first_home" in pools, "key_industry" in pools
    if first and key:
        return "both"
    if first:
        return "first_home_only"
    if key:
        return "key_industry_only"
    return "neither"


def rng_for(digest: str, purpose: str) -> np.random.Generator:
    seed = int(hashlib.sha256(f"gaoxin-report|{purpose}|{digest}".encode()).hexdigest()[:16], 16)
    return np.random.default_rng(seed)


def round6(value: float) -> float:
    return float(f"{value:.6g}")


# -- the draw model ------------------------------------------------------------------------------


def _eligible(config: fairdraw.DrawConfig, r: int) -> list[int]:
    pool = config.rounds[r].pool
    return [g for g, name in enumerate(GROUPS) if pool in GROUP_POOLS[name]]


def _ascending_keys(left: Array, width: int, rng: np.random.Generator) -> Array:
    """Per row, the `width` smallest of `left[row]` i.i.d. keys in ascending order (Rényi:
    cumulative sums of Exp(1) / (n − j)); +inf past the row's `left`."""
    rows = left.shape[0]
    if width == 0:
        return np.empty((rows, 0))
    j = np.arange(width)
    spacing = rng.standard_exponential((rows, width))
    denominator = left[:, None] - j[None, :]
    spacing = np.where(denominator > 0, spacing / np.maximum(denominator, 1), np.inf)
    return np.cumsum(spacing, axis=1)


def _simulate_chunk(
    config: fairdraw.DrawConfig, sizes: Sequence[int], trials: int, rng: np.random.Generator
) -> Array:
    units = config.units
    size = np.array(sizes, dtype=np.int64)
    won = np.zeros((trials, len(GROUPS)), dtype=np.int64)
    allocated = np.zeros(trials, dtype=np.int64)
    width = [min(int(n), units) for n in sizes]  # no group wins more than `units`
    rows = np.arange(trials)
    shared = config.key_mode == "shared"
    keys = [_ascending_keys(np.full(trials, n), width[g], rng) for g, n in enumerate(sizes)]

    def take(elig: list[int], seats: Array) -> None:
        left = sum((size[g] - won[:, g] for g in elig), np.zeros(trials, dtype=np.int64))
        count = np.minimum(np.maximum(seats, 0), left)
        if not count.any():
            return
        if shared:  # a group's winners are a prefix of its keys: mask them
            columns = [np.arange(width[g])[None, :] for g in elig]
            cand = [
                np.where(c >= won[:, g : g + 1], keys[g], np.inf)
                for g, c in zip(elig, columns, strict=True)
            ]
        else:  # fresh keys for the participants of this round
            cand = [_ascending_keys(size[g] - won[:, g], width[g], rng) for g in elig]
        joined = np.concatenate(cand, axis=1)
        most = int(count.max())
        smallest = np.sort(np.partition(joined, most - 1, axis=1)[:, :most], axis=1)
        threshold = np.where(count > 0, smallest[rows, np.maximum(count - 1, 0)], -np.inf)
        for g, c in zip(elig, cand, strict=True):
            won[:, g] += (c <= threshold[:, None]).sum(axis=1)
        allocated[:] += count

    for r, spec in enumerate(config.rounds):
        if spec.is_remainder:
            later = sum(config.reserved_seats(j) for j in range(r + 1, len(config.rounds)))
            seats = units - allocated - later
        else:
            seats = np.minimum(config.reserved_seats(r), units - allocated)
        take(_eligible(config, r), seats)
    rem = config.remainder_index
    if rem is not None:  # back-fill from the remainder round's order (spec §8.3)
        take(_eligible(config, rem), units - allocated)
    return won


def simulate_wins(
    config: fairdraw.DrawConfig, sizes: Sequence[int], trials: int, rng: np.random.Generator
) -> Array:
    """Winners per group (trials × groups) in `trials` simulated fair draws under `config`'s
    seat rules and key mode."""
    out = np.empty((trials, len(GROUPS)), dtype=np.int64)
    for start in range(0, trials, CHUNK):
        stop = min(start + CHUNK, trials)
        out[start:stop] = _simulate_chunk(config, sizes, stop - start, rng)
    return out


def expectation(
    config: fairdraw.DrawConfig, sizes: Sequence[int], digest: str
) -> tuple[list[float], str]:
    """Expected winners per group: exact where fairdraw has an exact method that is practical
    (per-round keys, small rosters), else the mean of an independent set of simulated draws."""
    if exact_is_practical(config, sizes):
        return exact(config, sizes), "exact"
    sims = simulate_wins(config, sizes, 2 * TRIALS, rng_for(digest, "expectation"))
    return [float(m) for m in sims.mean(axis=0)], "simulated"


# -- the checks ----------------------------------------------------------------------------------


def _p_value(simulated: Array, observed: float) -> float:
    """Share of simulated statistics at least as extreme, the observed one counted in."""
    return (1 + int((simulated >= observed - 1e-9).sum())) / (1 + len(simulated))


def pool_share_check(
    observed: Sequence[int], expected: Sequence[float], sims: Array
) -> dict[str, Any]:
    exp = np.array(expected, dtype=float)
    obs = np.array(observed, dtype=float)
    used = exp > 0
    statistic = float((((obs - exp) ** 2)[used] / exp[used]).sum())
    simulated = (((sims - exp) ** 2)[:, used] / exp[used]).sum(axis=1)
    per_group = {
        name: round6(_p_value(np.abs(sims[:, g] - exp[g]), abs(obs[g] - exp[g])))
        for g, name in enumerate(GROUPS)
    }
    return {
        "statistic": round6(statistic),
        "p_value": round6(_p_value(simulated, statistic)),
        "trials": len(simulated),
        "per_group": per_group,
    }


def _subset_sums(values: Array, count: int, trials: int, rng: np.random.Generator) -> Array:
    """Sum of a uniformly random `count`-subset of `values`, `trials` times."""
    n = len(values)
    if count == 0:
        return np.zeros(trials)
    if count == n:
        return np.full(trials, float(values.sum()))
    if trials * n <= 2_000_000:  # small groups: one matrix of random keys, smallest `count`
        picked = np.argpartition(rng.random((trials, n)), count - 1, axis=1)[:, :count]
        return values[picked].sum(axis=1)
    return np.array([values[rng.choice(n, count, replace=False)].sum() for _ in range(trials)])


def round_checks(
    round_names: Sequence[str],
    round_pools: dict[str, str],
    entries: Sequence[Entry],
    rng: np.random.Generator,
    trials: int = TRIALS,
) -> list[dict[str, Any]]:
    """Per round: the winners' registration ranks against the draw's conditional law."""
    order = {name: i for i, name in enumerate(round_names)}
    out = []
    for name in round_names:
        pool = round_pools[name]
        positions: list[int] = []
        groups: list[str] = []
        winners: list[bool] = []
        for position, pools, won_round, is_winner in entries:
            if pool not in pools:
                continue
            if is_winner and order.get(won_round, len(order)) < order[name]:
                continue  # drawn in an earlier round: not a participant here
            positions.append(position)
            groups.append(group_of(pools))
            winners.append(is_winner and won_round == name)
        row: dict[str, Any] = {
            "round": name,
            "participants": len(positions),
            "winners": sum(winners),
            "statistic": None,
            "p_value": None,
        }
        out.append(row)
        if not any(winners) or all(winners):
            continue
        ranks = np.empty(len(positions))
        ranks[np.argsort(positions, kind="stable")] = np.arange(1, len(positions) + 1)
        observed = float(sum(r for r, w in zip(ranks, winners, strict=True) if w))
        mean = 0.0
        simulated = np.zeros(trials)
        for group in sorted(set(groups)):
            members = np.array([g == group for g in groups])
            count = sum(w for w, m in zip(winners, members, strict=True) if m)
            values = ranks[members]
            mean += count * float(values.mean())
            simulated += _subset_sums(values, count, trials, rng)
        spread = float(simulated.std())
        if spread == 0:  # every arrangement gives the same sum: nothing to test
            continue
        row["statistic"] = round6((observed - mean) / spread)
        row["p_value"] = round6(_p_value(np.abs(simulated - mean), abs(observed - mean)))
    return out


def bin_check(
    entries: Sequence[Entry], rng: np.random.Generator, trials: int = TRIALS
) -> dict[str, Any]:
    """Winners per block of registration order against their expectation given how many of
    each group won."""
    winners = sum(1 for e in entries if e[3])
    count = min(10, winners // 5)
    if count < 2 or not entries:
        return {"bins": [], "statistic": None, "p_value": None, "dof": 0}
    ordered = sorted(entries)
    edges = [round(i * len(ordered) / count) for i in range(count + 1)]
    block_of = np.empty(len(ordered), dtype=np.int64)
    for b, (lo, hi) in enumerate(itertools.pairwise(edges)):
        block_of[lo:hi] = b
    group_index = np.array([GROUPS.index(group_of(e[1])) for e in ordered])
    won = np.array([e[3] for e in ordered])
    expected = np.zeros(count)
    simulated = np.zeros((trials, count))
    for g in range(len(GROUPS)):
        in_group = group_index == g
        members = np.bincount(block_of[in_group], minlength=count)
        wins = int(won[in_group].sum())
        if wins == 0:
            continue
        expected += wins * members / members.sum()
        simulated += rng.multivariate_hypergeometric(members, wins, size=trials)
    observed = np.bincount(block_of[won], minlength=count)
    used = expected > 0

    def chi(values: Array) -> Array:
        return (((values - expected) ** 2)[..., used] / expected[used]).sum(axis=-1)

    statistic = float(chi(observed))
    bins = [
        {
            "from": lo + 1,
            "to": hi,
            "entries": hi - lo,
            "observed": int(observed[b]),
            "expected": round6(float(expected[b])),
        }
        for b, (lo, hi) in enumerate(itertools.pairwise(edges))
    ]
    return {
        "bins": bins,
        "statistic": round6(statistic),
        "p_value": round6(_p_value(chi(simulated), statistic)),
        "dof": count - 1,
        "trials": trials,
    }


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment (family-wise error rate), in the input order."""
    m = len(p_values)
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(sorted(range(m), key=lambda i: p_values[i])):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def guarded(name: str, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A check that cannot be computed is reported as such; it never stops the close."""
    try:
        return {"status": "computed", **compute()}
    except Exception as error:  # any failure of a check is shown, not raised
        log.exception("closing report: the %s check could not be computed", name)
        return {"status": "not_computed", "reason": f"{type(error).__name__}: {error}"}


def family(tests: dict[str, Any], alpha: float = 0.05) -> dict[str, Any]:
    """Holm-adjusted p-values over every p-value the report shows (written into each check as
    `p_adjusted`) and what they say together."""
    found: list[tuple[dict[str, Any], str]] = []
    for key in ("pool_shares", "registration_bins"):
        check = tests.get(key, {})
        if check.get("p_value") is not None:
            found.append((check, key))
    rounds = tests.get("registration_rounds", {})
    for row in rounds.get("rounds", []):
        if row.get("p_value") is not None:
            found.append((row, f"round:{row['round']}"))
    adjusted = holm([check["p_value"] for check, _name in found])
    for (check, _name), value in zip(found, adjusted, strict=True):
        check["p_adjusted"] = round6(value)
    smallest = min(adjusted, default=None)
    return {
        "method": "holm",
        "checks": len(found),
        "alpha": alpha,
        "smallest_adjusted": None if smallest is None else round6(smallest),
        "flagged": [name for (_check, name), v in zip(found, adjusted, strict=True) if v <= alpha],
    }
