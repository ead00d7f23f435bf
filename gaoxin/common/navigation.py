"""The page shell's navigation, contributed by each app.

An app registers a provider in its AppConfig.ready(): a function of the request returning
(order, label, url) links that its own access.py rules allow. Lower apps never import higher
ones; the shell (accounts' context processor) just collects what was registered."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpRequest
from django.utils.functional import Promise

Link = tuple[int, str | Promise, str]
Provider = Callable[[HttpRequest], Iterable[Link]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def links_for(request: HttpRequest) -> list[tuple[str | Promise, str]]:
    links: list[Link] = []
    for provider in _providers:
        links.extend(provider(request))
    return [(label, url) for _order, label, url in sorted(links, key=lambda link: link[0])]
