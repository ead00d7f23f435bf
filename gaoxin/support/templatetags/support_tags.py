"""Sums of yuan as the policy writes them: 100,000,000 (the same in both languages)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def yuan(value: object) -> str:
    if value is None or value == "":
        return "—"
    try:
        return f"{int(value):,}"  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(value)
