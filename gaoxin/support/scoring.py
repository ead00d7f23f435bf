"""The panel's scoring rule for an open call, as plain arithmetic (no database).

Per criterion, over the scores of the experts not excluded from the application: when there are
at least `trim_from` of them (the call's setting, 5 by default), the single highest and the
single lowest are dropped and the rest averaged; otherwise the plain mean of all. The total is
the weighted mean of the criteria's results (weights as published with the call); an
application with a criterion nobody has scored has no total yet."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

PLACES = Decimal("0.01")


def criterion_result(values: Sequence[int], trim_from: int) -> tuple[Decimal | None, bool]:
    """(mean, trimmed): the result of one criterion, and whether high and low were dropped."""
    if not values:
        return None, False
    ordered = sorted(values)
    trimmed = len(ordered) >= max(trim_from, 3)
    if trimmed:
        ordered = ordered[1:-1]
    return Decimal(sum(ordered)) / Decimal(len(ordered)), trimmed


def weighted_total(results: Sequence[tuple[Decimal | None, int]]) -> Decimal | None:
    """The weighted mean of (result, weight) pairs, two decimals; None if any result is."""
    if not results or any(result is None for result, _w in results):
        return None
    weights = sum(w for _r, w in results)
    if weights <= 0:
        return None
    total = sum((r * w for r, w in results if r is not None), Decimal(0)) / Decimal(weights)
    return total.quantize(PLACES, rounding=ROUND_HALF_UP)


def rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(PLACES, rounding=ROUND_HALF_UP)
