"""RFC 6962 Merkle tree hash and audit paths over the canonical roster (spec §4)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .canonical import HEX64_RE, SPEC_VERSION
from .errors import InputError
from .roster import RosterEntry, sort_roster

#: The members of a proof document, in the order ``fairdraw prove`` writes them (spec §4.1).
PROOF_MEMBERS = (
    "spec",
    "registration_number",
    "entry",
    "leaf_index",
    "tree_size",
    "audit_path",
    "root",
)

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
    nxt = [sha(b"\x01" + a + b).digest() for a, b in zip(level[0::2], level[1::2])]  # noqa: B905
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

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "proof.json") -> InclusionProof:
        """Read a proof document (spec §4.1): exactly the members ``to_dict`` writes, each of
        its type and in its canonical spelling; anything else is refused with the member
        named, never checked as if it were a proof."""
        if not isinstance(data, dict):
            raise InputError("proof must be a JSON object", "证明必须是 JSON 对象", source=source)
        extra = sorted(set(data) - set(PROOF_MEMBERS))
        missing = [k for k in PROOF_MEMBERS if k not in data]
        if extra or missing:
            name = (extra or missing)[0]
            raise InputError(
                f"unknown member {name!r}" if extra else "missing member",
                f"未知成员 {name!r}" if extra else "缺少成员",
                source=source,
                field=name,
            )

        def bad(name: str, en: str, zh: str) -> InputError:
            return InputError(en, zh, source=source, field=name)

        for name in ("spec", "registration_number", "entry", "root"):
            if not isinstance(data[name], str):
                raise bad(name, "must be a string", "必须是字符串")
        if data["spec"] != SPEC_VERSION:
            raise bad("spec", f'must be "{SPEC_VERSION}"', f'必须是 "{SPEC_VERSION}"')
        for name in ("leaf_index", "tree_size"):
            value = data[name]
            if isinstance(value, bool) or not isinstance(value, int):
                raise bad(name, "must be a JSON integer", "必须是 JSON 整数")
        size, index = data["tree_size"], data["leaf_index"]
        if size < 1:
            raise bad("tree_size", "must be at least 1", "至少为 1")
        if not 0 <= index < size:
            raise bad(
                "leaf_index",
                f"must be at least 0 and below tree_size ({size}), got {index}",
                f"必须不小于 0 且小于 tree_size（{size}），实际为 {index}",
            )
        path = data["audit_path"]
        if not isinstance(path, list) or not all(
            isinstance(p, str) and HEX64_RE.fullmatch(p) for p in path
        ):
            raise bad(
                "audit_path",
                "must be an array of 64 lower-case hex characters each",
                "必须是数组，每项为 64 位小写十六进制字符",
            )
        if not HEX64_RE.fullmatch(data["root"]):
            raise bad("root", "must be 64 lower-case hex characters", "必须是 64 位小写十六进制")
        entry = data["entry"]
        fields = entry.split(",")
        try:
            line = RosterEntry.make(*fields).line if len(fields) == 3 else None
        except InputError:
            line = None
        if line != entry:
            raise bad(
                "entry",
                "must be a canonical entry line (spec §3.2)",
                "必须是规范的名单条目行（规范 §3.2）",
            )
        if data["registration_number"] != fields[0]:
            raise bad(
                "registration_number",
                "must be the registration number of the entry",
                "必须是该条目的登记号",
            )
        return cls(fields[0], entry, index, size, tuple(path), data["root"])


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
