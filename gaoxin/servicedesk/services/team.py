"""The zone edits the duties of a grid's team ("1+3": one core duty, enterprise service, plus
work safety, statistics and public-health prevention): add a duty, rename it, make it the core
one, stop using it. Who holds each duty in each grid is set by setup.set_duty_holder."""

from __future__ import annotations

import re

from django.db import transaction

from gaoxin.common import audit
from gaoxin.common.actors import Actor
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure

from .. import access, errors
from ..models import Duty
from ._common import text_field

CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@transaction.atomic
def save_duty(
    *,
    actor: Actor,
    code: str,
    name_zh: str,
    name_en: str,
    core: bool,
    active: bool,
    create: bool = False,
) -> Duty:
    """Create (`create`) or change the duty `code`. One duty is the core one: making a duty
    core makes the previous core duty an ordinary one; the core duty cannot be stopped."""
    ensure(access.can_configure(actor), NOT_ALLOWED)
    code = (code or "").strip()
    name_zh = text_field(name_zh, zh="中文名称", en="Chinese name", limit=50)
    name_en = text_field(name_en, zh="英文名称", en="English name", limit=100)
    if create:
        ensure(
            bool(CODE.match(code)),
            errors.FIELD_INVALID,
            field_zh="编码",
            field_en="Code",
            value=code[:40] or "—",
        )
        ensure(
            not Duty.objects.filter(code=code).exists(),
            errors.DUTY_CODE_TAKEN,
            code=code,
        )
        duty = Duty(code=code, sort_order=(Duty.objects.count() + 1) * 10)
        before: dict[str, object] = {}
    else:
        found = Duty.objects.select_for_update().filter(code=code).first()
        if found is None:
            raise GaoxinError(errors.UNKNOWN_DUTY, code=code[:40])
        duty = found
        before = {
            "name_zh": duty.name_zh,
            "name_en": duty.name_en,
            "core": duty.core,
            "active": duty.active,
        }
    ensure(not (core and not active), errors.CORE_DUTY_INACTIVE, name=name_zh)
    if duty.pk and duty.core and not core:
        raise GaoxinError(errors.CORE_DUTY_NEEDED, name=name_zh)
    duty.name_zh, duty.name_en, duty.core, duty.active = name_zh, name_en, core, active
    duty.save()
    previous_core = []
    if core:
        others = Duty.objects.select_for_update().filter(core=True).exclude(pk=duty.pk)
        previous_core = [d.code for d in others]
        others.update(core=False)
    audit.record(
        actor=actor,
        action="servicedesk.duty.created" if create else "servicedesk.duty.changed",
        obj=duty,
        before=before,
        after={
            "code": duty.code,
            "name_zh": name_zh,
            "name_en": name_en,
            "core": core,
            "active": active,
            "core_before": previous_core,
        },
    )
    return duty
