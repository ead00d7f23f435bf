"""Policy simulator: expected winners per applicant group under every precedence order.

Groups (everyone is in ``general``): ``first_home_only``, ``key_industry_only``, ``both``
and ``neither``. Uses exactly the seat rules of :mod:`.allocation` (same ``DrawConfig``),
including the back-fill of seats that reserve rounds after the remainder round leave unfilled
(spec §8.3) and the key mode: with per-round keys exactly (enumerating multivariate
hypergeometric outcomes) when that is small enough, otherwise, and always with shared keys,
by Monte Carlo with a stated standard error. `tests/test_simulate_vs_draws.py` holds both
methods to the mean of real draws of the engine.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ._compat import zip_strict
from .config import DrawConfig, default_config, reorder

GROUPS = ("first_home_only", "key_industry_only", "both", "neither")
GROUP_LABELS_ZH = {
    "first_home_only": "仅刚需",
    "key_industry_only": "仅重点产业",
    "both": "刚需且重点产业",
    "neither": "普通",
}
GROUP_POOLS = {
    "first_home_only": frozenset({"first_home", "general"}),
    "key_industry_only": frozenset({"key_industry", "general"}),
    "both": frozenset({"first_home", "key_industry", "general"}),
    "neither": frozenset({"general"}),
}
EXACT_WORK_LIMIT = 3_000_000


@dataclass(frozen=True)
class OrderResult:
    """Outcome for one precedence order."""

    order: tuple[str, ...]
    expected_winners: dict[str, float]
    probability: dict[str, float]
    standard_error: dict[str, float] | None  # None when exact
    method: str  # "exact" or "monte carlo (N trials)"


def _eligible(config: DrawConfig, r: int) -> list[int]:
    pool = config.rounds[r].pool
    return [g for g, name in enumerate(GROUPS) if pool in GROUP_POOLS[name]]


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _compositions(counts: Sequence[int], s: int) -> list[tuple[tuple[int, ...], float]]:
    """Multivariate hypergeometric outcomes of drawing ``s`` from groups of ``counts``."""
    total = sum(counts)
    base = _log_comb(total, s)
    out: list[tuple[tuple[int, ...], float]] = []

    def rec(i: int, left: int, rest: int, acc: tuple[int, ...], logp: float) -> None:
        if i == len(counts) - 1:
            if left <= counts[i]:
                lp = logp + _log_comb(counts[i], left)
                out.append(((*acc, left), math.exp(lp - base)))
            return
        rest_after = rest - counts[i]
        for x in range(max(0, left - rest_after), min(counts[i], left) + 1):
            rec(i + 1, left - x, rest_after, (*acc, x), logp + _log_comb(counts[i], x))

    rec(0, s, total, (), 0.0)
    return out


def _exact_work(config: DrawConfig, sizes: Sequence[int]) -> float:
    work = 1.0
    for r in range(len(config.rounds)):
        elig = _eligible(config, r)
        s = min(config.units, sum(sizes[g] for g in elig))
        work *= (s + 1) ** max(1, len(elig) - 1)
    return work


def exact_is_practical(config: DrawConfig, sizes: Sequence[int]) -> bool:
    """Whether `exact` applies and finishes in reasonable time for these group sizes (else
    simulate). Only per-round keys have an exact method: with one shared key per entry, who
    is left for a later round depends on the keys that lost the earlier ones."""
    if config.key_mode != "per_round":
        return False
    return _exact_work(config, sizes) <= EXACT_WORK_LIMIT


def exact(config: DrawConfig, sizes: Sequence[int]) -> list[float]:
    """Expected winners per group, computed exactly (floating-point probabilities).

    Every round draws its winners uniformly from the round's participants (independent keys
    per round): the number taken from each group is multivariate hypergeometric. Seats that
    reserve rounds after the remainder round leave unfilled go to the remainder round's next
    entries who have not won (spec §8.3); their order among themselves is uniform, so the
    back-fill is one more uniform draw from the remainder pool's non-winners."""
    if config.key_mode != "per_round":
        raise ValueError(
            f"the exact method needs per-round keys (key_mode {config.key_mode!r}): simulate"
        )
    states: dict[tuple[tuple[int, ...], int], float] = {(tuple(sizes), 0): 1.0}
    expected = [0.0] * len(GROUPS)
    last = len(config.rounds) - 1
    rem = config.remainder_index
    backfill = rem is not None and rem != last
    for r in range(len(config.rounds)):
        elig = _eligible(config, r)
        # The counts left after the last round matter only when a back-fill follows it.
        enumerate_outcomes = r < last or backfill
        nxt: dict[tuple[tuple[int, ...], int], float] = {}
        for (counts, allocated), p in states.items():
            pool = [counts[g] for g in elig]
            s = min(config.seats(r, allocated), sum(pool))
            if s == 0 or not enumerate_outcomes:
                total = sum(pool)
                for g, c in zip_strict(elig, pool):
                    if total:
                        expected[g] += p * s * c / total
                key = (counts, allocated + s)
                nxt[key] = nxt.get(key, 0.0) + p
                continue
            for draw, q in _compositions(pool, s):
                new = list(counts)
                for g, x in zip_strict(elig, draw):
                    new[g] -= x
                    expected[g] += p * q * x
                key = (tuple(new), allocated + s)
                nxt[key] = nxt.get(key, 0.0) + p * q
        states = nxt
    if backfill and rem is not None:
        elig = _eligible(config, rem)
        for (counts, allocated), p in states.items():
            left = config.units - allocated
            total = sum(counts[g] for g in elig)
            if left > 0 and total:
                take = min(left, total)
                for g in elig:
                    expected[g] += p * take * counts[g] / total
    return expected


