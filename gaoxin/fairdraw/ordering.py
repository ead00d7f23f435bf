"""Per-round keys and the orders they induce (spec §7)."""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Sequence

from .canonical import SHARED_KEY_NAME, SPEC_VERSION, canonical_registration_number, lp, lps
from .config import DrawConfig

KEY_TAG = f"{SPEC_VERSION}/key"
WAITLIST_KEY_NAME = "waitlist"
CHOICE_KEY_NAME = "choice"


def key_prefix(seed: bytes, key_name: str) -> bytes:
    """The constant part of every key of one round: ``lp(tag) || lp(seed) || lp(name)``."""
    return lps(KEY_TAG) + lp(seed) + lps(key_name)


def entry_key(seed: bytes, key_name: str, registration_number: str) -> bytes:
    """``SHA-256(lp("fairdraw/1/key") || lp(seed) || lp(key name) || registration number)``.

    The registration number (ASCII) is the last field and is not length-prefixed.

    An applicant recomputes their own key from the published seed, the round's key name
    (see :func:`round_key_name`) and their registration number.
    """
    regno = canonical_registration_number(registration_number)
    return hashlib.sha256(key_prefix(seed, key_name) + regno.encode("ascii")).digest()


def round_key_name(config: DrawConfig, name: str) -> str:
    """Key name for an allocation round or the waitlist: the round name (``"waitlist"`` for
    the waitlist) in ``per_round`` mode; ``"*"`` in ``shared`` mode. The unit-choice order
    always uses ``"choice"``."""
    if name == CHOICE_KEY_NAME:
        return CHOICE_KEY_NAME
    return SHARED_KEY_NAME if config.key_mode == "shared" else name


def keys_for(prefix: bytes, encoded_regnos: Sequence[bytes], indices: Sequence[int]) -> list[bytes]:
    """Keys of the entries ``indices`` (``encoded_regnos`` are the ASCII registration numbers)."""
    sha = hashlib.sha256
    return [sha(prefix + encoded_regnos[i]).digest() for i in indices]


def sorted_positions(keys: Sequence[bytes]) -> list[int]:
    """Positions sorted by key bytes ascending; equal keys keep input order.

    Inputs are always in registration-number order, so ties fall to the smaller
    registration number (spec §7.2).
    """
    return sorted(range(len(keys)), key=keys.__getitem__)


def smallest_positions(keys: Sequence[bytes], count: int) -> list[int]:
    """The first ``count`` of :func:`sorted_positions`, without sorting everything."""
    if count <= 0:
        return []
    if count * 8 >= len(keys):
        return sorted_positions(keys)[:count]
    return heapq.nsmallest(count, range(len(keys)), key=keys.__getitem__)


def order_registration_numbers(
    seed: bytes, key_name: str, registration_numbers: Sequence[str]
) -> list[tuple[str, str]]:
    """Order ``registration_numbers`` by their key for ``key_name``: ``[(regno, key hex)]``."""
    regnos = sorted({canonical_registration_number(r) for r in registration_numbers})
    prefix = key_prefix(seed, key_name)
    keys = keys_for(prefix, [r.encode("ascii") for r in regnos], range(len(regnos)))
    return [(regnos[j], keys[j].hex()) for j in sorted_positions(keys)]
