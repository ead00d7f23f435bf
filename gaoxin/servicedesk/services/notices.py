"""Notices (通知): zone staff send a public-health or emergency measure or a policy change to
the enterprises of chosen grids or key industries; each enterprise acknowledges on its page,
and the unacknowledged are listed for their grid officer to chase."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.accounts import roles
from gaoxin.accounts.choices import ScopeKind
from gaoxin.common import audit, notifications
from gaoxin.common.actors import Actor, user_of
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure
from gaoxin.registry.models import EnterpriseClassification, KeyIndustry

from .. import access, clock, errors
from ..choices import NoticeKind
from ..models import EnterpriseAssignment, Grid, Notice, NoticeRecipient
from ._common import text_field
from ._field import granted


def _codes(values: Iterable[str], known: set[str], *, zh: str, en: str) -> list[str]:
    codes = sorted({str(v).strip() for v in values if str(v).strip()})
    for code in codes:
        if code not in known:
            raise GaoxinError(errors.UNKNOWN_CODE, field_zh=zh, field_en=en, value=code[:32])
    return codes


@transaction.atomic
def send(
    *,
    actor: Actor,
    kind: str,
    title: str,
    body: str,
    grids: Iterable[str] = (),
    industries: Iterable[str] = (),
) -> Notice:
    """Send a notice to every enterprise served by one of `grids` or classified in one of the
    key `industries` today (the union), each once."""
    ensure(access.can_send_notice(actor), NOT_ALLOWED)
    ensure(
        kind in NoticeKind.values,
        errors.CHOICE_INVALID,
        field_zh="通知类别",
        field_en="Kind of notice",
        value=str(kind)[:20],
    )
    title = text_field(title, zh="通知标题", en="Title", limit=200)
    body = text_field(body, zh="通知正文", en="Text", limit=10000)
    grid_codes = _codes(
        grids, set(Grid.objects.values_list("code", flat=True)), zh="网格", en="Grids"
    )
    industry_codes = _codes(
        industries,
        set(KeyIndustry.objects.values_list("code", flat=True)),
        zh="重点产业",
        en="Key industries",
    )
    today = clock.today()
    current = EnterpriseAssignment.objects.filter(valid_from__lte=today).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
    classified = (
        EnterpriseClassification.objects.filter(
            industry__code__in=industry_codes, effective_from__lte=today
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .values("enterprise_id")
    )
    chosen = current.filter(Q(grid__code__in=grid_codes) | Q(enterprise_id__in=classified))
    targets = dict(chosen.values_list("enterprise_id", "grid_id"))
    ensure(bool(targets), errors.NO_RECIPIENTS)
    notice = Notice.objects.create(
        number=f"new-{uuid.uuid4().hex[:16]}",
        kind=kind,
        title=title,
        body=body,
        grids=grid_codes,
        industries=industry_codes,
        sent_by=user_of(actor),
        sent_on=today,
    )
    notice.number = f"TZ{today.year}-{notice.pk:05d}"
    notice.save(update_fields=["number"])
    NoticeRecipient.objects.bulk_create(
        [
            NoticeRecipient(notice=notice, enterprise_id=enterprise, grid_id=grid)
            for enterprise, grid in sorted(targets.items())
        ],
        batch_size=1000,
    )
    audit.record(
        actor=actor,
        action="servicedesk.notice.sent",
        obj=notice,
        after={
            "number": notice.number,
            "kind": kind,
            "title": title,
            "grids": grid_codes,
            "industries": industry_codes,
            "recipients": len(targets),
        },
    )
    codes = NoticeRecipient.objects.filter(notice=notice).values_list(
        "enterprise__credit_code", flat=True
    )
    people = granted(roles.ENTERPRISE_USER, ScopeKind.ENTERPRISE, set(codes))
    if people:
        notifications.notify(
            recipients=people,
            subject=f"{_('Notice')} {notice.number} {title}",
            body=body[:2000],
            link=f"/servicedesk/notices/{notice.number}/",
        )
    return notice


@transaction.atomic
def acknowledge(*, actor: Actor, pk: int) -> int:
    """The enterprise user acknowledges the notice for its enterprise(s). Acknowledging again
    keeps the first time. Returns how many acknowledgements were new."""
    rows = list(
        NoticeRecipient.objects.select_for_update(of=("self",))
        .select_related("enterprise", "notice")
        .filter(notice_id=pk, enterprise__credit_code__in=access.enterprises(actor))
    )
    ensure(bool(rows) and all(access.can_acknowledge(actor, r) for r in rows), NOT_ALLOWED)
    now = timezone.now()
    fresh = [r for r in rows if r.acknowledged_at is None]
    for row in fresh:
        row.acknowledged_at = now
        row.acknowledged_by = user_of(actor)
        row.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record(
            actor=actor,
            action="servicedesk.notice.acknowledged",
            obj=row.notice,
            after={"enterprise": row.enterprise.credit_code},
        )
    return len(fresh)
