from pathlib import Path

import pytest

from gaoxin.fairdraw.__main__ import main
from gaoxin.fairdraw.entropy import key_string
from gaoxin.fairdraw.rfc3797 import rfc3797_select

NAMES = [
    "John",
    "Mary",
    "Bashful",
    "Dopey",
    "Sleepy",
    "Grouchy",
    "Doc",
    "Sneazy",
    "Handsome",
    "Cassandra",
    "Pollyanna",
    "Pendragon",
    "Pandora",
    "Faith",
    "Hope",
    "Charity",
    "Lee",
    "Longsuffering",
    "Chastity",
    "Smith",
    "Pride",
    "Sloth",
    "Envy",
    "Anger",
    "Kasczynski",
]
SOURCES = ["9319", "2 5 12 8 10", "9 18 26 34 41 45"]
EXPECTED = [17, 7, 2, 16, 25, 23, 8, 24, 19, 13, 22, 5, 18, 9, 1, 4]


def test_key_string_matches_rfc3797_section_6() -> None:
    assert key_string(SOURCES) == "9319./2.5.8.10.12./9.18.26.34.41.45./"


def test_rfc3797_section_6_selection_reproduced_exactly() -> None:
    picks = rfc3797_select(NAMES, SOURCES, 16)
    assert [p.position for p in picks] == EXPECTED
    assert picks[0].md5 == "990DD0A5692A029A98B5E01AA28F3459"
    assert [p.name for p in picks[:3]] == ["Lee", "Doc", "Mary"]


def test_rfc3797_cli_prints_the_selection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pool = tmp_path / "pool.txt"
    pool.write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    args = ["rfc3797", "--pool", str(pool), "--count", "16"]
    for s in SOURCES:
        args += ["--source", s]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "9319./2.5.8.10.12./9.18.26.34.41.45./" in out
    assert "990DD0A5692A029A98B5E01AA28F3459  #17   Lee" in out
