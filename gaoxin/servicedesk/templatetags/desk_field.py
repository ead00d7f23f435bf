"""Small filters for the visit and safety forms."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def add_index(prefix: str, index: int) -> str:
    return f"{prefix}{index}"


@register.filter
def get_key(mapping: Any, key: str) -> Any:
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
