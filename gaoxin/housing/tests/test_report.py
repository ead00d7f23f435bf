"""The closing report's statistical checks catch rigged draws and pass fair ones; the stored
report matches its digest; the charts are CSP-safe SVG."""

from __future__ import annotations

import hashlib
import random

import pytest

from gaoxin import fairdraw
from gaoxin.common import audit
from gaoxin.fairdraw.simulate import GROUPS, exact
from gaoxin.housing import charts, report
from gaoxin.housing.report import _bin_test, _pool_share_test, _round_tests, _simulated

GENERAL = frozenset({"general"})
FIRST = frozenset({"first_home", "general"})


def entries_with(winners: set[int], count: int = 400, pools=GENERAL):
    return [
        (n, pools, "general" if n in winners else "", n in winners) for n in range(1, count + 1)
    ]


def test_registration_time_checks_catch_early_registrants_winning():
    """The DV-2012 failure: winners concentrated among the earliest registrations."""
    rigged = entries_with(set(range(1, 81)))  # the first 80 of 400 all win
    rounds = _round_tests(["general"], {"general": "general"}, rigged)
    assert rounds[0]["participants"] == 400 and rounds[0]["winners"] == 80
    assert rounds[0]["p_value"] < 1e-6
    bins = _bin_test(rigged, {"neither": 0.2, "first_home_only": 0.2})
    assert bins["p_value"] < 1e-6 and len(bins["bins"]) == 10


def test_registration_time_checks_pass_a_fair_draw():
    fair = entries_with(set(random.Random(7).sample(range(1, 401), 80)))
    rounds = _round_tests(["general"], {"general": "general"}, fair)
    assert rounds[0]["p_value"] > 0.05
    bins = _bin_test(fair, {"neither": 0.2})
    assert bins["p_value"] > 0.05
    assert sum(b["observed"] for b in bins["bins"]) == 80
    assert abs(sum(b["expected"] for b in bins["bins"]) - 80) < 1e-6


def test_round_participants_exclude_earlier_winners():
    entries = [
        (1, FIRST, "first_home", True),
        (2, FIRST, "general", True),
        (3, FIRST, "", False),
        (4, GENERAL, "general", True),
        (5, GENERAL, "", False),
    ]
    rounds = _round_tests(
        ["first_home", "general"], {"first_home": "first_home", "general": "general"}, entries
    )
    assert [(r["participants"], r["winners"]) for r in rounds] == [(3, 1), (4, 2)]


def test_pool_share_check_flags_a_draw_that_ignored_the_reserve():
    config = fairdraw.default_config(20)
    sizes = [30, 10, 5, 55]  # first-home only, key-industry only, both, neither
    expected, sims = _simulated(config, sizes, "d" * 64)
    assert expected == pytest.approx(exact(config, sizes), abs=0.1)  # simulated mean
    fair = [round(e) for e in expected]
    fair[GROUPS.index("neither")] += 20 - sum(fair)
    assert _pool_share_test(fair, expected, sims)["p_value"] > 0.05
    rigged = [0, 0, 0, 20]  # every unit to households in no reserved pool
    result = _pool_share_test(rigged, expected, sims)
    assert result["p_value"] < 0.001
    assert result["per_group"]["first_home_only"] < 0.001


def test_simulation_is_reproducible_from_the_protocol_digest():
    config = fairdraw.default_config(50)
    sizes = [3000, 1000, 500, 5500]  # too large for the exact method: simulated
    first = _simulated(config, sizes, "a" * 64)
    again = _simulated(config, sizes, "a" * 64)
    assert first[0] == again[0] and (first[1] == again[1]).all()
    assert sum(first[0]) == pytest.approx(50)


@pytest.mark.django_db
def test_the_stored_report_matches_its_digest_and_the_charts_are_csp_safe(make_user):
    from gaoxin.housing import services

    from .test_unit_choice import drawn, frozen_batch, take

    batch = drawn(frozen_batch(make_user, households=40), make_user)
    admin = make_user("zone_admin")
    services.unit_choice_start(actor=admin, batch=batch)
    for _ in range(3):
        take(batch, admin, "declined")
    closing = services.batch_close(actor=admin, batch=batch)
    canonical = audit.canonical_json(closing.data).encode("utf-8")
    assert closing.digest == hashlib.sha256(canonical).hexdigest()
    fresh = report.build_report(batch)
    assert {k: v for k, v in fresh.items() if k != "generated_at"} == {
        k: v for k, v in closing.data.items() if k != "generated_at"
    }
    assert closing.data["choice"]["declined"] == 3
    assert closing.data["choice"]["units_sold"] == 0
    svgs = charts.svg_charts(closing.data)
    assert set(svgs) == {"shares", "registration"}
    for svg in svgs.values():
        assert svg.startswith("<svg ") and 'style="' not in svg and "<script" not in svg
        assert 'font-family="Gaoxin Sans SC"' in svg
