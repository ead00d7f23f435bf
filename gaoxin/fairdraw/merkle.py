"""RFC 6962 Merkle tree hash and audit paths over the canonical roster (spec §4)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from .canonical import SPEC_VERSION
from .roster import RosterEntry, sort_roster

_sha256 = hashlib.sha256
EMPTY_ROOT = _sha256(b"").digest()


def leaf_hash(entry_line: str) -> bytes:
    """``SHA-256(0x00 || UTF-8(canonical entry line))``."""
    return _sha256(b"\x00" + entry_line.encode("utf-8")).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``."""
    return _sha256(b"\x01" + left + right).digest()


def _next_level(level: list[bytes]) -> list[bytes]:
    sha = _sha256
    nxt = [sha(b"\x01" + a + b).digest() for a, b in zip(level[0::2], level[1::2], strict=False)]
    if len(level) % 2:
        nxt.append(level[-1])
    return nxt


def root_from_leaf_hashes(leaves: list[bytes]) -> bytes:
    """RFC 6962 MTH computed bottom-up.

    Pairing neighbours level by level and promoting a lone last node unchanged gives
    exactly RFC 6962's recursive split at the largest power of two below ``n``.
    """
    if not leaves:
        return EMPTY_ROOT
    level = leaves
    while len(level) > 1:
        level = _next_level(level)
    return level[0]


def leaf_hashes(lines: Sequence[str]) -> list[bytes]:
    """Leaf hashes of canonical entry lines, in order."""
    sha = _sha256
    return [sha(b"\x00" + line.encode("utf-8")).digest() for line in lines]


def merkle_root(entries: Sequence[RosterEntry]) -> str:
    """Roster root (hex): RFC 6962 MTH over canonical entries sorted by registration number."""
    ordered = sort_roster(entries)
    return root_from_leaf_hashes(leaf_hashes([e.canonical() for e in ordered])).hex()


@dataclass(frozen=True)
class InclusionProof:
    """An RFC 6962 audit path for one roster entry."""

    registration_number: str
    entry: str
    leaf_index: int
    tree_size: int
    audit_path: tuple[str, ...]
    root: str

    def to_dict(self) -> dict[str, object]:
        return {
            "spec": SPEC_VERSION,
            "registration_number": self.registration_number,
            "entry": self.entry,
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "audit_path": list(self.audit_path),
            "root": self.root,
        }


def audit_path(leaves: list[bytes], index: int) -> list[bytes]:
    """RFC 6962 ``PATH(index, D[n])``, bottom-up, from precomputed leaf hashes."""
    path: list[bytes] = []
    level = leaves
    i = index
    while len(level) > 1:
        sibling = i ^ 1
        if sibling < len(level):
            path.append(level[sibling])
        level = _next_level(level)
        i //= 2
    return path


def inclusion_proof(entries: Sequence[RosterEntry], registration_number: str) -> InclusionProof:
    """Inclusion proof of one entry in the roster's Merkle tree.

    Raises ``KeyError`` when the registration number is not in the roster.
    """
    from .canonical import canonical_registration_number

    regno = canonical_registration_number(registration_number)
    ordered = sort_roster(entries)
    lines = [e.canonical() for e in ordered]
    leaves = leaf_hashes(lines)
    index = next((i for i, e in enumerate(ordered) if e.registration_number == regno), None)
    if index is None:
        raise KeyError(regno)
    path = audit_path(leaves, index)
    return InclusionProof(
        registration_number=regno,
        entry=lines[index],
        leaf_index=index,
        tree_size=len(leaves),
        audit_path=tuple(p.hex() for p in path),
        root=root_from_leaf_hashes(leaves).hex(),
    )


class MerkleTree:
    """Every level of a roster's tree, built once, then any entry's inclusion proof in
    O(log n) (a server showing each applicant the proof of their own entry). The proofs are
    those of :func:`inclusion_proof`."""

    def __init__(self, entries: Sequence[RosterEntry]) -> None:
        ordered = sort_roster(entries)
        self.lines = [e.canonical() for e in ordered]
        self.index = {e.registration_number: i for i, e in enumerate(ordered)}
        level = leaf_hashes(self.lines)
        self.levels = [level]
        while len(level) > 1:
            level = _next_level(level)
            self.levels.append(level)
        self.root = (level[0] if level else EMPTY_ROOT).hex()

    def __len__(self) -> int:
        return len(self.lines)

    def proof(self, registration_number: str) -> InclusionProof:
        """Raises ``KeyError`` when the registration number is not in the roster."""
        from .canonical import canonical_registration_number

        regno = canonical_registration_number(registration_number)
        index = self.index[regno]
        path: list[str] = []
        i = index
        for level in self.levels[:-1]:
            sibling = i ^ 1
            if sibling < len(level):
                path.append(level[sibling].hex())
            i //= 2
        return InclusionProof(
            registration_number=regno,
            entry=self.lines[index],
            leaf_index=index,
            tree_size=len(self.lines),
            audit_path=tuple(path),
            root=self.root,
        )


def root_from_audit_path(
    leaf: bytes, leaf_index: int, tree_size: int, path: Sequence[bytes]
) -> bytes | None:
    """Recompute the root from a leaf and its audit path (RFC 9162 §2.1.3.2).

    Returns ``None`` when the path has the wrong length for (index, size).
    """
    if not 0 <= leaf_index < tree_size:
        return None
    fn, sn = leaf_index, tree_size - 1
    r = leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return None
    return r


def verify_inclusion(
    entry_line: str, leaf_index: int, tree_size: int, path: Sequence[str], root: str
) -> bool:
    """True when ``entry_line`` is leaf ``leaf_index`` of the tree of size ``tree_size``
    whose root is ``root`` (hex), according to the audit ``path`` (hex digests)."""
    try:
        path_bytes = [bytes.fromhex(p) for p in path]
        expected = bytes.fromhex(root)
    except ValueError:
        return False
    if any(len(p) != 32 for p in path_bytes):
        return False
    got = root_from_audit_path(leaf_hash(entry_line), leaf_index, tree_size, path_bytes)
    return got is not None and got == expected
