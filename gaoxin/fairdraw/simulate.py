"""Policy simulator: expected winners per applicant group under every precedence order.

Groups (everyone is in ``general``): ``first_home_only``, ``key_industry_only``, ``both``
and ``neither``. Uses exactly the seat rules of :mod:`.allocation` (same ``DrawConfig``),
exactly (enumerating multivariate hypergeometric outcomes) when that is small enough,
otherwise by Monte Carlo with a stated standard error.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
    """Whether `exact` finishes in reasonable time for these group sizes (else simulate)."""
    return _exact_work(config, sizes) <= EXACT_WORK_LIMIT


def exact(config: DrawConfig, sizes: Sequence[int]) -> list[float]:
    """Expected winners per group, computed exactly (floating-point probabilities)."""
    states: dict[tuple[tuple[int, ...], int], float] = {(tuple(sizes), 0): 1.0}
    expected = [0.0] * len(GROUPS)
    last = len(config.rounds) - 1
    rem = config.remainder_index
    for r in range(len(config.rounds)):
        elig = _eligible(config, r)
        nxt: dict[tuple[tuple[int, ...], int], float] = {}
        for (counts, allocated), p in states.items():
            pool = [counts[g] for g in elig]
            s = min(config.seats(r, allocated), sum(pool))
            if r == last or s == 0:
                total = sum(pool)
                for g, c in zip(elig, pool, strict=True):
                    if total:
                        expected[g] += p * s * c / total
                if r == last:
                    nxt[(counts, allocated + s)] = nxt.get((counts, allocated + s), 0.0) + p
                    continue
                if s == 0:
                    nxt[(counts, allocated)] = nxt.get((counts, allocated), 0.0) + p
                    continue
            for draw, q in _compositions(pool, s):
                new = list(counts)
                for g, x in zip(elig, draw, strict=True):
                    new[g] -= x
                    expected[g] += p * q * x
                key = (tuple(new), allocated + s)
                nxt[key] = nxt.get(key, 0.0) + p * q
        states = nxt
    if rem is not None and rem != last:
        for (counts, allocated), p in states.items():
            left = config.units - allocated
            total = sum(counts)
            if left > 0 and total:
                take = min(left, total)
                for g, c in enumerate(counts):
                    expected[g] += p * take * c / total
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
    """Winners per group in one random draw under ``config``'s seat rules. ``sample`` draws
    without replacement (a multivariate hypergeometric sample); callers with NumPy pass its
    sampler, which is much faster for large rosters."""
    counts = list(sizes)
    wins = [0] * len(GROUPS)
    allocated = 0
    for r in range(len(config.rounds)):
        elig = _eligible(config, r)
        pool = [counts[g] for g in elig]
        s = min(config.seats(r, allocated), sum(pool))
        for g, x in zip(elig, sample(pool, s), strict=True):
            counts[g] -= x
            wins[g] += x
        allocated += s
    rem = config.remainder_index
    if rem is not None and allocated < config.units:
        for g, x in enumerate(sample(counts, min(sum(counts), config.units - allocated))):
            counts[g] -= x
            wins[g] += x
    return wins


def monte_carlo(
    config: DrawConfig, sizes: Sequence[int], trials: int, rng: random.Random
) -> tuple[list[float], list[float]]:
    """Expected winners per group and their standard errors by simulation."""
    sums = [0.0] * len(GROUPS)
    squares = [0.0] * len(GROUPS)
    sample = stdlib_sampler(rng)
    for _ in range(trials):
        wins = trial(config, sizes, sample)
        for g in range(len(GROUPS)):
            sums[g] += wins[g]
            squares[g] += wins[g] * wins[g]
    means = [s / trials for s in sums]
    errors = [
        math.sqrt(max(0.0, sq / trials - m * m) / max(1, trials - 1))
        for sq, m in zip(squares, means, strict=True)
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
                expected_winners=dict(zip(GROUPS, means, strict=True)),
                probability={
                    g: (m / v if v else 0.0) for g, m, v in zip(GROUPS, means, vec, strict=True)
                },
                standard_error=(
                    {g: (e / v if v else 0.0) for g, e, v in zip(GROUPS, errors, vec, strict=True)}
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
