"""Allocation with reserved pools: rounds in precedence order (spec §8).

The hot path works on parallel lists indexed by position in registration-number order,
touches memory in ascending order where it can, and builds no per-entry objects.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from .config import DrawConfig
from .ordering import (
    CHOICE_KEY_NAME,
    WAITLIST_KEY_NAME,
    key_prefix,
    keys_for,
    round_key_name,
    smallest_positions,
    sorted_positions,
)

Progress = Callable[[str], None]
KeyHasher = Callable[[bytes, Sequence[int]], list[bytes]]
#: ``smallest(prefix, positions, count)``: the ``count`` smallest keys of those entries with
#: their index in ``positions``, ascending by (key, index).
Smallest = Callable[[bytes, Sequence[int], int], list[tuple[bytes, int]]]


def _smallest_of(hash_keys: KeyHasher) -> Smallest:
    def smallest(prefix: bytes, positions: Sequence[int], count: int) -> list[tuple[bytes, int]]:
        keys = hash_keys(prefix, positions)
        return [(keys[j], j) for j in smallest_positions(keys, count)]

    return smallest


class KeyBlob(Sequence[bytes]):
    """Keys held as one byte string, 32 bytes each: ``blob[32 j : 32 j + 32]`` is key ``j``."""

    def __init__(self, blob: bytes) -> None:
        self.blob = blob

    def __len__(self) -> int:
        return len(self.blob) // 32

    def __getitem__(self, j: Any) -> Any:
        if isinstance(j, slice):
            return [self[k] for k in range(*j.indices(len(self)))]
        if j < 0:
            j += len(self)
        return self.blob[32 * j : 32 * j + 32]


@dataclass
class RoundOutcome:
    """What happened in one round.

    ``members``/``ranks``/``keys`` are aligned lists, ascending by entry position, holding
    every entry this round may have decided: all participants of a fully ranked round, only
    the winners of a round ranked partially (when every loser carries on to a later round).
    """

    name: str
    pool: str
    quota: str
    seats: int
    participants: int
    winners: list[int] = field(default_factory=list)  # entry positions, in rank order
    members: Sequence[int] = field(default_factory=list, repr=False)
    ranks: Sequence[int] = field(default_factory=list, repr=False)
    keys: Sequence[bytes] = field(default_factory=list, repr=False)

    def lookup(self, position: int) -> tuple[int, bytes] | None:
        """(rank, key) of the entry at ``position`` if this round ranked it."""
        j = bisect_left(self.members, position)
        if j < len(self.members) and self.members[j] == position:
            return self.ranks[j], self.keys[j]
        return None


@dataclass
class Allocation:
    """Outcome for every entry (positions in registration-number order)."""

    size: int
    rounds: list[RoundOutcome]
    decided: bytearray  # index of the round that decided each entry
    won: bytearray  # 1 for winners
    waitlist: list[int]
    choice: list[int]
    unfilled: int

    @property
    def allocated(self) -> int:
        return sum(len(r.winners) for r in self.rounds)

    def rank_and_key(self, position: int) -> tuple[int, bytes]:
        found = self.rounds[self.decided[position]].lookup(position)
        if found is None:  # every entry is ranked in the round that decided it
            raise RuntimeError(f"internal error: entry {position} has no rank in its round")
        return found


class _Members:
    """Who takes part in each round: entries whose pools include the round's pool and who have
    not won, ascending by position."""

    def decided(self) -> bytearray:
        """Each entry's last round (the one that decides it unless it wins earlier)."""
        raise NotImplementedError

    def participants(self, r: int, won: bytearray | None) -> Sequence[int]:
        raise NotImplementedError

    def last_round_of_some(self, r: int) -> bool:
        """Whether round ``r`` is the last round of some of its members' pool sets."""
        raise NotImplementedError

    def not_won(self, won: bytearray) -> Sequence[int]:
        return array("q", (i for i in range(len(won)) if not won[i]))


