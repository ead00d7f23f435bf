"""Audit checkpoints: the audit chain's head, signed with a key kept outside the database and
published, so that the chain can be checked without being handed a head by hand.

Someone with write access to the database can delete the newest events and rewrite the
stored head, or edit an event and recompute every later hash: the chain alone then still
verifies. A checkpoint fixes (seq, event id, hash) of the head at a moment with an Ed25519
signature; `verify_chain` (and `manage.py audit_verify`) checks the chain against every
checkpoint, so either attack is caught as soon as one checkpoint covers the changed events.

- The private key is a PEM file (`GAOXIN_AUDIT_KEY_FILE`), created with mode 0600 on first use
  when missing; the database never holds it. Checkpoints signed by any other key are reported
  as forged (`GAOXIN_AUDIT_TRUSTED_KEYS` adds old public keys after a key change).
- Every checkpoint is stored in the database (for the public page) and appended to a journal
  file (`GAOXIN_AUDIT_JOURNAL`, one JSON object a line, fsynced): verification reads both, so
  deleting rows in the database hides nothing.
- Signed message: the canonical JSON (keys sorted, no spaces, UTF-8) of
  {"type": "gaoxin/audit-checkpoint", "v": 1, "seq", "event_id", "hash", "signed_at" (UTC ISO
  8601, microseconds), "reason"}.
- A notary or auditor may countersign a checkpoint: an audited statement that they wrote the
  head down themselves.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import access, audit
from .actors import Actor
from .errors import NOT_ALLOWED, ensure
from .models import AuditCheckpoint, AuditCountersignature

MESSAGE_TYPE = "gaoxin/audit-checkpoint"
MESSAGE_VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    event_id: int | None
    hash: str
    signed_at: str
    reason: str
    public_key: str
    signature: str

    def message(self) -> bytes:
        return signed_message(self.seq, self.event_id, self.hash, self.signed_at, self.reason)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "event_id": self.event_id,
            "hash": self.hash,
            "signed_at": self.signed_at,
            "reason": self.reason,
            "public_key": self.public_key,
            "signature": self.signature,
        }


def signed_message(
    seq: int, event_id: int | None, digest: str, signed_at: str, reason: str
) -> bytes:
    payload = {
        "type": MESSAGE_TYPE,
        "v": MESSAGE_VERSION,
        "seq": seq,
        "event_id": event_id,
        "hash": digest,
        "signed_at": signed_at,
        "reason": reason,
    }
    return audit.canonical_json(payload).encode("utf-8")


# -- the key -------------------------------------------------------------------------------------


def _key_path() -> Path:
    return Path(settings.GAOXIN_AUDIT_KEY_FILE)


def signing_key() -> Ed25519PrivateKey:
    """The private key from its file; created (0600) when the file does not exist yet."""
    path = _key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise TypeError(f"{path} does not hold an Ed25519 private key")
    return loaded


def public_key_hex(key: Ed25519PrivateKey | None = None) -> str:
    raw = (
        (key or signing_key())
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return raw.hex()


def trusted_keys() -> set[str]:
    return {public_key_hex(), *(k.strip().lower() for k in settings.GAOXIN_AUDIT_TRUSTED_KEYS)}


def signature_valid(checkpoint: Checkpoint, keys: Iterable[str]) -> bool:
    if checkpoint.public_key not in set(keys):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(checkpoint.public_key)).verify(
            bytes.fromhex(checkpoint.signature), checkpoint.message()
        )
    except (InvalidSignature, ValueError):
        return False
    return True


# -- writing -------------------------------------------------------------------------------------


def _journal_path() -> Path:
    return Path(settings.GAOXIN_AUDIT_JOURNAL)


def _append_journal(checkpoint: Checkpoint) -> None:
    path = _journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(checkpoint.as_dict(), sort_keys=True, separators=(",", ":")) + "\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def checkpoint_create(*, actor: Actor, reason: str) -> AuditCheckpoint:
    """Sign the chain's current head. The head is read under the chain's lock, so no event can
    slip in between; the checkpoint's own audit event comes after the head it signs."""
    key = signing_key()
    with transaction.atomic():
        head = audit.locked_head()
        signed_at = audit.timestamp(timezone.now())
        message = signed_message(head.seq, head.event_id, head.hash, signed_at, reason)
        checkpoint = Checkpoint(
            seq=head.seq,
            event_id=head.event_id,
            hash=head.hash,
            signed_at=signed_at,
            reason=reason,
            public_key=public_key_hex(key),
            signature=key.sign(message).hex(),
        )
        row = AuditCheckpoint.objects.create(
            seq=checkpoint.seq,
            event_id=checkpoint.event_id,
            chain_hash=checkpoint.hash,
            reason=reason,
            signed_at=datetime.fromisoformat(signed_at.replace("Z", "+00:00")),
            public_key=checkpoint.public_key,
            signature=checkpoint.signature,
        )
        audit.record(
            actor=actor,
            action="audit.checkpoint",
            obj=row,
            after={"seq": head.seq, "hash": head.hash, "reason": reason},
        )
        transaction.on_commit(lambda: _append_journal(checkpoint))
    return row


