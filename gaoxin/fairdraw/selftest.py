"""Statistical self-test: many draws over synthetic rosters, chi-square tests (spec §13)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from ._compat import zip_strict
from .allocation import allocate
from .chisquare import chi2_sf
from .config import DrawConfig, RoundSpec, default_config
from .simulate import GROUP_POOLS, GROUPS, exact


@dataclass(frozen=True)
class TestOutcome:
    """One chi-square test."""

    name: str
    statistic: float
    dof: int
    p_value: float
    alpha: float

    @property
    def passed(self) -> bool:
        return self.p_value >= self.alpha

    def text(self) -> str:
        verdict = "PASS 通过" if self.passed else "FAIL 未通过"
        return (
            f"{verdict}: {self.name}: chi-square {self.statistic:.2f}, df {self.dof}, "
            f"p = {self.p_value:.4f} (significance {self.alpha})"
        )


def _seed(label: str, i: int) -> bytes:
    return hashlib.sha256(f"fairdraw selftest {label} {i}".encode()).digest()


def rank_independence(
    *,
    draws: int,
    size: int = 40,
    bins: int = 4,
    alpha: float = 0.001,
    label: str = "0",
    progress: Callable[[], None] | None = None,
) -> TestOutcome:
    """Rank in a single general round is independent of registration position.

    ``bins`` x ``bins`` table of (registration position bin, rank bin) counts over all
    draws; under the null each cell expects ``draws * size / bins**2``; df ``(bins-1)**2``.
    """
    if size % bins:
        raise ValueError(f"size {size} must be a multiple of bins {bins}")
    config = DrawConfig(
        units=max(1, size // 4), rounds=(RoundSpec("general", "general", "remainder"),)
    )
    regnos = [f"S{i:06d}".encode() for i in range(size)]
    pools = [frozenset({"general"})] * size
    table = [[0] * bins for _ in range(bins)]
    width = size // bins
    for d in range(draws):
        alloc = allocate(regnos, pools, config, _seed(label + "rank", d))
        o = alloc.rounds[0]
        for j, i in enumerate(o.members):
            table[i // width][(o.ranks[j] - 1) // width] += 1
        if progress is not None:
            progress()
    expected = draws * size / bins**2
    stat = sum((c - expected) ** 2 / expected for row in table for c in row)
    dof = (bins - 1) ** 2
    return TestOutcome(
        "rank independent of registration position", stat, dof, chi2_sf(stat, dof), alpha
    )


def win_probability(
    *,
    draws: int,
    config: DrawConfig | None = None,
    sizes: dict[str, int] | None = None,
    alpha: float = 0.001,
    label: str = "0",
    progress: Callable[[], None] | None = None,
) -> TestOutcome:
    """Each entry's win frequency matches the simulator's exact probability for its group.

    Statistic ``sum_i (W_i - D p_i)^2 / (D p_i (1 - p_i))`` over entries with
    ``0 < p_i < 1``; df = number of such entries (wins within one draw are slightly
    negatively correlated, which makes the test conservative).
    """
    config = config or default_config(10)
    sizes = sizes or {"first_home_only": 8, "key_industry_only": 6, "both": 4, "neither": 12}
    vec = [sizes.get(g, 0) for g in GROUPS]
    expected = exact(config, vec)
    probs = [e / v if v else 0.0 for e, v in zip_strict(expected, vec)]
    group_of: list[int] = []
    for g, v in enumerate(vec):
        group_of.extend([g] * v)
    n = len(group_of)
    regnos = [f"S{i:06d}".encode() for i in range(n)]
    pools = [GROUP_POOLS[GROUPS[g]] for g in group_of]
    wins = [0] * n
    for d in range(draws):
        alloc = allocate(regnos, pools, config, _seed(label + "win", d))
        for i in range(n):
            wins[i] += alloc.won[i]
        if progress is not None:
            progress()
    stat = 0.0
    dof = 0
    for i in range(n):
        p = probs[group_of[i]]
        if 0.0 < p < 1.0:
            stat += (wins[i] - draws * p) ** 2 / (draws * p * (1 - p))
            dof += 1
    return TestOutcome(
        "per-entry win probability matches the simulator",
        stat,
        max(1, dof),
        chi2_sf(stat, max(1, dof)),
        alpha,
    )


def run_selftest(
    *,
    draws: int = 2000,
    alpha: float = 0.001,
    label: str = "0",
    progress: Callable[[], None] | None = None,
) -> list[TestOutcome]:
    """Both tests with ``draws`` draws each."""
    return [
        rank_independence(draws=draws, alpha=alpha, label=label, progress=progress),
        win_probability(draws=draws, alpha=alpha, label=label, progress=progress),
    ]
