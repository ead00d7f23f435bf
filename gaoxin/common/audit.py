"""The tamper-evident audit log: `record` appends an event to the hash chain inside the caller's
transaction; `verify_chain` walks the chain and reports the first edited, deleted, inserted or
reordered event.

Event hash (version 1) = SHA-256 of the canonical JSON (keys sorted, no spaces, UTF-8) of
{"v", "seq", "created_at" (UTC ISO 8601 with microseconds), "actor_id", "actor_name", "action",
"object_type", "object_id", "before", "after", "ip", "prev_hash"}; the first event's prev_hash is
64 zeros. docs/architecture.md ("Audit chain") describes it for auditors.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from .actors import Actor, is_system
from .errors import AUDIT_HEAD_MALFORMED, GaoxinError
from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
HASH_VERSION = 1

# The client IP of the request being served (set by ClientIPMiddleware), so services need not
# pass the request down just for the audit log.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


def to_json_value(value: Any) -> Any:
    """Normalise to plain JSON (dates, decimals, UUIDs become strings) exactly as it is stored."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def timestamp(moment: datetime) -> str:
    """UTC ISO 8601 with microseconds, as hashed and signed."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(event: AuditEvent) -> str:
    payload = {
        "v": HASH_VERSION,
        "seq": event.seq,
        "created_at": timestamp(event.created_at),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "ip": event.ip,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def _describe(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the service's transaction: the event commits or rolls
        back with the change it describes. `actor` is a user or a system actor (actors.py); an
    anonymous visitor (a failed sign-in) is recorded as "anonymous"."""
    if obj is not None:
        object_type, object_id = _describe(obj)
    # No savepoint: an event that cannot be written must undo the caller's change too, and two
    # round trips fewer matter while the caller holds its row locks (docs/reliability.md).
    with transaction.atomic(savepoint=False):
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, last_seq=0, last_hash=GENESIS_HASH)
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        is_user = not is_system(actor) and getattr(actor, "pk", None) is not None
        event = AuditEvent(
            seq=head.last_seq + 1,
            created_at=timezone.now(),
            actor_id=actor.pk if is_user else None,
            actor_name=actor.get_username() if is_user or is_system(actor) else "anonymous",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            before=to_json_value(dict(before) if before is not None else None),
            after=to_json_value(dict(after) if after is not None else None),
            ip=ip if ip is not None else current_ip.get(),
            prev_hash=head.last_hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.last_event_id = event.pk
        head.save(update_fields=["last_seq", "last_hash", "last_event_id"])
    return event


@dataclass(frozen=True)
class Change:
    """One event of `record_many`."""

    action: str
    obj: models.Model
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


def record_many(*, actor: Actor, changes: Iterable[Change]) -> list[AuditEvent]:
    """Append several events of one actor under a single lock of the chain head, in the order
    given, and write them in one statement: what a batch job (the service desk's deadline sweep)
    records for the rows it changed in one transaction. Each event is exactly what `record`
    would have written, chained one after the other."""
    changes = list(changes)
    if not changes:
        return []
    with transaction.atomic(savepoint=False):
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, last_seq=0, last_hash=GENESIS_HASH)
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        is_user = not is_system(actor) and getattr(actor, "pk", None) is not None
        name = actor.get_username() if is_user or is_system(actor) else "anonymous"
        ip = current_ip.get()
        events, seq, prev = [], head.last_seq, head.last_hash
        for change in changes:
            object_type, object_id = _describe(change.obj)
            seq += 1
            event = AuditEvent(
                seq=seq,
                created_at=timezone.now(),
                actor_id=actor.pk if is_user else None,
                actor_name=name,
                action=change.action,
                object_type=object_type,
                object_id=str(object_id),
                before=to_json_value(dict(change.before) if change.before is not None else None),
                after=to_json_value(dict(change.after) if change.after is not None else None),
                ip=ip,
                prev_hash=prev,
            )
            event.hash = prev = event_hash(event)
            events.append(event)
        created = AuditEvent.objects.bulk_create(events)
        head.last_seq, head.last_hash = seq, prev
        head.last_event_id = created[-1].pk if created[-1].pk is not None else head.last_event_id
        if created[-1].pk is None:  # a backend that does not return keys from bulk inserts
            head.last_event_id = AuditEvent.objects.get(seq=seq).pk
        head.save(update_fields=["last_seq", "last_hash", "last_event_id"])
    return created