def checkpoint_countersign(*, actor: Actor, checkpoint: AuditCheckpoint) -> AuditCountersignature:
    ensure(access.can_countersign_checkpoint(actor), NOT_ALLOWED)
    with transaction.atomic():
        row, created = AuditCountersignature.objects.get_or_create(
            checkpoint=checkpoint, user=actor
        )
        if created:
            audit.record(
                actor=actor,
                action="audit.checkpoint_countersigned",
                obj=checkpoint,
                after={"seq": checkpoint.seq, "hash": checkpoint.chain_hash},
            )
    return row


# -- reading -------------------------------------------------------------------------------------


def as_published(row: AuditCheckpoint) -> Checkpoint:
    """A stored checkpoint as the public page and a draw's protocol give it."""
    return _from_row(row)


def _from_row(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(
        seq=row.seq,
        event_id=row.event_id,
        hash=row.chain_hash,
        signed_at=audit.timestamp(row.signed_at),
        reason=row.reason,
        public_key=row.public_key,
        signature=row.signature,
    )


def _from_journal() -> list[Checkpoint]:
    path = _journal_path()
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            found.append(
                Checkpoint(
                    seq=int(data["seq"]),
                    event_id=None if data["event_id"] is None else int(data["event_id"]),
                    hash=str(data["hash"]),
                    signed_at=str(data["signed_at"]),
                    reason=str(data["reason"]),
                    public_key=str(data["public_key"]),
                    signature=str(data["signature"]),
                )
            )
        except (ValueError, KeyError, TypeError):
            continue  # a torn last line (crash mid-write) is not a checkpoint
    return found


def published() -> list[Checkpoint]:
    """Every checkpoint, from the database and the journal (one entry per signature), in the
    order of the chain."""
    merged = {c.signature: c for c in _from_journal()}
    for row in AuditCheckpoint.objects.order_by("seq", "signed_at"):
        merged.setdefault(row.signature, _from_row(row))
    return sorted(merged.values(), key=lambda c: (c.seq, c.signed_at))


@dataclass
class Verified:
    report: audit.VerifyReport
    checkpoints: int
    forged: list[Checkpoint]


def verify(*, published_head: tuple[int, str] | None = None) -> Verified:
    """The chain against every published checkpoint; a checkpoint whose signature does not
    verify under a trusted key is a problem of its own (someone wrote it without the key)."""
    keys = trusted_keys()
    found = published()
    good = [c for c in found if signature_valid(c, keys)]
    forged = [c for c in found if c not in good]
    report = audit.verify_chain(
        published_head=published_head, checkpoints=[(c.seq, c.hash) for c in good]
    )
    problems = report.problems if report.problems is not None else []
    for c in forged:
        problems.append(
            audit.Problem(
                "checkpoint_forged",
                c.event_id,
                f"序号 {c.seq} 的检查点签名无效或不是本系统的密钥签发：检查点是伪造的。",
                f"the checkpoint at seq {c.seq} has no valid signature from this system's key: "
                "it was forged.",
            )
        )
    report.problems = problems
    return Verified(report=report, checkpoints=len(good), forged=forged)


def signed_at_utc(checkpoint: Checkpoint) -> datetime:
    return datetime.fromisoformat(checkpoint.signed_at.replace("Z", "+00:00")).astimezone(UTC)
