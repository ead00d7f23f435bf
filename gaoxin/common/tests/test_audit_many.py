"""`audit.record_many` writes exactly the events `record` would, chained in order."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from gaoxin.common import audit
from gaoxin.common.actors import OPERATOR
from gaoxin.common.models import AuditChainHead, AuditEvent, CalendarYear

pytestmark = pytest.mark.django_db


def test_many_events_under_one_lock_verify_as_a_chain():
    audit.record(actor=OPERATOR, action="test.first")
    obj = CalendarYear.objects.first() or CalendarYear.objects.create(year=2099, source="t")
    made = audit.record_many(
        actor=OPERATOR,
        changes=[audit.Change("test.batch", obj, {"n": n}, {"n": n + 1}) for n in range(5)],
    )
    audit.record(actor=OPERATOR, action="test.last")
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", "action"))
    assert [a for _s, a in seqs][-7:] == ["test.first", *["test.batch"] * 5, "test.last"]
    assert [s for s, _a in seqs] == list(range(1, len(seqs) + 1))
    assert made[0].prev_hash == AuditEvent.objects.get(action="test.first").hash
    head = AuditChainHead.objects.get(pk=1)
    assert head.last_seq == seqs[-1][0]
    call_command("audit_verify")
    assert audit.record_many(actor=OPERATOR, changes=[]) == []
