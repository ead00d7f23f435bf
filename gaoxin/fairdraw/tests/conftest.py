"""Shared fixtures for fairdraw tests (pure Python; no database)."""

from __future__ import annotations

import random

import pytest

from gaoxin.fairdraw import (
    EntropyDeclaration,
    EntropySource,
    RosterEntry,
    identity_commitment,
    notary_commitment,
)

POOLSETS = [
    frozenset({"general"}),
    frozenset({"general", "first_home"}),
    frozenset({"general", "key_industry"}),
    frozenset({"general", "first_home", "key_industry"}),
]


def make_roster(n: int, seed: int = 1) -> list[RosterEntry]:
    rng = random.Random(seed)
    return [
        RosterEntry(
            f"H2026-{i:06d}", POOLSETS[rng.randrange(4)], identity_commitment(f"id-{i}", f"salt{i}")
        )
        for i in range(1, n + 1)
    ]


SECRET = "3b1f0c9e8d7a6b5c4d3e2f1a0b9c8d7e"


def make_entropy() -> EntropyDeclaration:
    declared = EntropyDeclaration(
        (
            EntropySource("SSE Composite close 2026-03-02 (x100)", "published 2026-02-01"),
            EntropySource("Welfare lottery 3D 2026-03-02", "published 2026-02-01"),
        ),
        notary_commitment=notary_commitment(SECRET),
    )
    return declared.reveal(["321567", "4 0 7"], SECRET)


@pytest.fixture
def roster() -> list[RosterEntry]:
    return make_roster(60)


@pytest.fixture
def entropy() -> EntropyDeclaration:
    return make_entropy()


@pytest.fixture(params=["C loops", "pure Python"])
def speed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once with fairdraw's C loops (``_speedups``) and once without: both must
    give the same bytes. The C run is skipped only where the module could not be built."""
    from gaoxin.fairdraw import speedups

    if request.param == "C loops":
        if speedups.NATIVE is None:
            pytest.skip("fairdraw's C loops are not built here (no C compiler or OpenSSL headers)")
    else:
        monkeypatch.setattr(speedups, "NATIVE", None)
    return str(request.param)
