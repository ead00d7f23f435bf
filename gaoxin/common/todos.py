"""Each role's home page is its to-do list: what waits for this user now, with links.

An app registers a provider in its AppConfig.ready(): a function of the request returning the
`Todo`s its own access rules and selectors find for the user (counts from data). Lower apps
never import higher ones; the home page (accounts) collects what was registered, grouped by
the role each item belongs to, as navigation.py does for the page shell's links."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import Promise


@dataclass(frozen=True)
class Todo:
    """One thing waiting for the user: under the home page's panel of `role` (a role code),
    worded by `label`, leading to `url`; `count` how many (None: a single task)."""

    role: str
    label: str | Promise
    url: str
    count: int | None = None
    order: int = 50


Provider = Callable[[HttpRequest], Iterable[Todo]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def todos_for(request: HttpRequest) -> dict[str, list[Todo]]:
    """The user's to-do items by role code, each role's in order."""
    found: dict[str, list[Todo]] = {}
    for provider in _providers:
        for todo in provider(request):
            found.setdefault(todo.role, []).append(todo)
    return {role: sorted(items, key=lambda t: t.order) for role, items in found.items()}
