"""What the statistics pages need: a name in the reader's language, a value as it is shown."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from .. import selectors_statistics as stats

register = template.Library()


@register.filter
def named(obj: Any, prefix: str) -> str:
    """`obj.<prefix>_zh` for a Chinese reader, `obj.<prefix>_en` otherwise."""
    chinese = (get_language() or "zh-hans").startswith("zh")
    return str(getattr(obj, f"{prefix}_zh" if chinese else f"{prefix}_en", ""))


@register.filter
def stat_value(value: Any, kind: str) -> str:
    return stats.shown(value, kind)
