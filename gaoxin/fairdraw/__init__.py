"""fairdraw: publicly verifiable allocation draws (pure library, no Django).

Specification: ``docs/fairdraw-spec.md`` (version ``fairdraw/1``).

API overview::

    from gaoxin.fairdraw import (
        RosterEntry, identity_commitment, new_salt,           # roster
        merkle_root, inclusion_proof, verify_inclusion,        # RFC 6962 commitment
        DrawConfig, RoundSpec, Quota, default_config,          # configuration
        EntropySource, EntropyDeclaration, notary_commitment,  # seed inputs
        run_draw, verify_protocol, entry_key,                  # draw and verification
    )

    entry = RosterEntry("H2026-000123", frozenset({"first_home", "general"}),
                        identity_commitment("身份证号…", salt))
    config = default_config(units=120)              # Hefei pilot: 30% / 30% / remainder
    entropy = EntropyDeclaration(sources, notary_commitment=...).reveal(values, secret)
    result = run_draw(entries, config, entropy, publisher={"event_id": 42, "hash": "…"})
    result.protocol            # JSON-able dict: write with result.protocol_json()
    result.results_bytes()     # results CSV; its SHA-256 is protocol["results"]["digest"]
    result.winners_by_round, result.waitlist, result.choice_order
    report = verify_protocol(protocol, entries, results_csv_bytes)
    report.ok, report.problems, report.text()

Command line: ``python -m gaoxin.fairdraw --help`` (also the ``fairdraw`` script).
"""

from .config import DrawConfig, Quota, RoundSpec, default_config
from .entropy import EntropyDeclaration, EntropySource, key_string, notary_commitment
from .errors import FairdrawError, InputError
from .merkle import (
    InclusionProof,
    MerkleTree,
    inclusion_proof,
    merkle_root,
    verify_inclusion,
)
from .ordering import entry_key
from .protocol import DrawResult, load_protocol, protocol_digest, run_draw
from .results import ResultRow, parse_results
from .roster import RosterEntry, identity_commitment, load_roster, new_salt
from .verify import Problem, VerificationReport, verify_protocol

__all__ = [
    "DrawConfig",
    "DrawResult",
    "EntropyDeclaration",
    "EntropySource",
    "FairdrawError",
    "InclusionProof",
    "InputError",
    "MerkleTree",
    "Problem",
    "Quota",
    "ResultRow",
    "RosterEntry",
    "RoundSpec",
    "VerificationReport",
    "default_config",
    "entry_key",
    "identity_commitment",
    "inclusion_proof",
    "key_string",
    "load_protocol",
    "load_roster",
    "merkle_root",
    "new_salt",
    "notary_commitment",
    "parse_results",
    "protocol_digest",
    "run_draw",
    "verify_inclusion",
    "verify_protocol",
]
