"""The worked example of docs/fairdraw-spec.md, with every intermediate value.

``python -m gaoxin.fairdraw.worked_example`` prints the block pasted in the spec; a test
checks that the spec and this output are identical, so they cannot drift apart.
"""

from __future__ import annotations

import hashlib

from .canonical import canonical_json
from .config import default_config
from .entropy import EntropyDeclaration, EntropySource, notary_commitment
from .merkle import _next_level, leaf_hashes
from .ordering import key_prefix, round_key_name
from .protocol import run_draw
from .roster import RosterEntry, identity_commitment

SALT = "00112233445566778899aabbccddeeff"
NOTARY_SECRET = "e1f2a3b4c5d6e7f8091a2b3c4d5e6f70"  # noqa: S105 (published example)
PEOPLE = [
    ("H2026-000001", "110101199001011234", ("first_home", "general")),
    ("H2026-000002", "110101198502023456", ("general",)),
    ("H2026-000003", "340104199203035678", ("key_industry", "general")),
    ("H2026-000004", "340104198804047890", ("first_home", "key_industry", "general")),
    ("H2026-000005", "34010419950505001X", ("general",)),
    ("H2026-000006", "340104199106062345", ("first_home", "general")),
    ("H2026-000007", "340104198707074567", ("key_industry", "general")),
    ("H2026-000008", "340104199308086789", ("general",)),
]


def build() -> tuple[list[RosterEntry], EntropyDeclaration]:
    entries = [
        RosterEntry.make(regno, pools, identity_commitment(identity, SALT + regno))
        for regno, identity, pools in PEOPLE
    ]
    entropy = EntropyDeclaration(
        (
            EntropySource(
                "上证综指 2026-03-02 收盘 x100 / SSE Composite close x100", "declared 2026-02-01"
            ),
            EntropySource("福彩3D 2026-03-02 / Welfare Lottery 3D", "declared 2026-02-01"),
        ),
        notary_commitment=notary_commitment(NOTARY_SECRET),
    ).reveal(["321567", "4 0 7"], NOTARY_SECRET)
    return entries, entropy


def render() -> str:
    entries, entropy = build()
    config = default_config(5, waitlist_length=2)
    result = run_draw(entries, config, entropy)
    out: list[str] = []
    add = out.append
    add(f"identity salt (applicant i uses salt || registration number): {SALT}")
    add(
        f'identity_commitment("{PEOPLE[0][1]}", "{SALT}{PEOPLE[0][0]}"): '
        f"{entries[0].identity_commitment}"
    )
    add("")
    add("# entry lines and leaf hashes (sorted by registration number)")
    lines = [e.line for e in entries]
    leaves = leaf_hashes(lines)
    for i, (line, leaf) in enumerate(zip(lines, leaves, strict=True)):
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
    add(
        f"seats: first_home {config.reserved_seats(0)}, "
        f"key_industry {config.reserved_seats(1)}, general remainder"
    )
    add(f"notary commitment: {entropy.notary_commitment}")
    add(f"notary secret: {NOTARY_SECRET}")
    add(f"key string: {result.protocol['key_string']}")
    add(f"seed: {result.seed}")
    seed = bytes.fromhex(result.seed)
    add("")
    for spec, o in zip(config.rounds, result.allocation.rounds, strict=True):
        name = round_key_name(config, spec.name)
        add(
            f"# round {spec.name}: key name {name!r}, seats {o.seats}, "
            f"participants {o.participants}"
        )
        prefix = key_prefix(seed, name)
        add(f"key prefix {spec.name}: {prefix.hex()}")
        won_before = {
            entries[w].registration_number
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
    add(f"waitlist (length 2): {' '.join(result.waitlist)}")
    add(f"choice order: {' '.join(result.choice_order)}")
    add("")
    add("# results file")
    for line in result.results_bytes().decode().splitlines():
        add(line)
    add("")
    add(f"results digest: {result.results_digest}")
    add(f"protocol digest: {result.protocol['protocol_digest']}")
    return "\n".join(out)


if __name__ == "__main__":
    print(render())