class _GroupedMembers(_Members):
    """From a pool set per entry: entries grouped by pool set (shared frozensets)."""

    def __init__(self, poolsets: Sequence[frozenset[str]], rounds: Sequence[Any]) -> None:
        self.groups: dict[frozenset[str], list[int]] = {}
        for i, ps in enumerate(poolsets):
            g = self.groups.get(ps)
            if g is None:
                self.groups[ps] = [i]
            else:
                g.append(i)
        self.size = len(poolsets)
        self.rounds = rounds
        self.last_round = {
            ps: max((r for r, spec in enumerate(rounds) if spec.pool in ps), default=-1)
            for ps in self.groups
        }

    def decided(self) -> bytearray:
        decided = bytearray(self.size)
        for ps, g in self.groups.items():
            lr = self.last_round[ps]
            if lr > 0:
                for i in g:
                    decided[i] = lr
        return decided

    def _member_groups(self, r: int) -> list[frozenset[str]]:
        pool = self.rounds[r].pool
        return [ps for ps in self.groups if pool in ps]

    def participants(self, r: int, won: bytearray | None) -> Sequence[int]:
        member_groups = self._member_groups(r)
        if len(member_groups) == 1:
            cand = self.groups[member_groups[0]]
        else:
            cand = [i for ps in member_groups for i in self.groups[ps]]
            cand.sort()
        return list(cand) if won is None else [i for i in cand if not won[i]]

    def last_round_of_some(self, r: int) -> bool:
        return any(self.last_round[ps] == r for ps in self._member_groups(r))


class _CodedMembers(_Members):
    """From a byte per entry naming its pool set, with ``select(flags, value, among)`` (the C
    loops) picking positions: no Python loop over the entries."""

    def __init__(
        self,
        codes: bytes,
        poolsets: Sequence[frozenset[str]],
        rounds: Sequence[Any],
        select: Callable[[bytes, int, Any], array[int]],
    ) -> None:
        self.codes, self.poolsets, self.rounds, self.select = codes, poolsets, rounds, select
        self.last_round = [
            max((r for r, spec in enumerate(rounds) if spec.pool in ps), default=-1)
            for ps in poolsets
        ]

    def _table(self, values: Sequence[int]) -> bytes:
        return bytes(values) + bytes(256 - len(values))

    def decided(self) -> bytearray:
        return bytearray(self.codes.translate(self._table([max(0, r) for r in self.last_round])))

    def participants(self, r: int, won: bytearray | None) -> Sequence[int]:
        pool = self.rounds[r].pool
        flags = self.codes.translate(self._table([pool in ps for ps in self.poolsets]))
        if won is not None:  # in the round and not yet won, byte by byte (each 0 or 1)
            both = int.from_bytes(flags, "little") & ~int.from_bytes(won, "little")
            flags = both.to_bytes(len(flags), "little")
        return self.select(flags, 1, None)

    def last_round_of_some(self, r: int) -> bool:
        pool = self.rounds[r].pool
        return any(lr == r and pool in ps for lr, ps in zip(self.last_round, self.poolsets))  # noqa: B905

    def not_won(self, won: bytearray) -> Sequence[int]:
        return self.select(won, 0, None)


