"""The key-industry catalogue (重点产业目录) and enterprises' classifications in it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from gaoxin.common import audit
from gaoxin.common.actors import Actor, is_system
from gaoxin.common.errors import NOT_ALLOWED, GaoxinError, ensure

from .. import access, errors
from ..models import EnterpriseClassification, KeyIndustry


def _industry_json(industry: KeyIndustry) -> dict[str, Any]:
    return {
        "code": industry.code,
        "name_zh": industry.name_zh,
        "name_en": industry.name_en,
        "effective_from": industry.effective_from,
        "effective_to": industry.effective_to,
        "sort_order": industry.sort_order,
    }


def _check_period(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise GaoxinError(errors.PERIOD_INVALID, start=start, end=end)


@transaction.atomic
def industry_create(
    *,
    actor: Actor,
    code: str,
    name_zh: str,
    name_en: str,
    effective_from: date,
    effective_to: date | None = None,
    sort_order: int = 0,
) -> KeyIndustry:
    ensure(is_system(actor) or access.can_manage_catalogue(actor), NOT_ALLOWED)
    code = code.strip()
    ensure(
        not KeyIndustry.objects.filter(code=code).exists(), errors.INDUSTRY_CODE_TAKEN, code=code
    )
    _check_period(effective_from, effective_to)
    industry = KeyIndustry.objects.create(
        code=code,
        name_zh=name_zh.strip(),
        name_en=name_en.strip(),
        effective_from=effective_from,
        effective_to=effective_to,
        sort_order=sort_order,
    )
    audit.record(
        actor=actor,
        action="registry.industry.created",
        obj=industry,
        after=_industry_json(industry),
    )
    return industry


@transaction.atomic
def industry_update(*, actor: Actor, industry: KeyIndustry, **changes: Any) -> KeyIndustry:
    """Change names, order or the period in force (e.g. end a category: effective_to)."""
    ensure(is_system(actor) or access.can_manage_catalogue(actor), NOT_ALLOWED)
    industry = KeyIndustry.objects.select_for_update().get(pk=industry.pk)
    before = _industry_json(industry)
    allowed = {"name_zh", "name_en", "effective_from", "effective_to", "sort_order"}
    for name, value in changes.items():
        if name not in allowed:
            raise TypeError(name)
        setattr(industry, name, value)
    _check_period(industry.effective_from, industry.effective_to)
    after = _industry_json(industry)
    if after != before:
        industry.save()
        audit.record(
            actor=actor,
            action="registry.industry.changed",
            obj=industry,
            before=before,
            after=after,
        )
    return industry


def _classification_json(c: EnterpriseClassification) -> dict[str, Any]:
    return {
        "enterprise": c.enterprise.credit_code,
        "industry": c.industry.code,
        "effective_from": c.effective_from,
        "effective_to": c.effective_to,
        "basis": c.basis,
    }


@transaction.atomic
def classification_add(
    *,
    actor: Actor,
    enterprise: Any,
    industry: KeyIndustry,
    effective_from: date,
    effective_to: date | None,
    basis: str,
) -> EnterpriseClassification:
    """Record that `enterprise` belongs to `industry` from `effective_from`, on `basis`."""
    ensure(is_system(actor) or access.can_manage_catalogue(actor), NOT_ALLOWED)
    ensure(bool(basis.strip()), errors.BASIS_REQUIRED)
    _check_period(effective_from, effective_to)
    ensure(
        industry.in_force_on(effective_from),
        errors.INDUSTRY_NOT_EFFECTIVE,
        industry=industry.name_zh,
        start=effective_from,
    )
    overlapping = EnterpriseClassification.objects.select_for_update().filter(
        enterprise=enterprise, industry=industry
    )
    for other in overlapping:
        other_end = other.effective_to or date.max
        end = effective_to or date.max
        ensure(
            other.effective_from > end or other_end < effective_from,
            errors.CLASSIFICATION_OVERLAP,
            enterprise=enterprise.name,
            industry=industry.name_zh,
            start=other.effective_from,
        )
    classification = EnterpriseClassification.objects.create(
        enterprise=enterprise,
        industry=industry,
        effective_from=effective_from,
        effective_to=effective_to,
        basis=basis.strip(),
    )
    audit.record(
        actor=actor,
        action="registry.classification.created",
        obj=classification,
        after=_classification_json(classification),
    )
    return classification


@transaction.atomic
def classification_end(
    *, actor: Actor, classification: EnterpriseClassification, effective_to: date, basis: str = ""
) -> EnterpriseClassification:
    ensure(is_system(actor) or access.can_manage_catalogue(actor), NOT_ALLOWED)
    classification = (
        EnterpriseClassification.objects.select_for_update()
        .select_related("enterprise", "industry")
        .get(pk=classification.pk)
    )
    _check_period(classification.effective_from, effective_to)
    before = _classification_json(classification)
    classification.effective_to = effective_to
    if basis.strip():
        classification.basis = f"{classification.basis}；{basis.strip()}"[:300]
    classification.save()
    audit.record(
        actor=actor,
        action="registry.classification.ended",
        obj=classification,
        before=before,
        after=_classification_json(classification),
    )
    return classification
