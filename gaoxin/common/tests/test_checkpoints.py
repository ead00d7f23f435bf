"""Signed audit checkpoints (issue #13 item 7): an attacker with write access to the database
who deletes the newest events and rewrites the head, or edits an event and recomputes every
later hash, is caught by `audit_verify` without being handed a head."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from gaoxin.common import audit, checkpoints
from gaoxin.common.models import (
    AuditChainHead,
    AuditCheckpoint,
    AuditCountersignature,
    AuditEvent,
)
from gaoxin.testing.errors import raises_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(make_user, django_capture_on_commit_callbacks):
    """Eight events, a checkpoint over the first six (journal written after commit)."""
    actor = make_user("zone_admin")
    AuditEvent.objects.all().delete()
    AuditChainHead.objects.all().delete()
    events = [
        audit.record(actor=actor, action="demo.changed", object_type="demo", object_id=i)
        for i in range(6)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = checkpoints.checkpoint_create(actor=actor, reason="daily")
    events.append(AuditEvent.objects.get(action="audit.checkpoint"))
    events.append(audit.record(actor=actor, action="demo.changed", object_type="demo"))
    return events, checkpoint


def run_verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except SystemExit as exit_info:
        return int(exit_info.code or 0), err.getvalue()
    return 0, out.getvalue()


def rewrite_from(events: list[AuditEvent], start: int) -> None:
    """What an attacker with the database does: recompute every hash from `start` on and the
    stored head, so that the chain alone verifies."""
    prev = events[start - 1].hash if start else audit.GENESIS_HASH
    last = None
    for event in AuditEvent.objects.filter(seq__gte=events[start].seq).order_by("seq"):
        event.prev_hash = prev
        event.hash = audit.event_hash(event)
        event.save(update_fields=["prev_hash", "hash", "after"])
        prev, last = event.hash, event
    assert last is not None
    AuditChainHead.objects.filter(pk=1).update(
        last_seq=last.seq, last_event_id=last.pk, last_hash=last.hash
    )


def test_the_checkpoint_signs_the_head_and_is_journalled(signed):
    events, checkpoint = signed
    assert (checkpoint.seq, checkpoint.chain_hash) == (6, events[5].hash)
    line = json.loads(settings.GAOXIN_AUDIT_JOURNAL.read_text().splitlines()[0])
    assert line["signature"] == checkpoint.signature and line["seq"] == 6
    (published,) = checkpoints.published()
    assert checkpoints.signature_valid(published, checkpoints.trusted_keys())
    assert run_verify()[0] == 0


def test_deleting_the_newest_events_and_rewriting_the_head_is_caught(signed):
    events, _checkpoint = signed
    AuditEvent.objects.filter(seq__gte=4).delete()
    AuditChainHead.objects.filter(pk=1).update(
        last_seq=3, last_event_id=events[2].pk, last_hash=events[2].hash
    )
    assert audit.verify_chain().ok  # the chain alone cannot see it
    code, message = run_verify()
    assert code == 1 and "checkpoint_missing" in message


def test_editing_an_event_and_recomputing_every_later_hash_is_caught(signed):
    events, _checkpoint = signed
    AuditEvent.objects.filter(pk=events[2].pk).update(after={"forged": True})
    events[2].refresh_from_db()
    rewrite_from(events, 2)
    assert audit.verify_chain().ok
    code, message = run_verify()
    assert code == 1 and "checkpoint_mismatch" in message


def test_deleting_the_checkpoint_rows_hides_nothing(signed):
    events, _checkpoint = signed
    AuditCheckpoint.objects.all().delete()
    AuditEvent.objects.filter(seq__gte=4).delete()
    AuditChainHead.objects.filter(pk=1).update(
        last_seq=3, last_event_id=events[2].pk, last_hash=events[2].hash
    )
    code, message = run_verify()
    assert code == 1 and "checkpoint_missing" in message  # the journal still has it


def test_a_checkpoint_signed_with_another_key_is_forged(signed):
    events, _checkpoint = signed
    other = Ed25519PrivateKey.generate()
    message = checkpoints.signed_message(
        8, events[7].pk, "ab" * 32, "2026-12-02T00:00:00.000000Z", "daily"
    )
    AuditCheckpoint.objects.create(
        seq=8,
        event_id=events[7].pk,
        chain_hash="ab" * 32,
        reason="daily",
        signed_at="2026-12-02T00:00:00Z",
        public_key=checkpoints.public_key_hex(other),
        signature=other.sign(message).hex(),
    )
    code, text = run_verify()
    assert code == 1 and "checkpoint_forged" in text


def test_the_public_page_and_countersigning(signed, make_user):
    _events, checkpoint = signed
    page = Client().get("/audit/checkpoints/")
    assert page.status_code == 200
    body = page.content.decode()
    assert checkpoint.chain_hash in body and checkpoints.public_key_hex() in body
    assert "每日" in body
    listing = Client().get("/audit/checkpoints.json").json()
    assert listing["checkpoints"][0]["signature"] == checkpoint.signature

    notary = make_user("notary")
    client = Client()
    client.force_login(notary)
    response = client.post(f"/audit/checkpoints/{checkpoint.pk}/countersign/")
    assert response.status_code == 302
    assert AuditCountersignature.objects.filter(checkpoint=checkpoint, user=notary).exists()
    assert AuditEvent.objects.filter(action="audit.checkpoint_countersigned").count() == 1

    admin = Client()
    admin.force_login(make_user("zone_admin"))
    assert admin.post(f"/audit/checkpoints/{checkpoint.pk}/countersign/").status_code == 403
    with raises_code("not_allowed"):
        checkpoints.checkpoint_countersign(actor=make_user("zone_admin"), checkpoint=checkpoint)
