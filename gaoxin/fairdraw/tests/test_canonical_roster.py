"""The fast split of a canonical roster file gives exactly what the validating parser gives,
and a file that is not the validated one cannot pass for it: its Merkle root differs."""

from __future__ import annotations

import pytest

from gaoxin.fairdraw import InputError, merkle_root
from gaoxin.fairdraw.protocol import prepare_roster
from gaoxin.fairdraw.roster import parse_canonical_roster, parse_roster_csv, roster_csv

from .conftest import make_roster


def test_a_canonical_file_splits_into_the_validated_entries() -> None:
    text = roster_csv(make_roster(500))
    fast, checked = parse_canonical_roster(text), parse_roster_csv(text)
    assert fast == checked
    assert [e.line for e in fast] == [e.line for e in checked]
    assert {id(e.pools) for e in fast} <= {id(e.pools) for e in checked}  # shared pool sets
    assert prepare_roster(fast).root == prepare_roster(checked).root


@pytest.mark.parametrize(
    "edit",
    [
        lambda line: line.replace("general", "general;first_home", 1),  # another pool
        lambda line: line.replace("H2026", "h2026", 1),  # not canonical: lower case
        lambda line: line.replace(";", ";;", 1) if ";" in line else line + " ",  # spacing
        lambda line: line[:-1] + ("0" if line[-1] != "0" else "1"),  # another commitment
    ],
)
def test_any_other_file_has_another_root(edit) -> None:
    entries = make_roster(50)
    lines = roster_csv(entries).split("\n")
    lines[7] = edit(lines[7])
    assert merkle_root(parse_canonical_roster("\n".join(lines))) != merkle_root(entries)


def test_structural_problems_are_named() -> None:
    with pytest.raises(InputError) as error:
        parse_canonical_roster("number,pools\nA,general,ab\n")
    assert error.value.line == 1
    text = roster_csv(make_roster(3)).replace(",general", ",general,extra", 1)
    with pytest.raises(InputError) as error:
        parse_canonical_roster(text)
    assert "3 fields" in str(error.value)
