"""RFC 3797 (IETF NomCom) random selection, reproduced exactly (spec §12).

For i = 0, 1, 2, ...: ``MD5(i as 2-byte big-endian || key string || i as 2-byte big-endian)``
is read as a 128-bit unsigned big-endian integer ``v``; the selected entry is the
``(v mod remaining) + 1``-th of the entries not yet selected, in their original order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from .entropy import key_string
from .errors import InputError


@dataclass(frozen=True)
class Rfc3797Pick:
    """One selection: the 1-based position in the original pool, its name and the MD5."""

    step: int
    position: int
    name: str
    md5: str


def rfc3797_select(names: Sequence[str], values: Sequence[str], count: int) -> list[Rfc3797Pick]:
    """Select ``count`` of ``names`` using source ``values`` (RFC 3797 §4-§5)."""
    if count > len(names):
        raise InputError(
            f"cannot select {count} from a pool of {len(names)}",  # noqa: S608 (not SQL)
            f"无法从 {len(names)} 人中选出 {count} 人",
            field="count",
        )
    if len(names) > 0xFFFF or count > 0xFFFF:
        raise InputError("pool too large for RFC 3797 (max 65535)", "RFC 3797 的池最多 65535 人")
    key = key_string(values).encode("ascii")
    remaining = list(range(len(names)))
    picks: list[Rfc3797Pick] = []
    for i in range(count):
        ib = i.to_bytes(2, "big")
        digest = hashlib.md5(ib + key + ib, usedforsecurity=False).digest()
        value = int.from_bytes(digest, "big")
        position = remaining.pop(value % len(remaining))
        picks.append(Rfc3797Pick(i, position + 1, names[position], digest.hex().upper()))
    return picks
