"""The worked example of docs/fairdraw-spec.md, with every intermediate value.

``python -m gaoxin.fairdraw.worked_example`` prints the block pasted in the spec; a test
checks that the spec and this output are identical, so they cannot drift apart.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from ._compat import zip_strict
from .canonical import canonical_json
from .config import DrawConfig, default_config
from .entropy import EntropyDeclaration, EntropySource, notary_commitment
from .merkle import _next_level, leaf_hashes
from .ordering import key_prefix, round_key_name
from .protocol import run_draw
from .roster import RosterEntry, identity_commitment, sort_roster

SALT = "00112233445566778899aabbccddeeff"
NOTARY_SECRET = "e1f2a3b4c5d6e7f8091a2b3c4d5e6f70"  # noqa: S105 (published example)
PEOPLE = (
    ("H2026-000001", "110101199001011234", ("first_home", "general")),
    ("H2026-000002", "110101198502023456", ("general",)),
    ("H2026-000003", "340104199203035678", ("key_industry", "general")),
    ("H2026-000004", "340104198804047890", ("first_home", "key_industry", "general")),
    ("H2026-000005", "34010419950505001X", ("general",)),
    ("H2026-000006", "340104199106062345", ("first_home", "general")),
    ("H2026-000007", "340104198707074567", ("key_industry", "general")),
    ("H2026-000008", "340104199308086789", ("general",)),
)
SOURCES = (
    (
        "上证综指 2026-03-02 收盘 x100 / SSE Composite close x100",
        "declared 2026-02-01",
        "321567",
    ),
    ("福彩3D 2026-03-02 / Welfare Lottery 3D", "declared 2026-02-01", "4 0 7"),
)


@dataclass(frozen=True)
class Inputs:
    """Everything the example's draw is computed from; the spec prints all of it."""

    salt: str
    people: tuple[tuple[str, str, tuple[str, ...]], ...]  # (regno, identity, pools)
    config: dict[str, Any]
    sources: tuple[tuple[str, str, str], ...]  # (name, declared, value)
    notary_secret: str
    publisher: dict[str, Any]


EXAMPLE = Inputs(
    SALT,
    PEOPLE,
    default_config(5, waitlist_length=2).to_dict(),
    SOURCES,
    NOTARY_SECRET,
    {},
)

_APPLICANT = re.compile(r"applicant (\d+): (\S+), identity (\S+), pools (\S+)")
_SOURCE = re.compile(r"entropy source (\d+) (name|declared|value): (.*)")


def parse_inputs(lines: list[str]) -> Inputs:
    """The inputs as the spec's worked example prints them (the lines ``input_lines``
    writes), so that a test can recompute every value from the spec's own text."""
    people: list[tuple[str, str, tuple[str, ...]]] = []
    sources: dict[int, dict[str, str]] = {}
    fields: dict[str, str] = {}
    for line in lines:
        if m := _APPLICANT.fullmatch(line):
            people.append((m[2], m[3], tuple(m[4].split(";"))))
        elif m := _SOURCE.fullmatch(line):
            sources.setdefault(int(m[1]), {})[m[2]] = m[3]
        elif ": " in line:
            label, value = line.split(": ", 1)
            fields[label] = value
    return Inputs(
        salt=fields["identity salt (applicant i uses salt || registration number)"],
        people=tuple(people),
        config=json.loads(fields["configuration"]),
        sources=tuple(
            (sources[i]["name"], sources[i]["declared"], sources[i]["value"])
            for i in sorted(sources)
        ),
        notary_secret=fields["notary secret"],
        publisher=json.loads(fields["publisher"]),
    )


def input_lines(inputs: Inputs) -> list[str]:
    out = ["# inputs"]
    for i, (regno, identity, pools) in enumerate(inputs.people, 1):
        out.append(f"applicant {i}: {regno}, identity {identity}, pools {';'.join(pools)}")
    out.append(f"identity salt (applicant i uses salt || registration number): {inputs.salt}")
    out.append(f"configuration: {canonical_json(inputs.config).decode()}")
    for i, (name, declared, value) in enumerate(inputs.sources, 1):
        out.append(f"entropy source {i} name: {name}")
        out.append(f"entropy source {i} declared: {declared}")
        out.append(f"entropy source {i} value: {value}")
    out.append(f"notary secret: {inputs.notary_secret}")
    out.append(f"publisher: {canonical_json(inputs.publisher).decode()}")
    return out


