"""What fairdraw needs from Python newer than 3.9, written for 3.9.

`fairdraw.pyz` (docs/fairdraw-spec.md, "How to verify") promises Python 3.9 or newer and
nothing else, so the package uses no 3.10+ call: `zip(strict=True)`, `itertools.pairwise`,
`dataclass(slots=True)` and `isinstance(x, A | B)` go through here. `make check` keeps it true
(mypy --python-version 3.9 over the package, gaoxin/housing/tests/test_fairdraw_pyz.py).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar, overload

_A = TypeVar("_A")
_B = TypeVar("_B")
_C = TypeVar("_C")

#: keyword arguments for ``@dataclass``: slots where Python has them (3.10+)
SLOTS: dict[str, Any] = {"slots": True} if sys.version_info >= (3, 10) else {}


class _Sentinel:
    pass


_MISSING = _Sentinel()


@overload
def zip_strict(a: Iterable[_A], b: Iterable[_B], /) -> Iterator[tuple[_A, _B]]: ...
@overload
def zip_strict(
    a: Iterable[_A], b: Iterable[_B], c: Iterable[_C], /
) -> Iterator[tuple[_A, _B, _C]]: ...
def zip_strict(*iterables: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    """``zip(*iterables, strict=True)``: raises ``ValueError`` when the lengths differ (the
    built-in where Python has it, so 3.10+ pays nothing)."""
    if sys.version_info >= (3, 10):  # noqa: UP036 (fairdraw.pyz runs on 3.9)
        return zip(*iterables, strict=True)
    return _zip_strict(iterables)


def _zip_strict(iterables: tuple[Iterable[Any], ...]) -> Iterator[tuple[Any, ...]]:
    iterators = [iter(it) for it in iterables]
    while True:
        row = [next(it, _MISSING) for it in iterators]
        ended = [item is _MISSING for item in row]
        if all(ended):
            return
        if any(ended):
            raise ValueError("zip_strict: arguments have different lengths")
        yield tuple(row)


def pairwise(iterable: Iterable[_A]) -> Iterator[tuple[_A, _A]]:
    """``itertools.pairwise``: (s0, s1), (s1, s2), …"""
    if sys.version_info >= (3, 10):  # noqa: UP036 (fairdraw.pyz runs on 3.9)
        return itertools.pairwise(iterable)
    return _pairwise(iterable)


def _pairwise(iterable: Iterable[_A]) -> Iterator[tuple[_A, _A]]:
    iterator = iter(iterable)
    previous = next(iterator, _MISSING)
    if isinstance(previous, _Sentinel):
        return
    for item in iterator:
        yield previous, item
        previous = item