Sampler = Callable[[Sequence[int], int], Sequence[int]]


def stdlib_sampler(rng: random.Random) -> Sampler:
    """Draw ``s`` without replacement from groups of ``counts``: how many from each group."""

    def sample(counts: Sequence[int], s: int) -> list[int]:
        taken = [0] * len(counts)
        bounds = list(itertools.accumulate(counts))
        for pick in rng.sample(range(bounds[-1] if bounds else 0), s):
            taken[next(idx for idx, b in enumerate(bounds) if pick < b)] += 1
        return taken

    return sample


def trial(config: DrawConfig, sizes: Sequence[int], sample: Sampler) -> list[int]:
    """Winners per group in one random draw with per-round keys under ``config``'s seat
    rules. ``sample`` draws without replacement (a multivariate hypergeometric sample);
    callers with NumPy pass its sampler, which is much faster for large rosters. For
    ``key_mode: shared`` use :func:`trial_shared`."""
    counts = list(sizes)
    wins = [0] * len(GROUPS)
    allocated = 0
    for r in range(len(config.rounds)):
        elig = _eligible(config, r)
        pool = [counts[g] for g in elig]
        s = min(config.seats(r, allocated), sum(pool))
        for g, x in zip_strict(elig, sample(pool, s)):
            counts[g] -= x
            wins[g] += x
        allocated += s
    rem = config.remainder_index
    if rem is not None and allocated < config.units:
        # Back-fill (spec §8.3): the remainder round's next participants who have not won.
        elig = _eligible(config, rem)
        pool = [counts[g] for g in elig]
        for g, x in zip_strict(elig, sample(pool, min(sum(pool), config.units - allocated))):
            counts[g] -= x
            wins[g] += x
    return wins


def trial_shared(
    config: DrawConfig, sizes: Sequence[int], exponential: Callable[[], float]
) -> list[int]:
    """Winners per group in one random draw with one shared key per entry (``key_mode:
    shared``): every round takes the participants with the smallest keys, so an entry that
    lost an earlier round carries its large key into the later ones.

    Only the order of keys matters, and the entries of one group are exchangeable, so each
    group's keys are generated lazily in ascending order as order statistics of i.i.d.
    exponentials (Rényi's representation: the j-th spacing is Exp(1) / (n − j)); ``exponential``
    returns one Exp(1) variate. A group's winners are always a prefix of its sorted keys."""
    n_groups = len(GROUPS)
    keys: list[list[float]] = [[] for _ in range(n_groups)]
    taken = [0] * n_groups  # winners so far: the first `taken[g]` keys of group g

    def key(g: int, i: int) -> float:
        ks = keys[g]
        while len(ks) <= i:
            j = len(ks)
            ks.append((ks[-1] if ks else 0.0) + exponential() / (sizes[g] - j))
        return ks[i]

    def take(elig: list[int], count: int) -> None:
        for _ in range(count):
            best = min((g for g in elig if taken[g] < sizes[g]), key=lambda g: key(g, taken[g]))
            taken[best] += 1

    allocated = 0
    for r in range(len(config.rounds)):
        elig = _eligible(config, r)
        s = min(config.seats(r, allocated), sum(sizes[g] - taken[g] for g in elig))
        take(elig, s)
        allocated += s
    rem = config.remainder_index
    if rem is not None and allocated < config.units:
        elig = _eligible(config, rem)
        take(elig, min(config.units - allocated, sum(sizes[g] - taken[g] for g in elig)))
    return taken


