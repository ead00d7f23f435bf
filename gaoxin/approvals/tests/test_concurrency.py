"""On PostgreSQL: two reviewers deciding one item at the same moment, each on its own
connection — one decision stands, the other is told who decided (nothing of it is written)."""

from __future__ import annotations

from datetime import date

import pytest

from gaoxin.approvals import services
from gaoxin.approvals.choices import ItemStatus
from gaoxin.approvals.models import ProjectItem
from gaoxin.common.errors import GaoxinError
from gaoxin.testing.concurrency import together

from .builders import dispatch, item, start, submit, zone

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_reviewers_decide_one_item_at_the_same_moment(on):
    z = zone()
    on(date(2026, 6, 1))
    p = start(z)
    submit(z, p, 1)
    dispatch(z, p, 1)
    shown = item(p, "S1-02")
    outcomes = together(
        [
            lambda: services.item_decide(
                actor=z.reviewers["zrzy"],
                item_pk=shown.pk,
                decision="approve",
                version=shown.version,
            ),
            lambda: services.item_decide(
                actor=z.reviewers2["zrzy"],
                item_pk=shown.pk,
                decision="refuse",
                version=shown.version,
                text="选址不符合规划",
            ),
        ]
    )
    won = [o for o in outcomes if isinstance(o, ProjectItem)]
    lost = [o for o in outcomes if isinstance(o, GaoxinError)]
    assert len(won) == 1 and len(lost) == 1
    assert lost[0].code == "approvals.conflict"
    assert lost[0].params["who"] == won[0].decided_by
    now = item(p, "S1-02")
    assert now.status == won[0].status and now.version == shown.version + 1
    assert now.status in (ItemStatus.APPROVED, ItemStatus.REFUSED)
