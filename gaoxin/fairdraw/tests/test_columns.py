"""The roster read as columns (``load_roster_columns``) is the roster the checking parser reads:
the same canonical lines and pool sets for every file it accepts, and for every file it refuses
the same error, naming the same line and field (the fast path steps aside for anything that is
not canonical as it stands)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gaoxin.fairdraw.columns import load_roster_columns
from gaoxin.fairdraw.errors import InputError
from gaoxin.fairdraw.roster import load_roster, roster_csv, sort_roster

HEADER = "registration_number,pools,identity_commitment\n"
C1, C2 = "a" * 64, "b" * 64

GOOD = {
    "canonical, shuffled": f"{HEADER}H-2,general,{C2}\nH-1,first_home;general,{C1}\n",
    "no final newline": f"{HEADER}H-1,general,{C1}",
    "byte-order mark": f"\ufeff{HEADER}H-1,general,{C1}\n",
    "lower-case number, spaces, upper-case hex": f"{HEADER} h-1 ,general,{C1.upper()}\n",
    "pools out of order": f"{HEADER}H-1,general;first_home,{C1}\n",
    "other column order and an extra column": f"pools,x,identity_commitment,registration_number\n"
    f"general,?,{C1},H-1\n",
    "CRLF line ends": f"{HEADER.strip()}\r\nH-1,general,{C1}\r\n",
    "pool named twice": f"{HEADER}H-1,general;general,{C1}\n",
    "an empty line": f"{HEADER}H-1,general,{C1}\n\nH-2,general,{C2}\n",
}
BAD = {
    "duplicate number": f"{HEADER}H-1,general,{C1}\nH-1,first_home;general,{C2}\n",
    "bad character in the number": f"{HEADER}H/1,general,{C1}\n",
    "short commitment": f"{HEADER}H-1,general,{C1[:-1]}\n",
    "unknown pool": f"{HEADER}H-1,general;vip,{C1}\n",
    "too many fields": f"{HEADER}H-1,general,{C1},x\n",
    "a quote": f'{HEADER}"H-1",general,{C1}\n',
    "a lone CR": f"{HEADER}H-1,general,{C1}\rH-2,general,{C2}\n",
    "missing column": "registration_number,pools\nH-1,general\n",
    "no pools": f"{HEADER}H-1,,{C1}\n",
}
KNOWN = frozenset({"general", "first_home", "key_industry"})


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("name", sorted(GOOD))
def test_every_accepted_file_gives_the_checking_parsers_roster(
    name: str, jobs: int, speed: str, tmp_path: Path
) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(GOOD[name].encode("utf-8"))
    roster = load_roster_columns(path, known_pools=KNOWN, jobs=jobs)
    entries = load_roster(path, known_pools=KNOWN)
    assert roster.blob.decode("ascii") == roster_csv(entries).split("\n", 1)[1]
    assert roster.entry_poolsets() == [e.pools for e in sorted(entries, key=lambda e: e.line)]
    assert [roster.regno(i) for i in range(len(roster))] == sorted(
        e.registration_number for e in entries
    )


@pytest.mark.parametrize("name", sorted(BAD))
def test_every_refused_file_gets_the_checking_parsers_error(
    name: str, speed: str, tmp_path: Path
) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(BAD[name].encode("utf-8"))
    with pytest.raises(InputError) as expected:
        sort_roster(load_roster(path, known_pools=KNOWN))  # sorting refuses duplicates
    with pytest.raises(InputError) as got:
        load_roster_columns(path, known_pools=KNOWN, jobs=2)
    assert (got.value.en, got.value.zh, got.value.line, got.value.field) == (
        expected.value.en,
        expected.value.zh,
        expected.value.line,
        expected.value.field,
    )
