"""Properties of the allocation: what an applicant or auditor would check."""

import random
from collections import Counter

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gaoxin.fairdraw import DrawConfig, RosterEntry, RoundSpec, run_draw
from gaoxin.fairdraw.config import reorder
from gaoxin.fairdraw.errors import ConfigError

from .conftest import POOLSETS, make_entropy

ENTROPY = make_entropy()


@st.composite
def draws(draw: st.DrawFn) -> tuple[list[RosterEntry], DrawConfig]:
    n = draw(st.integers(min_value=0, max_value=40))
    kinds = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    entries = [RosterEntry(f"R{i:04d}", POOLSETS[k], f"{i:064x}") for i, k in enumerate(kinds)]
    units = draw(st.integers(min_value=1, max_value=30))
    p1 = draw(st.integers(min_value=0, max_value=50))
    p2 = draw(st.integers(min_value=0, max_value=50 - p1 // 2))
    rounds = [
        RoundSpec("first_home", "first_home", f"{p1}%"),
        RoundSpec("key_industry", "key_industry", f"{p2}%"),
        RoundSpec("general", "general", "remainder"),
    ]
    try:
        config = DrawConfig(
            units=units,
            rounds=tuple(rounds),
            key_mode=draw(st.sampled_from(["per_round", "shared"])),
            waitlist_length=draw(st.integers(min_value=0, max_value=10)),
        )
    except ConfigError:
        assume(False)
        raise
    order = draw(st.permutations(["first_home", "key_industry", "general"]))
    return entries, reorder(config, order)


@settings(max_examples=60, deadline=None)
@given(draws(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_roster_order_and_are_deterministic(
    case: tuple[list[RosterEntry], DrawConfig], rnd: random.Random
) -> None:
    entries, config = case
    first = run_draw(entries, config, ENTROPY)
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    again = run_draw(shuffled, config, ENTROPY)
    assert again.protocol == first.protocol
    assert again.results_bytes() == first.results_bytes()


@settings(max_examples=80, deadline=None)
@given(draws())
def test_quotas_eligibility_no_double_wins_carry_over(
    case: tuple[list[RosterEntry], DrawConfig],
) -> None:
    entries, config = case
    result = run_draw(entries, config, ENTROPY)
    by_regno = {e.registration_number: e for e in entries}
    winners = result.winners_by_round
    everyone = [r for ws in winners.values() for r in ws]
    # nobody wins twice; never more winners than units
    assert len(everyone) == len(set(everyone))
    assert len(everyone) <= config.units
    # winners only from the round's pool
    for spec in config.rounds:
        assert all(spec.pool in by_regno[r].pools for r in winners[spec.name])
    # every unit is allocated while anyone eligible is left
    assert len(everyone) == min(config.units, len(entries))
    summary = result.protocol["summary"]["rounds"]
    allocated = 0
    won: set[str] = set()
    for idx, (spec, s) in enumerate(zip(config.rounds, summary, strict=True)):
        # carry-over: every eligible entry that has not yet won takes part
        eligible_left = [
            e for e in entries if spec.pool in e.pools and e.registration_number not in won
        ]
        assert s["participants"] == len(eligible_left)
        reserved = spec.rule.seats(config.units)
        if spec.is_remainder:
            later = sum(r.rule.seats(config.units) for r in config.rounds[idx + 1 :])
            assert s["seats"] == config.units - allocated - later
        else:
            # a reserve round fills min(quota, applicants) seats: at least p% when it can
            assert s["seats"] == min(reserved, config.units - allocated)
            assert len(winners[spec.name]) == min(s["seats"], len(eligible_left))
        won.update(winners[spec.name][: s["seats"]])
        allocated += min(s["seats"], len(eligible_left))
    # unfilled reserve seats pass to the remainder round: before it through its seat count
    # (checked above), after it by continuing down its order; so every unit is allocated while
    # anyone eligible is left (checked above) and the remainder round gets the rest
    rem = config.remainder_index
    assert rem is not None
    rem_name = config.rounds[rem].name
    others = sum(len(ws) for name, ws in winners.items() if name != rem_name)
    assert len(winners[rem_name]) == min(config.units, len(entries)) - others
    # waitlist: non-winners only, at most the configured length; choice order: all winners
    assert not set(result.waitlist) & set(everyone)
    assert len(result.waitlist) == min(config.waitlist_length, len(entries) - len(everyone))
    assert sorted(result.choice_order) == sorted(everyone)


def test_reserve_first_is_a_floor_unfilled_seats_go_to_general() -> None:
    # 10 units, 30% first-home reserve = 3 seats, but only 1 first-home applicant
    entries = [
        RosterEntry(f"R{i:02d}", POOLSETS[1 if i == 0 else 0], f"{i:064x}") for i in range(20)
    ]
    config = DrawConfig(
        units=10,
        rounds=(
            RoundSpec("first_home", "first_home", "30%"),
            RoundSpec("general", "general", "remainder"),
        ),
    )
    result = run_draw(entries, config, ENTROPY)
    assert result.winners_by_round["first_home"] == ["R00"]
    assert len(result.winners_by_round["general"]) == 9


def test_percent_quota_rounds_up_exactly() -> None:
    config = DrawConfig(
        units=101,
        rounds=(
            RoundSpec("first_home", "first_home", "30%"),
            RoundSpec("key_industry", "key_industry", "12.5%"),
            RoundSpec("general", "general", "remainder"),
        ),
    )
    assert config.reserved_seats(0) == 31  # ceil(30.3)
    assert config.reserved_seats(1) == 13  # ceil(12.625)
    assert DrawConfig(units=10, rounds=(RoundSpec("a", "a", "30%"),)).reserved_seats(0) == 3


def test_per_round_and_shared_keys_give_independent_or_common_orders() -> None:
    entries = [RosterEntry(f"R{i:03d}", POOLSETS[1], f"{i:064x}") for i in range(200)]
    rounds = (
        RoundSpec("first_home", "first_home", "10%"),
        RoundSpec("general", "general", "remainder"),
    )
    shared = run_draw(entries, DrawConfig(units=20, rounds=rounds, key_mode="shared"), ENTROPY)
    ranks: Counter[str] = Counter()
    # with one shared key the first-home winners are the first 2 in the common order and the
    # general winners the next 18
    order = sorted(shared.rows().values(), key=lambda r: r.key)
    assert [r.registration_number for r in order[:2]] == shared.winners_by_round["first_home"]
    assert [r.registration_number for r in order[2:20]] == shared.winners_by_round["general"]
    ranks.update(r.outcome for r in order)
    assert ranks["won"] == 20
