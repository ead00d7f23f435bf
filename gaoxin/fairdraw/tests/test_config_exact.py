"""Spec §5.1 exactly (issue 13 item 8): one quota grammar, the defaults of an omitted
`key_mode` and `waitlist_length`, at least one round and one entropy source."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from gaoxin.fairdraw import (
    DrawConfig,
    EntropyDeclaration,
    default_config,
    run_draw,
    verify_protocol,
)
from gaoxin.fairdraw.config import Quota
from gaoxin.fairdraw.errors import ConfigError, InputError
from gaoxin.fairdraw.protocol import protocol_digest
from gaoxin.fairdraw.roster import load_json_text

from .conftest import make_entropy, make_roster

ACCEPTED = {
    "remainder": ("remainder", Fraction(0)),
    "0": ("count", Fraction(0)),
    "40": ("count", Fraction(40)),
    "0%": ("percent", Fraction(0)),
    "30%": ("percent", Fraction(30)),
    "12.5%": ("percent", Fraction(25, 2)),
    "0.25%": ("percent", Fraction(1, 4)),
    "100%": ("percent", Fraction(100)),
}


@pytest.mark.parametrize("text", sorted(ACCEPTED))
def test_the_grammar_accepts_each_canonical_spelling_as_itself(text: str) -> None:
    quota = Quota.parse(text)
    assert (quota.kind, quota.value) == ACCEPTED[text]
    assert quota.text() == text


@pytest.mark.parametrize(
    "quota",
    [
        # the list
        "1e1%",
        "３０%",
        "٣%",
        "1_0%",
        ".5%",
        3,
        # other spellings of accepted values
        "30.0%",
        "030%",
        "007",
        " 30%",
        "30% ",
        "30%\n",
        "+30%",
        "5.%",
        "3e1",
        "٣",
        "Remainder",
        "100.5%",
        "30 %",
        Decimal("12.5"),
        True,
        None,
    ],
)
def test_every_other_quota_is_refused(quota: Any) -> None:
    with pytest.raises(ConfigError):
        Quota.parse(quota)


@pytest.mark.parametrize("number", ["3", "12.5"])
def test_a_json_number_is_no_quota_in_a_configuration_file(number: str) -> None:
    """It said a count for 3 and a percentage for 12.5."""
    text = '{"units": 10, "rounds": [{"name": "g", "pool": "g", "quota": ' + number + "}]}"
    with pytest.raises(InputError) as error:
        DrawConfig.from_dict(load_json_text(text, "config.json"))
    assert error.value.field == "rounds[0].quota"


def test_omitted_key_mode_and_waitlist_length_have_the_specs_defaults() -> None:
    data = {"units": 7, "rounds": [{"name": "general", "pool": "general", "quota": "remainder"}]}
    config = DrawConfig.from_dict(data)
    assert (config.key_mode, config.waitlist_length) == ("per_round", 0)
    assert config.to_dict() == {**data, "key_mode": "per_round", "waitlist_length": 0}
    assert default_config(7).waitlist_length == 7  # the default configuration's own value


def test_at_least_one_round() -> None:
    with pytest.raises(InputError) as error:
        DrawConfig.from_dict({"units": 7, "rounds": []})
    assert error.value.field == "rounds"


def test_at_least_one_entropy_source_to_run_and_to_verify() -> None:
    roster = make_roster(10)
    empty = EntropyDeclaration(())
    with pytest.raises(InputError) as error:
        empty.check()
    assert error.value.field == "sources"
    # a protocol edited to have no source (and a re-computed key string, seed and digest)
    protocol = copy.deepcopy(run_draw(roster, default_config(3), make_entropy()).protocol)
    protocol["entropy"] = {"sources": [], "notary_commitment": None, "notary_secret": None}
    protocol["key_string"] = ""
    del protocol["protocol_digest"]
    protocol["protocol_digest"] = protocol_digest(json.loads(json.dumps(protocol)))
    report = verify_protocol(protocol, roster)
    assert not report.ok
    assert "no entropy source" in report.text()
