"""verify catches and names every kind of tampering."""

import copy
from typing import Any

import pytest

from gaoxin.fairdraw import (
    RosterEntry,
    VerificationReport,
    default_config,
    run_draw,
    verify_protocol,
)

from .conftest import make_entropy, make_roster

Published = tuple[list[RosterEntry], dict[str, Any], bytes]


@pytest.fixture(scope="module")
def published() -> Published:
    roster = make_roster(60)
    result = run_draw(
        roster, default_config(12), make_entropy(), publisher={"event_id": 7, "hash": "ab" * 32}
    )
    return roster, result.protocol, result.results_bytes()


def messages(report: VerificationReport) -> str:
    return "\n".join(str(p) for p in report.problems)


def test_untouched_draw_verifies(published: Published) -> None:
    roster, protocol, results = published
    report = verify_protocol(protocol, roster, results)
    assert report.ok, report.text()
    assert "VERIFIED" in report.text()


def test_changed_roster_entry_is_named(published: Published) -> None:
    roster, protocol, results = published
    changed = list(roster)
    victim = changed[9]
    new_pools = victim.pools ^ {"first_home"}
    changed[9] = RosterEntry(
        victim.registration_number, frozenset(new_pools), victim.identity_commitment
    )
    report = verify_protocol(protocol, changed, results)
    assert not report.ok
    text = messages(report)
    assert f"roster entry {victim.registration_number} differs" in text
    assert "roster differs from the published one" in text


def test_removed_roster_entry_is_named(published: Published) -> None:
    roster, protocol, results = published
    report = verify_protocol(protocol, roster[1:], results)
    assert (
        f"published entry {roster[0].registration_number} is missing from the roster"
        in messages(report)
    )


def test_changed_configuration_value_is_named(published: Published) -> None:
    roster, protocol, results = published
    forged = copy.deepcopy(protocol)
    forged["config"]["rounds"][0]["quota"] = "40%"
    report = verify_protocol(forged, roster, results)
    text = messages(report)
    assert "configuration changed" in text
    assert "round 1 \"first_home\": quota recomputed '40%', published '30%'" in text


def test_changed_units_is_named(published: Published) -> None:
    roster, protocol, results = published
    forged = copy.deepcopy(protocol)
    forged["config"]["units"] = 13
    text = messages(verify_protocol(forged, roster, results))
    assert "configuration changed" in text and "units 13" in text


def test_changed_revealed_entropy_value_is_named(published: Published) -> None:
    roster, protocol, results = published
    forged = copy.deepcopy(protocol)
    forged["entropy"]["sources"][1]["value"] = "4 0 8"
    text = messages(verify_protocol(forged, roster, results))
    assert "entropy source 2 \"Welfare lottery 3D 2026-03-02\" is '4 0 8'" in text
    assert "seed recomputed" in text


def test_wrong_notary_secret_is_named(published: Published) -> None:
    roster, protocol, results = published
    forged = copy.deepcopy(protocol)
    forged["entropy"]["notary_secret"] = "guess"
    text = messages(verify_protocol(forged, roster, results))
    assert "notary secret does not match the declared commitment" in text


def test_changed_result_row_is_named(published: Published) -> None:
    roster, protocol, results = published
    lines = results.decode().split("\n")
    # promote the first loser to winner in general, rank 1
    idx = next(i for i, line in enumerate(lines[1:], 1) if ",lost," in line)
    f = lines[idx].split(",")
    regno = f[0]
    f[5] = "won"
    lines[idx] = ",".join(f)
    report = verify_protocol(protocol, roster, "\n".join(lines).encode())
    text = messages(report)
    assert f"result row for registration number {regno} differs in outcome" in text
    assert "recomputed not a winner" in text
    assert "results file digest" in text


def test_changed_key_in_results_is_named(published: Published) -> None:
    roster, protocol, results = published
    lines = results.decode().split("\n")
    f = lines[5].split(",")
    f[6] = "0" * 64
    lines[5] = ",".join(f)
    text = messages(verify_protocol(protocol, roster, "\n".join(lines).encode()))
    assert f"result row for registration number {f[0]} differs in key" in text


def test_changed_seed_or_publisher_is_caught(published: Published) -> None:
    roster, protocol, results = published
    forged = copy.deepcopy(protocol)
    forged["seed"] = "00" * 32
    assert "seed recomputed" in messages(verify_protocol(forged, roster, results))
    forged = copy.deepcopy(protocol)
    forged["publisher"]["event_id"] = 8
    assert "protocol_digest does not match" in messages(verify_protocol(forged, roster, results))
