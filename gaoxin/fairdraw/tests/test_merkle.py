import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.fairdraw import MerkleTree, inclusion_proof, merkle_root, verify_inclusion
from gaoxin.fairdraw.merkle import leaf_hashes, root_from_leaf_hashes

from .conftest import make_roster


def rfc6962_mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1 as written (recursive split at the largest power of two below n)."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + rfc6962_mth(leaves[:k]) + rfc6962_mth(leaves[k:])).digest()


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=70))
def test_root_equals_rfc6962_definition(n: int) -> None:
    lines = [f"L{i}" for i in range(n)]
    assert root_from_leaf_hashes(leaf_hashes(lines)) == rfc6962_mth([x.encode() for x in lines])


def test_root_does_not_depend_on_roster_order() -> None:
    roster = make_roster(37)
    assert merkle_root(roster) == merkle_root(list(reversed(roster)))


@pytest.mark.parametrize("size", [1, 2, 3, 7, 8, 37])
def test_every_inclusion_proof_verifies(size: int) -> None:
    roster = make_roster(size)
    root = merkle_root(roster)
    for entry in roster:
        proof = inclusion_proof(roster, entry.registration_number)
        assert proof.root == root
        assert verify_inclusion(
            proof.entry, proof.leaf_index, proof.tree_size, proof.audit_path, root
        )


@pytest.mark.parametrize("size", [0, 1, 2, 3, 7, 8, 37])
def test_a_built_tree_gives_the_same_proofs_as_inclusion_proof(size: int) -> None:
    roster = make_roster(size)
    tree = MerkleTree(list(reversed(roster)))
    assert tree.root == merkle_root(roster) and len(tree) == size
    for entry in roster:
        assert tree.proof(entry.registration_number.lower()) == inclusion_proof(
            roster, entry.registration_number
        )
    with pytest.raises(KeyError):
        tree.proof("H2026-999999")


def test_altered_proofs_fail() -> None:
    roster = make_roster(37)
    proof = inclusion_proof(roster, "H2026-000012")
    args = (proof.entry, proof.leaf_index, proof.tree_size, list(proof.audit_path), proof.root)
    assert verify_inclusion(*args)
    changed_entry = proof.entry.replace("H2026-000012", "H2026-000013")
    assert not verify_inclusion(changed_entry, *args[1:])
    assert not verify_inclusion(proof.entry, proof.leaf_index + 1, *args[2:])
    # the tree size is bound by the published root and size; a size that changes the shape
    # of the path fails
    assert not verify_inclusion(proof.entry, proof.leaf_index, 16, *args[3:])
    path = list(proof.audit_path)
    path[0] = ("0" if path[0][0] != "0" else "1") + path[0][1:]
    assert not verify_inclusion(proof.entry, proof.leaf_index, proof.tree_size, path, proof.root)
    assert not verify_inclusion(*args[:3], path[:-1], proof.root)
    assert not verify_inclusion(*args[:4], "00" * 32)
