"""`fairdraw check-proof` (spec §4.1, issue 13 item 8): the proof document is read exactly, the
leaf index must lie inside the tree, and a published root is never checked without the
published size, since one audit path can be valid for two (index, size) pairs under one root."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gaoxin.fairdraw import inclusion_proof, merkle_root, verify_inclusion
from gaoxin.fairdraw.__main__ import main

from .conftest import make_roster


def write(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


@pytest.fixture
def five() -> tuple[dict[str, Any], str]:
    """The proof of the last of five entries, and the roster root."""
    roster = make_roster(5)
    proof = inclusion_proof(roster, roster[-1].registration_number)
    assert (proof.leaf_index, proof.tree_size) == (4, 5)
    return proof.to_dict(), merkle_root(roster)


def test_a_proof_for_another_tree_size_does_not_pass_with_the_published_root(
    five: tuple[dict[str, Any], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proof, root = five
    # Leaf 4 of 5 has the one-element path [MTH(D[0..3])]; as leaf 1 of 2 the same path gives
    # the same root: RFC 9162's check alone accepts both readings.
    forged = {**proof, "leaf_index": 1, "tree_size": 2}
    assert verify_inclusion(forged["entry"], 1, 2, forged["audit_path"], root)
    path = write(tmp_path, forged)
    assert main(["check-proof", path, "--root", root]) == 2  # the size must be given
    assert "--size" in capsys.readouterr().err
    assert main(["check-proof", path, "--root", root, "--size", "5"]) == 1
    assert "roster of 2 entries" in capsys.readouterr().out
    genuine = write(tmp_path, proof)
    assert main(["check-proof", genuine, "--root", root.upper(), "--size", "5"]) == 0
    assert main(["check-proof", genuine, "--root", root, "--size", "6"]) == 1
    assert main(["check-proof", genuine, "--size", "5"]) == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"leaf_index": 5}, "leaf_index"),  # not below tree_size
        ({"leaf_index": -1}, "leaf_index"),
        ({"tree_size": 0, "leaf_index": 0}, "tree_size"),
        ({"leaf_index": True}, "leaf_index"),  # a boolean is no integer
        ({"tree_size": "5"}, "tree_size"),
        ({"leaf_index": 4.0}, "leaf_index"),
        ({"extra": 1}, "extra"),
        ({"spec": "fairdraw/2"}, "spec"),
        ({"registration_number": "H2026-000001"}, "registration_number"),
        ({"audit_path": "00" * 32}, "audit_path"),
        ({"root": "AB" * 32}, "root"),
    ],
)
def test_the_proof_document_is_read_exactly(
    five: tuple[dict[str, Any], str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, Any],
    field: str,
) -> None:
    proof, root = five
    path = write(tmp_path, {**proof, **change})
    assert main(["check-proof", path, "--root", root, "--size", "5"]) == 2
    assert f'field "{field}"' in capsys.readouterr().err


def test_every_other_spelling_of_the_proof_is_refused(
    five: tuple[dict[str, Any], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proof, root = five
    for changed in (
        {**proof, "audit_path": [p.upper() for p in proof["audit_path"]]},
        {**proof, "entry": proof["entry"].lower()},  # not the canonical line
        {k: v for k, v in proof.items() if k != "root"},
    ):
        assert main(["check-proof", write(tmp_path, changed), "--root", root, "--size", "5"]) == 2
    capsys.readouterr()
    assert main(["check-proof", write(tmp_path, proof), "--root", root, "--size", "5"]) == 0
