"""The helpers tests rely on fail when they should: `raises_code` with another code, or with
no error at all, fails the test."""

from __future__ import annotations

import pytest

from gaoxin.common.errors import NOT_ALLOWED, NOT_FOUND, GaoxinError
from gaoxin.testing.errors import raises_code


def test_raises_code_passes_on_the_code_and_gives_the_error():
    with raises_code("not_allowed") as caught:
        raise GaoxinError(NOT_ALLOWED)
    assert caught.value.error is NOT_ALLOWED


def test_raises_code_fails_on_another_code_or_none():
    failed = pytest.raises(pytest.fail.Exception, match="expected the code not_allowed")
    with failed, raises_code("not_allowed"):
        raise GaoxinError(NOT_FOUND)
    with pytest.raises(pytest.fail.Exception, match="DID NOT RAISE"), raises_code("not_allowed"):
        pass
