"""Template filters for housing pages: pool codes shown as their names."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from ..choices import Pool, ReviewStatus

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
