"""On PostgreSQL: two leaders approve, at the same moment, two awards that each fit the
recipient's ceiling but not together. Only one passes; the other is refused naming the sums."""

from __future__ import annotations

from typing import Any

import pytest

from gaoxin.common.errors import GaoxinError
from gaoxin.support.choices import AwardStatus, LedgerKind
from gaoxin.support.models import Award, LedgerEntry
from gaoxin.support.services import awards
from gaoxin.testing.concurrency import together

from .builders import proposed, zone

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("programme", ["competition", "talent-year"])
def test_two_leaders_approving_at_once_cannot_pass_a_ceiling_together(programme):
    z = zone()
    if programme == "competition":
        a = proposed(z, "competition", z.firm.credit_code, 7_000_000)
        b = proposed(z, "competition", z.firm.credit_code, 7_000_000)
        expected = "support.over_recipient_ceiling"
    else:  # two different people, the year's ceiling shared
        from gaoxin.registry.tests.factories import PersonFactory

        people: list[Any] = [PersonFactory() for _ in range(4)]
        for p in people[:3]:
            awards.award_approve(
                actor=z.leader, pk=proposed(z, "talent", p.id_number, 5_000_000).pk
            )
        a = proposed(z, "talent", z.talent.id_number, 3_000_000)
        b = proposed(z, "talent", people[3].id_number, 3_000_000)
        expected = "support.over_year_ceiling"
    outcomes = together(
        [
            lambda: awards.award_approve(actor=z.leader, pk=a.pk),
            lambda: awards.award_approve(actor=z.leader2, pk=b.pk),
        ]
    )
    won = [o for o in outcomes if isinstance(o, Award)]
    lost = [o for o in outcomes if isinstance(o, GaoxinError)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].code == expected
    assert lost[0].params["committed"] == (
        "7,000,000" if programme == "competition" else "18,000,000"
    )
    approved = Award.objects.filter(pk__in=[a.pk, b.pk], status=AwardStatus.APPROVED)
    assert approved.count() == 1
    commitments = LedgerEntry.objects.filter(award__in=[a, b], kind=LedgerKind.COMMITMENT)
    assert commitments.count() == 1
