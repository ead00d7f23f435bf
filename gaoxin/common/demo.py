"""Demo data for `make run`, contributed by each app.

Each app registers a loader in its AppConfig.ready() with an order (users first, then the
registry, then housing); `manage.py demo_data` runs them in order, each in its own transaction,
and prints what each returns. Lower apps never import higher ones."""

from __future__ import annotations

from collections.abc import Callable

Loader = Callable[[], list[str]]  # returns lines to print

_loaders: list[tuple[int, str, Loader]] = []


def register(order: int, name: str, loader: Loader) -> None:
    if all(existing != name for _order, existing, _loader in _loaders):
        _loaders.append((order, name, loader))


def loaders() -> list[tuple[str, Loader]]:
    return [(name, loader) for _order, name, loader in sorted(_loaders, key=lambda item: item[0])]
