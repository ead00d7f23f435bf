"""What an applicant needs to check their own entry offline: the inclusion proof of their
roster entry and their keys in every round, recomputed from the published seed, with the exact
fairdraw commands.

A frozen roster never changes, so its parsed Merkle tree is kept in memory per process (a few
rosters, keyed by roster id and root) and each applicant's page costs O(log n), not a parse of
the whole roster."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from gaoxin import fairdraw
from gaoxin.fairdraw.ordering import round_key_name
from gaoxin.fairdraw.roster import parse_roster_csv

from .models import Application, Draw, Roster

RUN = "python3 fairdraw.pyz"  # the one-file verifier the pages offer (publication.fairdraw_pyz)
ROSTERS_KEPT = 4  # trees kept per process; a 200,000-entry tree is about 50 MB


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
    roster = Roster.objects.filter(batch_id=batch.pk).only("pk", "root").first()
    if roster is None:
        return None
    try:
        proof = roster_tree(roster.pk, roster.root).proof(application.number)
    except KeyError:
        return None  # not in the roster (not eligible)
    code = batch.code
    commands = [
        f"{RUN} prove {code}-roster.csv {application.number} --out proof.json",
        f"{RUN} check-proof proof.json --root {roster.root} --size {proof.tree_size}",
    ]
    keys: list[tuple[str, str]] = []
    draw: Any = Draw.objects.filter(batch_id=batch.pk).only("pk", "seed").first()
    if draw is not None:
        config = fairdraw.DrawConfig.from_dict(batch.config["draw"])
        seed = bytes.fromhex(draw.seed)
        names = [r.name for r in config.rounds] + ["waitlist", "choice"]
        for name in dict.fromkeys(round_key_name(config, n) for n in names):
            keys.append((name, fairdraw.entry_key(seed, name, application.number).hex()))
        commands.append(
            f"{RUN} verify {code}-protocol.json {code}-roster.csv --results {code}-results.csv"
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


@lru_cache(maxsize=ROSTERS_KEPT)
def roster_tree(roster_id: int, root: str) -> fairdraw.MerkleTree:
    """The frozen roster's tree (cached: the arguments name one immutable roster). A stored
    CSV that does not hash to its published root is an error, never a wrong proof."""
    data = Roster.objects.filter(pk=roster_id).values_list("csv", flat=True).get()
    tree = fairdraw.MerkleTree(parse_roster_csv(bytes(data).decode("utf-8"), source="roster.csv"))
    if tree.root != root:
        raise ValueError(f"roster {roster_id}: the stored CSV does not hash to its root {root}")
    return tree
