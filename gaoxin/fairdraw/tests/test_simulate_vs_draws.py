"""The simulator against the engine: `fairdraw simulate` (exact and Monte Carlo) must predict
the mean winners per group of real draws — the engine's own allocation with fresh seeds — on
random configurations: reserve rounds before and after the general round, overlapping pools,
pools shorter than their reserve, both key modes. A prediction more than 4 standard errors
from the mean of the real draws fails.

Every random choice is seeded (hypothesis derandomised, the draws' seeds from the example),
so a run either always passes or always fails."""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, Phase, assume, example, given, note, settings
from hypothesis import strategies as st

from gaoxin.fairdraw import DrawConfig, RoundSpec
from gaoxin.fairdraw.allocation import allocate
from gaoxin.fairdraw.config import KeyMode, reorder
from gaoxin.fairdraw.errors import ConfigError
from gaoxin.fairdraw.simulate import GROUP_POOLS, GROUPS, exact, exact_is_practical, simulate

REAL_DRAWS = 300
MC_TRIALS = 3000


def real_draws(
    config: DrawConfig, sizes: Sequence[int], draws: int, seed: int
) -> tuple[list[float], list[float]]:
    """Mean winners per group over `draws` runs of the engine, and their standard errors."""
    kinds = [g for g, n in enumerate(sizes) for _ in range(n)]
    random.Random(seed).shuffle(kinds)  # groups interleaved in registration order
    regnos = [f"R{i:05d}".encode("ascii") for i in range(len(kinds))]
    poolsets = [GROUP_POOLS[GROUPS[g]] for g in kinds]
    sums = [0.0] * len(GROUPS)
    squares = [0.0] * len(GROUPS)
    for d in range(draws):
        drawn_seed = hashlib.sha256(f"{seed}/{d}".encode()).digest()
        outcome = allocate(regnos, poolsets, config, drawn_seed)
        wins = [0] * len(GROUPS)
        for i, won in enumerate(outcome.won):
            if won:
                wins[kinds[i]] += 1
        for g, w in enumerate(wins):
            sums[g] += w
            squares[g] += w * w
    means = [s / draws for s in sums]
    errors = [
        math.sqrt(max(0.0, sq / draws - m * m) / (draws - 1))
        for sq, m in zip(squares, means, strict=True)
    ]
    return means, errors


def assert_agree(
    predicted: Sequence[float],
    predicted_se: Sequence[float],
    spread: Sequence[float],
    means: Sequence[float],
    errors: Sequence[float],
    what: str,
) -> None:
    """`spread` is the simulated standard deviation of one draw's winners per group: a rare
    outcome that the real draws happened not to show leaves their own estimate at zero, so
    the standard error of their mean is the larger of the two estimates."""
    for g, name in enumerate(GROUPS):
        real_se = max(errors[g], spread[g] / math.sqrt(REAL_DRAWS))
        se = math.hypot(predicted_se[g], real_se)
        assert abs(predicted[g] - means[g]) <= 4 * se + 1e-9, (
            f"{what}: {name} predicted {predicted[g]:.4f} ± {predicted_se[g]:.4f}, "
            f"real draws {means[g]:.4f} ± {real_se:.4f}"
        )


@st.composite
def configurations(draw: st.DrawFn) -> tuple[DrawConfig, list[int]]:
    units = draw(st.integers(min_value=1, max_value=24))
    quotas = []
    for _ in range(2):
        if draw(st.booleans()):
            quotas.append(f"{draw(st.integers(min_value=0, max_value=60))}%")
        else:
            quotas.append(str(draw(st.integers(min_value=0, max_value=units))))
    rounds = (
        RoundSpec("first_home", "first_home", quotas[0]),
        RoundSpec("key_industry", "key_industry", quotas[1]),
        RoundSpec("general", "general", "remainder"),
    )
    order = draw(st.permutations([r.name for r in rounds]))
    key_mode: KeyMode = draw(st.sampled_from(["per_round", "shared"]))
    try:
        config = reorder(DrawConfig(units=units, rounds=rounds, key_mode=key_mode), order)
    except ConfigError:
        assume(False)
        raise
    sizes = [draw(st.integers(min_value=0, max_value=25)) for _ in GROUPS]
    assume(sum(sizes) > 0)
    return config, sizes


def the_issue_example(key_mode: KeyMode) -> tuple[DrawConfig, list[int]]:
    """Issue #19: 20 units, 30 %/30 %, groups 10/2/1/20, general → first_home → key_industry.
    The old exact method gave key-industry-only applicants p = 1.16 (2.32 winners of 2)."""
    rounds = (
        RoundSpec("general", "general", "remainder"),
        RoundSpec("first_home", "first_home", "30%"),
        RoundSpec("key_industry", "key_industry", "30%"),
    )
    return DrawConfig(units=20, rounds=rounds, key_mode=key_mode), [10, 2, 1, 20]


def _seed(config: DrawConfig, sizes: Sequence[int]) -> int:
    text = f"{config.to_dict()}|{list(sizes)}"
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


@pytest.mark.slow
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # each example runs hundreds of draws: no shrinking
    suppress_health_check=[HealthCheck.too_slow],
)
@given(configurations())
@example(the_issue_example("per_round"))
@example(the_issue_example("shared"))
def test_simulator_predicts_the_mean_of_real_draws(case: tuple[DrawConfig, list[int]]) -> None:
    config, sizes = case
    note(f"config {config.to_dict()}, group sizes {sizes}")
    seed = _seed(config, sizes)
    means, errors = real_draws(config, sizes, REAL_DRAWS, seed)
    order = [r.name for r in config.rounds]
    named = dict(zip(GROUPS, sizes, strict=True))
    (mc,) = simulate(
        config, named, orders=[order], trials=MC_TRIALS, seed=seed, force_monte_carlo=True
    )
    assert mc.standard_error is not None
    mc_se = [mc.standard_error[g] * named[g] for g in GROUPS]
    spread = [se * math.sqrt(MC_TRIALS) for se in mc_se]
    mc_means = [mc.expected_winners[g] for g in GROUPS]
    assert_agree(mc_means, mc_se, spread, means, errors, "monte carlo")
    if exact_is_practical(config, sizes):
        predicted = exact(config, sizes)
        assert_agree(predicted, [0.0] * len(GROUPS), spread, means, errors, "exact")
        assert_agree(predicted, [0.0] * len(GROUPS), [0.0] * len(GROUPS), mc_means, mc_se, "mc")


def test_the_issue_example_is_exact_where_it_says_exact() -> None:
    config, sizes = the_issue_example("per_round")
    expected = exact(config, sizes)
    assert expected[GROUPS.index("key_industry_only")] == pytest.approx(2.0)  # both always win
    assert expected[GROUPS.index("both")] == pytest.approx(1.0)
    assert sum(expected) == pytest.approx(20.0)


def test_shared_keys_have_no_exact_method() -> None:
    config, sizes = the_issue_example("shared")
    assert not exact_is_practical(config, sizes)
    with pytest.raises(ValueError, match="per-round keys"):
        exact(config, sizes)
    order = [r.name for r in config.rounds]
    (result,) = simulate(config, dict(zip(GROUPS, sizes, strict=True)), orders=[order], trials=500)
    assert result.method.startswith("monte carlo")
