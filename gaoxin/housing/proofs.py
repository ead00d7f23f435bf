"""What an applicant needs to check their own entry offline: the inclusion proof of their
roster entry and their keys in every round, recomputed from the published seed, with the exact
fairdraw commands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gaoxin import fairdraw
from gaoxin.fairdraw.ordering import round_key_name
from gaoxin.fairdraw.roster import parse_roster_csv

from .models import Application


@dataclass(frozen=True)
class OwnCheck:
    root: str
    entry: str
    leaf_index: int
    tree_size: int
    audit_path: tuple[str, ...]
    keys: list[tuple[str, str]]  # (key name, hex key) once drawn
    commands: list[str]


def own_check(application: Application) -> OwnCheck | None:
    batch = application.batch
    roster = getattr(batch, "roster", None)
    if roster is None:
        return None
    entries = parse_roster_csv(bytes(roster.csv).decode("utf-8"), source="roster.csv")
    try:
        proof = fairdraw.inclusion_proof(entries, application.number)
    except KeyError:
        return None  # not in the roster (not eligible)
    code = batch.code
    commands = [
        f"fairdraw prove {code}-roster.csv {application.number} --out proof.json",
        f"fairdraw check-proof proof.json --root {roster.root}",
    ]
    keys: list[tuple[str, str]] = []
    draw: Any = getattr(batch, "draw", None)
    if draw is not None:
        config = fairdraw.DrawConfig.from_dict(batch.config["draw"])
        seed = bytes.fromhex(draw.seed)
        names = [r.name for r in config.rounds] + ["waitlist", "choice"]
        for name in dict.fromkeys(round_key_name(config, n) for n in names):
            keys.append((name, fairdraw.entry_key(seed, name, application.number).hex()))
        commands.append(
            f"fairdraw verify {code}-protocol.json {code}-roster.csv --results {code}-results.csv"
        )
    return OwnCheck(
        roster.root,
        proof.entry,
        proof.leaf_index,
        proof.tree_size,
        proof.audit_path,
        keys,
        commands,
    )