@dataclass(frozen=True)
class ChainHead:
    event_id: int | None
    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.event_id}:{self.hash}" if self.event_id else f"0:{GENESIS_HASH}"


def locked_head() -> ChainHead:
    """The head with the chain's lock held until the caller's transaction ends (no event can
    be appended meanwhile)."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        return ChainHead(event_id=None, seq=0, hash=GENESIS_HASH)
    return ChainHead(event_id=head.last_event_id, seq=head.last_seq, hash=head.last_hash)


def chain_head() -> ChainHead:
    """The newest event, to be shown to auditors and written into every published document."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return ChainHead(event_id=None, seq=0, hash=GENESIS_HASH)
    return ChainHead(event_id=head.last_event_id, seq=head.last_seq, hash=head.last_hash)


@dataclass(frozen=True)
class Problem:
    # edited | deleted | inserted | reordered | truncated | head_missing | head_mismatch |
    # checkpoint_missing | checkpoint_mismatch | checkpoint_forged
    kind: str
    event_id: int | None
    detail_zh: str
    detail_en: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.detail_zh} / {self.detail_en}"


@dataclass
class VerifyReport:
    checked: int = 0
    problems: list[Problem] | None = None
    last: ChainHead | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


_FIELDS = (
    "id",
    "seq",
    "created_at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "ip",
    "prev_hash",
    "hash",
)


def _events_in_id_order(chunk_size: int = 5000) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("id").only(*_FIELDS).iterator(chunk_size=chunk_size)


