"""Running a draw and the protocol document that lets anyone re-run it (spec §10)."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .allocation import Allocation, allocate
from .canonical import SPEC_VERSION, canonical_json
from .columns import KeyHasher, Roster, roster_from_entries
from .columns import merkle_root as columns_merkle_root
from .config import DrawConfig
from .entropy import EntropyDeclaration, derive_seed
from .errors import InputError
from .results import ResultRow, parse_results, result_blocks, write_results
from .roster import RosterEntry, load_json_text, read_text

Progress = Callable[[str], None]


@dataclass
class Prepared:
    """The roster in canonical order as columns, with its Merkle root."""

    roster: Roster
    root: bytes
    jobs: int = 1

    def __len__(self) -> int:
        return len(self.roster)

    @property
    def lines(self) -> list[str]:
        return self.roster.lines()

    @property
    def entries(self) -> list[RosterEntry]:
        return self.roster.entries()

    def allocate(self, config: DrawConfig, seed: bytes, progress: Progress | None) -> Allocation:
        roster = self.roster
        return allocate(
            range(len(roster)),
            roster.entry_poolsets(),
            config,
            seed,
            progress,
            hasher=KeyHasher(roster, self.jobs),
            codes=(roster.codes, roster.poolsets),
        )

    def result_chunks(self, alloc: Allocation, config: DrawConfig) -> Iterator[bytes]:
        names = [r.name for r in config.rounds]
        roster = self.roster
        return result_blocks(roster.blob, roster.offsets, alloc, names, jobs=self.jobs)


def prepare_roster(
    entries: Iterable[RosterEntry] | Roster, config: DrawConfig | None = None, *, jobs: int = 1
) -> Prepared:
    """Sort, check pools against ``config`` and compute the Merkle root (on ``jobs`` cores).

    ``entries`` may be objects or a roster already read as columns (``load_roster_columns``).
    """
    roster = entries if isinstance(entries, Roster) else roster_from_entries(entries)
    if config is not None:
        known = config.pools
        for code, ps in enumerate(roster.poolsets):
            unknown = sorted(ps - known)
            if unknown:
                bad = roster.regno(roster.codes.index(code))
                raise InputError(
                    f'entry {bad}: unknown pool "{unknown[0]}"',
                    f'登记 {bad}：未知的资格池 "{unknown[0]}"',
                    field="pools",
                )
    return Prepared(roster, columns_merkle_root(roster, jobs), jobs)


@dataclass
class DrawResult:
    """A finished draw: the protocol document plus the allocation it describes."""

    protocol: dict[str, Any]
    config: DrawConfig
    prepared: Prepared
    allocation: Allocation

    @property
    def seed(self) -> str:
        return str(self.protocol["seed"])

    @property
    def results_digest(self) -> str:
        return str(self.protocol["results"]["digest"])

    def _regno(self, i: int) -> str:
        return self.prepared.roster.regno(i)

    @property
    def winners_by_round(self) -> dict[str, list[str]]:
        """Winners of each round, in rank order."""
        return {o.name: [self._regno(i) for i in o.winners] for o in self.allocation.rounds}

    @property
    def waitlist(self) -> list[str]:
        """Waitlist (候补顺序号) order: position 1 first."""
        return [self._regno(i) for i in self.allocation.waitlist]

    @property
    def choice_order(self) -> list[str]:
        """Unit-choice order (选房顺序号) of all winners: position 1 first."""
        return [self._regno(i) for i in self.allocation.choice]

    def results_chunks(self) -> Iterator[bytes]:
        return self.prepared.result_chunks(self.allocation, self.config)

    def results_bytes(self) -> bytes:
        """The results file (UTF-8 CSV) whose SHA-256 is ``protocol["results"]["digest"]``."""
        buf = io.BytesIO()
        write_results(self.results_chunks(), buf)
        return buf.getvalue()

    def write_results(self, sink: BinaryIO) -> None:
        write_results(self.results_chunks(), sink)

    def rows(self) -> dict[str, ResultRow]:
        """Every entry's result keyed by registration number (builds one object per entry)."""
        return parse_results(self.results_bytes())

    def protocol_json(self) -> str:
        return protocol_text(self.protocol)


def protocol_digest(protocol: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the protocol without ``protocol_digest``."""
    body = {k: v for k, v in protocol.items() if k != "protocol_digest"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def protocol_text(protocol: Mapping[str, Any]) -> str:
    """Protocol as written to disk: sorted keys, 2-space indent, UTF-8, final newline.

    Whitespace is not significant: digests use the canonical form (spec §2.3).
    """
    return json.dumps(protocol, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def summary_of(alloc: Allocation) -> dict[str, Any]:
    return {
        "rounds": [
            {
                "name": o.name,
                "pool": o.pool,
                "quota": o.quota,
                "seats": o.seats,
                "participants": o.participants,
                "winners": len(o.winners),
            }
            for o in alloc.rounds
        ],
        "allocated": alloc.allocated,
        "unfilled": alloc.unfilled,
        "waitlisted": len(alloc.waitlist),
    }


def run_draw(
    entries: Iterable[RosterEntry] | Roster,
    config: DrawConfig,
    entropy: EntropyDeclaration,
    *,
    publisher: Mapping[str, Any] | None = None,
    results_out: BinaryIO | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
) -> DrawResult:
    """Run a draw and build its protocol document (hashing on ``jobs`` cores; the bytes are
    the same for any number).

    ``entropy`` must have every source's value revealed (and the notary secret if a
    commitment was declared). ``publisher`` is an opaque JSON object (e.g. an audit-chain
    head) covered by the protocol digest but not interpreted. When ``results_out`` is given
    the results file is written to it while its digest is computed.
    """
    key_str = entropy.key_string()
    prepared = prepare_roster(entries, config, jobs=jobs)
    if progress is not None:
        progress("roster")
    config_digest = config.digest()
    seed = derive_seed(key_str, entropy.notary_secret, prepared.root, config_digest)
    alloc = prepared.allocate(config, seed, progress)
    digest, _ = write_results(prepared.result_chunks(alloc, config), results_out)
    if progress is not None:
        progress("results")
    publisher_obj = dict(publisher or {})
    canonical_json(publisher_obj)  # rejects floats early
    protocol: dict[str, Any] = {
        "spec": SPEC_VERSION,
        "publisher": publisher_obj,
        "config": config.to_dict(),
        "config_digest": config_digest.hex(),
        "entropy": entropy.to_dict(),
        "key_string": key_str,
        "roster": {"root": prepared.root.hex(), "size": len(prepared)},
        "seed": seed.hex(),
        "results": {"digest": digest.hex(), "rows": len(prepared)},
        "summary": summary_of(alloc),
    }
    protocol["protocol_digest"] = protocol_digest(protocol)
    return DrawResult(protocol, config, prepared, alloc)


def load_protocol(path: str | Path) -> dict[str, Any]:
    """Read a protocol JSON file (errors name the file and line)."""
    name = str(path)
    data = load_json_text(read_text(path), name)
    if not isinstance(data, dict):
        raise InputError("protocol must be a JSON object", "协议文件必须是 JSON 对象", source=name)
    return data


def entries_from_rows(rows: Sequence[ResultRow]) -> list[RosterEntry]:
    """Roster entries reconstructed from result rows (the results file repeats the roster)."""
    return [RosterEntry.make(r.registration_number, r.pools, r.identity_commitment) for r in rows]