def monte_carlo(
    config: DrawConfig, sizes: Sequence[int], trials: int, rng: random.Random
) -> tuple[list[float], list[float]]:
    """Expected winners per group and their standard errors by simulation, under the
    configuration's key mode."""
    sums = [0.0] * len(GROUPS)
    squares = [0.0] * len(GROUPS)
    sample = stdlib_sampler(rng)
    shared = config.key_mode == "shared"
    for _ in range(trials):
        if shared:
            wins = trial_shared(config, sizes, lambda: rng.expovariate(1.0))
        else:
            wins = trial(config, sizes, sample)
        for g in range(len(GROUPS)):
            sums[g] += wins[g]
            squares[g] += wins[g] * wins[g]
    means = [s / trials for s in sums]
    errors = [
        math.sqrt(max(0.0, sq / trials - m * m) / max(1, trials - 1))
        for sq, m in zip_strict(squares, means)
    ]
    return means, errors


def simulate(
    config: DrawConfig,
    sizes: dict[str, int],
    *,
    orders: Sequence[Sequence[str]] | None = None,
    trials: int = 20_000,
    seed: int = 2026,
    force_monte_carlo: bool = False,
) -> list[OrderResult]:
    """Expected winners and winning probability of each group under each precedence order.

    ``orders`` defaults to every permutation of the configuration's rounds.
    """
    vec = [int(sizes.get(g, 0)) for g in GROUPS]
    names = [r.name for r in config.rounds]
    results: list[OrderResult] = []
    for order in orders or list(itertools.permutations(names)):
        cfg = reorder(config, order)
        if not force_monte_carlo and exact_is_practical(cfg, vec):
            means = exact(cfg, vec)
            errors: list[float] | None = None
            method = "exact"
        else:
            means, errs = monte_carlo(cfg, vec, trials, random.Random(seed))  # noqa: S311 (simulation)
            errors = errs
            method = f"monte carlo ({trials} trials)"
        results.append(
            OrderResult(
                order=tuple(order),
                expected_winners=dict(zip_strict(GROUPS, means)),
                probability={
                    g: (m / v if v else 0.0) for g, m, v in zip_strict(GROUPS, means, vec)
                },
                standard_error=(
                    {g: (e / v if v else 0.0) for g, e, v in zip_strict(GROUPS, errors, vec)}
                    if errors is not None
                    else None
                ),
                method=method,
            )
        )
    return results


def format_table(results: Sequence[OrderResult], sizes: dict[str, int]) -> str:
    """Markdown table: one row per precedence order."""
    head = " | ".join(f"{g} ({GROUP_LABELS_ZH[g]}, n={sizes.get(g, 0)})" for g in GROUPS)
    lines = [
        f"| precedence order 顺序 | {head} | method |",
        "|---|" + "---:|" * len(GROUPS) + "---|",
    ]
    for res in results:
        cells = []
        for g in GROUPS:
            cell = f"{res.expected_winners[g]:.2f} won, p={res.probability[g]:.4f}"
            if res.standard_error is not None:
                cell += f" ± {res.standard_error[g]:.4f}"
            cells.append(cell)
        lines.append(f"| {' → '.join(res.order)} | " + " | ".join(cells) + f" | {res.method} |")
    return "\n".join(lines)


def hefei_example() -> tuple[DrawConfig, dict[str, int]]:
    """A small Hefei-style example used by the CLI's defaults."""
    return default_config(100), {
        "first_home_only": 120,
        "key_industry_only": 60,
        "both": 30,
        "neither": 190,
    }