def verify_chain(
    *,
    published_head: tuple[int, str] | None = None,
    checkpoints: Iterable[tuple[int, str]] = (),
) -> VerifyReport:
    """Walk every event in id (insertion) order. Stops collecting after the first problem of
    each kind is found in order; the first problem in the list is the first anomaly by id.

    `checkpoints` are (seq, hash) pairs the chain must still hold (signed checkpoints,
    `common/checkpoints.py`, whose signatures the caller has checked)."""
    report = VerifyReport(problems=[])
    wanted = {seq: digest.lower() for seq, digest in checkpoints if seq > 0}
    held: dict[int, str] = {}
    problems: list[Problem] = report.problems  # type: ignore[assignment]
    expected_seq = 1
    prev_hash = GENESIS_HASH
    prev_id: int | None = None
    missing: dict[int, int] = {}  # seq skipped so far -> id of the event after the gap
    hashes_seen: dict[int, str] = {}  # id -> hash, only of the published head's candidate
    for event in _events_in_id_order():
        report.checked += 1
        recomputed = event_hash(event)
        if recomputed != event.hash:
            problems.append(
                Problem(
                    "edited",
                    event.pk,
                    f"事件 #{event.pk}（序号 {event.seq}）的内容被修改：哈希不符。",
                    f"event #{event.pk} (seq {event.seq}) was edited: its hash does not match.",
                )
            )
            break
        if published_head and event.pk == published_head[0]:
            hashes_seen[event.pk] = event.hash
        if event.seq in wanted:
            held[event.seq] = event.hash
        if event.seq == expected_seq:
            if event.prev_hash != prev_hash:
                problems.append(
                    Problem(
                        "inserted",
                        event.pk,
                        f"事件 #{event.pk} 未链接到前一事件 #{prev_id}：链被插入或替换。",
                        f"event #{event.pk} does not link to the previous event #{prev_id}: "
                        "an event was inserted or replaced.",
                    )
                )
                break
        elif event.seq > expected_seq:
            for seq in range(expected_seq, min(event.seq, expected_seq + 10_000)):
                missing.setdefault(seq, event.pk)
        else:  # event.seq < expected_seq: this seq was either skipped (reordered) or seen
            if event.seq in missing:
                problems.append(
                    Problem(
                        "reordered",
                        missing[event.seq],
                        f"事件顺序被调换：序号 {event.seq} 的事件 #{event.pk} 出现在 "
                        f"#{missing[event.seq]} 之后。",
                        f"events were reordered: event #{event.pk} (seq {event.seq}) comes "
                        f"after #{missing[event.seq]}.",
                    )
                )
            else:
                problems.append(
                    Problem(
                        "inserted",
                        event.pk,
                        f"事件 #{event.pk} 是插入的：序号 {event.seq} 已经出现过。",
                        f"event #{event.pk} was inserted: seq {event.seq} was already used.",
                    )
                )
            break
        expected_seq = max(expected_seq, event.seq + 1)
        prev_hash = event.hash
        prev_id = event.pk
        report.last = ChainHead(event_id=event.pk, seq=event.seq, hash=event.hash)
    if not problems and missing:
        seq, after_id = min(missing.items())
        problems.append(
            Problem(
                "deleted",
                after_id,
                f"序号 {seq} 的事件被删除（在事件 #{after_id} 之前）。",
                f"the event with seq {seq} was deleted (before event #{after_id}).",
            )
        )
    if not problems:
        stored = chain_head()
        if report.last is not None and stored.seq > report.last.seq:
            problems.append(
                Problem(
                    "truncated",
                    stored.event_id,
                    f"最新的事件被删除：链头记录序号 {stored.seq}，链止于 {report.last.seq}。",
                    f"the newest events were deleted: the head records seq {stored.seq}, "
                    f"the chain ends at {report.last.seq}.",
                )
            )
    if not problems:
        for seq, digest in sorted(wanted.items()):
            if seq not in held:
                problems.append(
                    Problem(
                        "checkpoint_missing",
                        None,
                        f"已签名公布的检查点（序号 {seq}）不在链中：最新的事件被删除。",
                        f"the signed checkpoint at seq {seq} is not in the chain: the newest "
                        "events were deleted.",
                    )
                )
                break
            if held[seq] != digest:
                problems.append(
                    Problem(
                        "checkpoint_mismatch",
                        None,
                        f"序号 {seq} 的事件哈希与已签名的检查点不符：该事件或之前的事件被改写。",
                        f"the event at seq {seq} differs from the signed checkpoint: it or an "
                        "earlier event was rewritten.",
                    )
                )
                break
    if published_head is not None and not problems:
        head_id, head_hash = published_head
        if head_id not in hashes_seen:
            problems.append(
                Problem(
                    "head_missing",
                    head_id,
                    f"已公布的链头事件 #{head_id} 不在链中：链被截断。",
                    f"the published head event #{head_id} is not in the chain: it was cut off.",
                )
            )
        elif hashes_seen[head_id] != head_hash.lower():
            problems.append(
                Problem(
                    "head_mismatch",
                    head_id,
                    f"已公布的链头 #{head_id} 的哈希与链中不符：链被改写。",
                    f"the published head #{head_id} has a different hash in the chain: "
                    "the chain was rewritten.",
                )
            )
    return report


def parse_head(value: str) -> tuple[int, str]:
    event_id, _, digest = value.partition(":")
    digest = digest.strip().lower()
    if not event_id.strip().isdigit() or len(digest) != 64 or not _is_hex(digest):
        raise GaoxinError(AUDIT_HEAD_MALFORMED, value=value)
    return int(event_id), digest


def _is_hex(value: str) -> bool:
    return all(c in "0123456789abcdef" for c in value)
