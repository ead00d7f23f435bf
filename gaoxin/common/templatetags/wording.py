"""Filters that write values the way the reader's language does (issue #14, item 8)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def year_only(value: Any) -> str:
    """The year of a date shown alone (a masked birth date): 1990年 in Chinese, 1990 in English."""
    if not isinstance(value, date):
        return "—" if value in (None, "") else str(value)
    if (get_language() or "zh-hans").startswith("zh"):
        return f"{value.year}年"
    return str(value.year)


@register.simple_tag
def colon() -> str:
    """The colon after a label: full-width "：" in Chinese text, ": " in English."""
    return "：" if (get_language() or "zh-hans").startswith("zh") else ": "


def _zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


@register.simple_tag
def comma() -> str:
    """ "，" between parts of a Chinese sentence, ", " in English."""
    return "，" if _zh() else ", "


@register.simple_tag
def semicolon() -> str:
    return "；" if _zh() else "; "


@register.simple_tag
def lparen() -> str:
    """An opening parenthesis: full-width "（" in Chinese, " (" in English."""
    return "（" if _zh() else " ("


@register.simple_tag
def rparen() -> str:
    return "）" if _zh() else ")"
