"""The roster CSV exactly as spec §3.4 defines it (issue 13 item 8): what is accepted gives the
canonical entries (and so the root) of the canonical file; everything else is refused with the
line named, never read in some way a second implementation would have to guess."""

from __future__ import annotations

from pathlib import Path

import pytest

from gaoxin.fairdraw import merkle_root
from gaoxin.fairdraw.errors import InputError
from gaoxin.fairdraw.roster import load_roster, parse_roster_csv, roster_csv

from .conftest import make_roster

ENTRIES = make_roster(4)
CANONICAL = roster_csv(ENTRIES)
ROOT = merkle_root(ENTRIES)
HEADER, *LINES = CANONICAL.rstrip("\n").split("\n")


def root_of_file(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    return merkle_root(load_roster(path))


def refused(tmp_path: Path, data: bytes) -> InputError:
    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as error:
        load_roster(path)
    return error.value


def test_one_byte_order_mark_is_ignored_and_a_second_is_refused(tmp_path: Path) -> None:
    bom = "\ufeff".encode()
    assert root_of_file(tmp_path, bom + CANONICAL.encode()) == ROOT
    assert refused(tmp_path, bom + bom + CANONICAL.encode()).field == "registration_number"
    assert parse_roster_csv("\ufeff" + CANONICAL) == parse_roster_csv(CANONICAL)


def test_crlf_ends_lines_and_a_lone_cr_is_refused(tmp_path: Path) -> None:
    assert root_of_file(tmp_path, CANONICAL.replace("\n", "\r\n").encode()) == ROOT
    assert root_of_file(tmp_path, CANONICAL.rstrip("\n").encode()) == ROOT  # last end optional
    error = refused(tmp_path, CANONICAL.replace("\n", "\r").encode())
    assert error.line == 1 and "CR" in error.en
    error = refused(tmp_path, (HEADER + "\n" + LINES[0] + "\r" + LINES[1] + "\n").encode())
    assert error.line == 2


def quote_all(line: str) -> str:
    return ",".join(f'"{field}"' for field in line.split(","))


def quote_pools(line: str) -> str:
    regno, pools, commitment = line.split(",")
    return f'{regno},"{pools}",{commitment}'


@pytest.mark.parametrize("quoted", [quote_all, quote_pools])
def test_quoted_fields_are_refused(tmp_path: Path, quoted) -> None:
    text = "\n".join([HEADER, LINES[0], quoted(LINES[1]), *LINES[2:]]) + "\n"
    error = refused(tmp_path, text.encode())
    assert error.line == 3 and "quote" in error.en


def test_a_quoted_extra_column_is_refused_too(tmp_path: Path) -> None:
    rows = [HEADER + ",note"] + [line + ",x" for line in LINES]
    rows[2] = LINES[1] + ',"x, y"'
    error = refused(tmp_path, ("\n".join(rows) + "\n").encode())
    assert error.line == 3 and "quote" in error.en


def test_upper_case_hex_and_lower_case_numbers_are_their_canonical_forms(tmp_path: Path) -> None:
    regno, pools, commitment = LINES[2].split(",")
    changed = f"{regno.lower()}, {pools.replace(';', ' ; ')} ,\t{commitment.upper()}"
    text = "\n".join([HEADER, *LINES[:2], changed, *LINES[3:]]) + "\n"
    assert root_of_file(tmp_path, text.encode()) == ROOT


@pytest.mark.parametrize("blank", ["\u3000", "\u00a0", "\x0b", "\x85"])
def test_only_spaces_and_tabs_are_trimmed(tmp_path: Path, blank: str) -> None:
    regno, rest = LINES[0].split(",", 1)
    text = "\n".join([HEADER, f"{blank}{regno},{rest}", *LINES[1:]]) + "\n"
    error = refused(tmp_path, text.encode())
    assert error.line == 2 and error.field == "registration_number"


def test_the_header_names_each_column_once_in_any_order(tmp_path: Path) -> None:
    reordered = ["identity_commitment,note,registration_number,pools"]
    for line in LINES:
        regno, pools, commitment = line.split(",")
        reordered.append(f"{commitment},anything,{regno},{pools}")
    assert root_of_file(tmp_path, ("\n".join(reordered) + "\n").encode()) == ROOT
    twice = HEADER + ",pools\n" + "\n".join(line + ",general" for line in LINES) + "\n"
    error = refused(tmp_path, twice.encode())
    assert error.line == 1 and error.field == "pools"


def test_lines_of_empty_fields_are_skipped_and_short_lines_refused(tmp_path: Path) -> None:
    text = "\n".join([HEADER, LINES[0], "", " ,\t, ", *LINES[1:]]) + "\n\n"
    assert root_of_file(tmp_path, text.encode()) == ROOT
    short = "\n".join([HEADER, LINES[0], "H2026-000099,general"]) + "\n"
    error = refused(tmp_path, short.encode())
    assert error.line == 3
