"""The Python 3.9 stand-ins of gaoxin/fairdraw/_compat.py: on 3.10+ the built-ins run, so the
fallbacks that fairdraw.pyz uses on 3.9 are tested here directly."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.fairdraw import _compat


@given(st.lists(st.integers()), st.integers(min_value=-2, max_value=2))
def test_zip_strict_fallback_is_zip_strict(items: list[int], shift: int) -> None:
    other = [str(i) for i in items[: max(0, len(items) + shift)]] + ["x"] * max(0, shift)
    try:
        expected = list(zip(items, other, strict=True))
    except ValueError:
        with pytest.raises(ValueError):
            list(_compat._zip_strict((items, other)))
        with pytest.raises(ValueError):
            list(_compat.zip_strict(items, other))
    else:
        assert list(_compat._zip_strict((items, other))) == expected
        assert list(_compat.zip_strict(items, other)) == expected


@given(st.lists(st.integers()))
def test_pairwise_fallback_is_pairwise(items: list[int]) -> None:
    expected = list(itertools.pairwise(items))
    assert list(_compat._pairwise(items)) == expected == list(_compat.pairwise(items))