def allocate(
    encoded_regnos: Sequence[bytes] | range,
    poolsets: Sequence[frozenset[str]],
    config: DrawConfig,
    seed: bytes,
    progress: Progress | None = None,
    *,
    hasher: KeyHasher | None = None,
    codes: tuple[bytes | array[int], Sequence[frozenset[str]]] | None = None,
) -> Allocation:
    """Run the rounds of ``config`` over entries given in registration-number order.

    ``encoded_regnos[i]`` is the ASCII registration number; ``poolsets[i]`` the entry's
    pools (shared frozenset objects make grouping cheap). Spec §8 states the rules.
    ``hasher(prefix, positions)`` computes keys instead of ``keys_for`` over
    ``encoded_regnos`` (which then only gives the count), e.g. on every core.
    ``codes`` (a pool-set code per entry and the pool sets they name) lets a hasher with a
    ``select`` (the C loops) find each round's participants without a loop here.
    """
    n = len(encoded_regnos)
    regnos = cast("Sequence[bytes]", encoded_regnos)  # only read when no hasher is given
    hash_keys: KeyHasher = hasher or (lambda p, positions: keys_for(p, regnos, positions))
    smallest: Smallest = getattr(hasher, "smallest", None) or _smallest_of(hash_keys)
    key_blob: Callable[[bytes, Sequence[int]], bytes] = getattr(hasher, "blob", None) or (
        lambda p, positions: b"".join(hash_keys(p, positions))
    )
    #: ``order_of(keys)``: (positions by key, rank of each position), or None to sort here.
    order_of: Callable[[bytes], Any] = getattr(hasher, "order", None) or (lambda keys: None)

    rounds = config.rounds
    select = getattr(hasher, "select", None)
    members: _Members
    if codes is not None and isinstance(codes[0], bytes) and select is not None:
        members = _CodedMembers(codes[0], codes[1], rounds, select)
    else:
        members = _GroupedMembers(poolsets, rounds)
    won = bytearray(n)
    decided = members.decided()
    shared: list[bytes] | None = None
    if config.key_mode == "shared":
        shared = hash_keys(key_prefix(seed, round_key_name(config, "*")), range(n))
    outcomes: list[RoundOutcome] = []
    allocated = 0
    remainder: tuple[int, Sequence[int]] | None = None
    any_won = False
    for r, spec in enumerate(rounds):
        parts = members.participants(r, won if any_won else None)
        prefix = key_prefix(seed, spec.name)
        seats = config.seats(r, allocated)
        take = min(seats, len(parts))
        outcome = RoundOutcome(spec.name, spec.pool, spec.rule.text(), seats, len(parts))
        full = spec.is_remainder or members.last_round_of_some(r)
        if full:
            held = KeyBlob(
                key_blob(prefix, parts) if shared is None else b"".join(shared[i] for i in parts)
            )  # 32 bytes a key, not an object each
            ranked = order_of(held.blob)
            if ranked is not None:
                order, inv = ranked
            else:
                keys = held[:]  # objects only while sorting
                order = array("q", sorted_positions(keys))  # no int object each
                del keys
                inv = array("q", bytes(8 * len(parts)))  # ranks
                for pos, j in enumerate(order, 1):
                    inv[j] = pos
            top = order[:take]
            outcome.members, outcome.ranks, outcome.keys = array("q", parts), inv, held
            if spec.is_remainder:
                remainder = (r, order)
        else:
            if shared is None:
                best = smallest(prefix, parts, take)
            else:
                keys = [shared[i] for i in parts]
                best = [(keys[j], j) for j in smallest_positions(keys, take)]
            top = [j for _, j in best]
            mine = sorted((parts[j], pos, key) for pos, (key, j) in enumerate(best, 1))
            outcome.members = [m[0] for m in mine]
            outcome.ranks = [m[1] for m in mine]
            outcome.keys = [m[2] for m in mine]
        outcome.winners = [parts[j] for j in top]
        for i in outcome.winners:
            won[i] = 1
            decided[i] = r
        any_won = any_won or bool(top)
        allocated += take
        outcomes.append(outcome)
        if progress is not None:
            progress(f"round {spec.name}")
    # Seats left unfilled by reserve rounds that came after the remainder round go to the
    # next entries in the remainder round's order who have not won (spec §8.3).
    if remainder is not None and allocated < config.units:
        r, order = remainder
        outcome = outcomes[r]
        for pos in range(outcome.seats, len(order)):
            if allocated >= config.units:
                break
            i = outcome.members[order[pos]]
            if won[i]:
                continue
            won[i] = 1
            decided[i] = r
            outcome.winners.append(i)
            allocated += 1
    waitlist: list[int] = []
    if config.waitlist_length > 0:
        losers = members.not_won(won)
        if shared is None:
            best = smallest(key_prefix(seed, WAITLIST_KEY_NAME), losers, config.waitlist_length)
            waitlist = [losers[j] for _, j in best]
        else:
            wkeys = [shared[i] for i in losers]
            waitlist = [losers[j] for j in smallest_positions(wkeys, config.waitlist_length)]
    if progress is not None:
        progress("waitlist")
    winners = sorted(i for o in outcomes for i in o.winners)
    ckeys = hash_keys(key_prefix(seed, CHOICE_KEY_NAME), winners)
    choice = [winners[j] for j in sorted_positions(ckeys)]
    if progress is not None:
        progress("choice")
    return Allocation(
        size=n,
        rounds=outcomes,
        decided=decided,
        won=won,
        waitlist=waitlist,
        choice=choice,
        unfilled=config.units - allocated,
    )
