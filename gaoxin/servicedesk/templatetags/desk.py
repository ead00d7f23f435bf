"""Figures as the desk's pages show them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from gaoxin.common.auditwords import SYSTEM_ACTORS

register = template.Library()


@register.filter
def figure(value: Any, kind: str) -> str:
    """A rate as a percentage with one decimal, days with one decimal, a count as is;
    "—" when there is nothing to divide."""
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "days":
        return f"{value:.1f}"
    return f"{value:,}"


@register.filter
def change(value: Any, kind: str) -> str:
    """A period-over-period change: percentage points for rates."""
    if value is None:
        return ""
    if kind == "rate":
        return f"{value * 100:+.1f}"
    if kind == "days":
        return f"{value:+.1f}"
    return f"{value:+,}"


@register.filter
def who(name: str) -> SafeString:
    """Who wrote an entry: a part of the system in the reader's language, a person's account
    name marked as a name (not a word to translate)."""
    if name in SYSTEM_ACTORS:
        return format_html("{}", SYSTEM_ACTORS[name])
    return format_html('<span translate="no">{}</span>', name)


@register.filter
def person(user: Any) -> SafeString:
    """A person as the desk's pages name them: the display name, else the account name marked as
    a name (not a word to translate)."""
    if user is None:
        return format_html("{}", "—")
    shown = getattr(user, "display_name", "") or user.get_username()
    return format_html('<span translate="no">{}</span>', shown)


@register.filter
def overdue_on(item: Any, day: Any) -> bool:
    """`item.overdue_on(day)` for a template (a request or a hazard past its deadline)."""
    return bool(item.overdue_on(day))
