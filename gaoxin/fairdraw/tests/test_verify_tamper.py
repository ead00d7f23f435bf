"""verify catches and names every kind of tampering."""

import copy
import json
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


def _edit(protocol: dict[str, Any], change: Any) -> dict[str, Any]:
    from gaoxin.fairdraw import protocol_digest

    edited = copy.deepcopy(protocol)
    change(edited)
    edited["protocol_digest"] = protocol_digest(edited)
    return edited


def _set(path: str, value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        node: Any = document
        *parents, last = path.split(".")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return change


def _delete(path: str) -> Any:
    def change(document: dict[str, Any]) -> None:
        node: Any = document
        *parents, last = path.split(".")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[last]

    return change


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (_set("note", "x"), "note"),
        (_set("roster.extra", 1), "roster.extra"),
        (_set("summary.extra", 1), "summary.extra"),
        (_set("summary.rounds.0.extra", 1), "summary.rounds[0].extra"),
        (_set("entropy.sources.0.extra", 1), "entropy.sources[0].extra"),
        (_set("results.rows", "60"), "results.rows"),
        (_delete("config.key_mode"), "config.key_mode"),
    ],
)
def test_only_the_canonical_document_verifies(
    published: Published, change: Any, where: str
) -> None:
    """Issue #13 item 8: after such an edit and a recomputed digest the draw's outcome is the
    same, but the same draw could be published as different documents."""
    roster, protocol, results = published
    report = verify_protocol(_edit(protocol, change), roster, results)
    assert not report.ok
    assert any(p.subject == where for p in report.problems), report.text()


def test_a_quota_in_another_spelling_is_unreadable(published: Published) -> None:
    """Spec §5.1 has one quota grammar: "30.0%" is no quota at all (not a changed one)."""
    from gaoxin.fairdraw.errors import InputError

    roster, protocol, results = published
    with pytest.raises(InputError) as error:
        verify_protocol(_edit(protocol, _set("config.rounds.0.quota", "30.0%")), roster, results)
    assert error.value.field == "rounds[0].quota"


def test_publisher_must_be_an_object(published: Published) -> None:
    roster, protocol, results = published
    report = verify_protocol(_edit(protocol, _set("publisher", "gaoxin")), roster, results)
    assert [p.subject for p in report.problems] == ["publisher"]


def test_an_upper_case_commitment_is_not_canonical(roster: list[RosterEntry]) -> None:
    from gaoxin.fairdraw import EntropyDeclaration, notary_commitment

    from .conftest import SECRET

    declared = make_entropy()
    result = run_draw(roster, default_config(12), declared, publisher={})
    assert notary_commitment(SECRET) == declared.notary_commitment
    edited = _edit(
        result.protocol,
        _set("entropy.notary_commitment", str(declared.notary_commitment).upper()),
    )
    assert EntropyDeclaration.from_dict(edited["entropy"]) is not None
    report = verify_protocol(edited, roster, result.results_bytes())
    assert not report.ok


def test_a_member_named_twice_is_refused(tmp_path: Any, published: Published) -> None:
    from gaoxin.fairdraw import load_protocol
    from gaoxin.fairdraw.errors import InputError

    _roster, protocol, _results = published
    text = json.dumps(protocol, indent=2)
    text = text.replace('"seed": ', f'"seed": "{"0" * 64}",\n  "seed": ', 1)
    path = tmp_path / "protocol.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="twice"):
        load_protocol(path)


@pytest.mark.parametrize("quota", ["1e1%", "３０%", "٣%", "1_0%", ".5%", "030%"])
def test_quota_spellings_other_than_plain_decimals_are_refused(quota: str) -> None:
    from gaoxin.fairdraw.config import Quota
    from gaoxin.fairdraw.errors import ConfigError

    with pytest.raises(ConfigError):
        Quota.parse(quota)


def test_a_lone_surrogate_is_unreadable_input_not_a_crash(
    tmp_path: Any, published: Published
) -> None:
    """Spec §2.3: "\\ud800" has no UTF-8 form, hence no canonical JSON; verify crashed."""
    from gaoxin.fairdraw.__main__ import main
    from gaoxin.fairdraw.roster import roster_csv

    roster, protocol, _results = published
    (tmp_path / "roster.csv").write_text(roster_csv(roster), encoding="utf-8")
    text = json.dumps({**protocol, "publisher": {"note": "PLACEHOLDER"}}, indent=2)
    (tmp_path / "protocol.json").write_text(text.replace("PLACEHOLDER", "\\ud800"))
    args = ["verify", str(tmp_path / "protocol.json"), str(tmp_path / "roster.csv"), "--quiet"]
    assert main(args) == 2
