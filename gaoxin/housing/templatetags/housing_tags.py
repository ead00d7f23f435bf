"""Template filters for housing pages: pool codes shown as their names."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from gaoxin.registry.identifiers import mask_name

from ..choices import Pool, ReviewStatus, TurnSource, TurnStatus

register = template.Library()


@register.filter
def pool_label(code: str) -> str:
    try:
        return str(Pool(code).label)
    except ValueError:
        return code


@register.filter
def pools_label(codes: Iterable[str]) -> str:
    return "、".join(pool_label(code) for code in codes) or "—"


@register.filter
def review_status(code: str) -> str:
    try:
        return str(ReviewStatus(code).label)
    except ValueError:
        return code


@register.filter
def order_label(codes: Iterable[str]) -> str:
    return " → ".join(pool_label(code) for code in codes)


@register.filter
def turn_status(code: str) -> str:
    try:
        return str(TurnStatus(code).label)
    except ValueError:
        return code


@register.filter
def turn_source(code: str) -> str:
    try:
        return str(TurnSource(code).label)
    except ValueError:
        return code


@register.filter
def masked_applicant(turn: object) -> str:
    """The masked name of a turn's applicant (selectors prefetch them as `applicants`)."""
    members = getattr(getattr(turn, "application", None), "applicants", None) or []
    return mask_name(members[0].name) if members else "—"


@register.filter
def pvalue(value: float | None) -> str:
    """p-values as people read them: 3 significant digits, "< 0.001" below that."""
    if value is None:
        return "—"
    if value < 0.001:
        return "< 0.001"
    return f"{value:.3g}"