def build(inputs: Inputs = EXAMPLE) -> tuple[list[RosterEntry], EntropyDeclaration]:
    entries = [
        RosterEntry.make(regno, pools, identity_commitment(identity, inputs.salt + regno))
        for regno, identity, pools in inputs.people
    ]
    entropy = EntropyDeclaration(
        tuple(EntropySource(name, declared) for name, declared, _ in inputs.sources),
        notary_commitment=notary_commitment(inputs.notary_secret),
    ).reveal([value for _, _, value in inputs.sources], inputs.notary_secret)
    return entries, entropy


def render(inputs: Inputs = EXAMPLE) -> str:
    entries, entropy = build(inputs)
    config = DrawConfig.from_dict(inputs.config)
    result = run_draw(entries, config, entropy, publisher=inputs.publisher)
    out: list[str] = input_lines(inputs)
    add = out.append
    add("")
    add("# identity commitments (§3.3)")
    for (regno, identity, _), entry in zip_strict(inputs.people, entries):
        add(
            f'identity_commitment("{identity}", "{inputs.salt}{regno}"): '
            f"{entry.identity_commitment}"
        )
    add("")
    add("# entry lines and leaf hashes (sorted by registration number)")
    ordered = sort_roster(entries)
    lines = [e.line for e in ordered]
    leaves = leaf_hashes(lines)
    for i, (line, leaf) in enumerate(zip_strict(lines, leaves)):
        add(f"entry[{i}]: {line}")
        add(f"leaf[{i}]: {leaf.hex()}")
    level = leaves
    depth = 1
    while len(level) > 1:
        level = _next_level(level)
        for i, node in enumerate(level):
            add(f"level{depth}[{i}]: {node.hex()}")
        depth += 1
    add(f"roster root: {result.protocol['roster']['root']}")
    add("")
    add(f"config canonical JSON: {canonical_json(config.to_dict()).decode()}")
    add(f"config digest: {result.protocol['config_digest']}")
    seats = [
        f"{r.name} {'remainder' if r.is_remainder else config.reserved_seats(i)}"
        for i, r in enumerate(config.rounds)
    ]
    add(f"seats: {', '.join(seats)}")
    add(f"notary commitment: {entropy.notary_commitment}")
    add(f"key string: {result.protocol['key_string']}")
    add(f"seed: {result.seed}")
    seed = bytes.fromhex(result.seed)
    add("")
    for spec, o in zip_strict(config.rounds, result.allocation.rounds):
        name = round_key_name(config, spec.name)
        add(
            f"# round {spec.name}: key name {name!r}, seats {o.seats}, "
            f"participants {o.participants}"
        )
        prefix = key_prefix(seed, name)
        add(f"key prefix {spec.name}: {prefix.hex()}")
        won_before = {
            ordered[w].registration_number
            for prev in result.allocation.rounds[: config.rounds.index(spec)]
            for w in prev.winners
        }
        parts = [
            e for e in entries if spec.pool in e.pools and e.registration_number not in won_before
        ]
        pairs = sorted(
            (
                hashlib.sha256(prefix + e.registration_number.encode()).hexdigest(),
                e.registration_number,
            )
            for e in parts
        )
        for rank, (key, regno) in enumerate(pairs, 1):
            add(f"{spec.name} rank {rank}: {regno} {key}")
        add(f"{spec.name} winners: {' '.join(result.winners_by_round[spec.name]) or '(none)'}")
    add("")
    winners = {r for ws in result.winners_by_round.values() for r in ws}
    for label, name, group in (
        (
            "waitlist",
            "waitlist",
            [e.registration_number for e in entries if e.registration_number not in winners],
        ),
        ("choice", "choice", sorted(winners)),
    ):
        prefix = key_prefix(seed, name)
        add(f"# {label} order: key name {name!r}")
        for pos, (key, regno) in enumerate(
            sorted((hashlib.sha256(prefix + r.encode()).hexdigest(), r) for r in group), 1
        ):
            add(f"{label} {pos}: {regno} {key}")
    add(f"waitlist (length {config.waitlist_length}): {' '.join(result.waitlist)}")
    add(f"choice order: {' '.join(result.choice_order)}")
    add("")
    add("# results file")
    for line in result.results_bytes().decode().splitlines():
        add(line)
    add("")
    add(f"results digest: {result.results_digest}")
    body = {k: v for k, v in result.protocol.items() if k != "protocol_digest"}
    add(f"protocol without protocol_digest, canonical JSON: {canonical_json(body).decode()}")
    add(f"protocol digest: {result.protocol['protocol_digest']}")
    return "\n".join(out)


if __name__ == "__main__":
    print(render())
