"""A refused call is asserted by its error's code: `pytest.raises(GaoxinError)` alone passes
for any refusal, the one meant or another (a permission check that fails for the wrong reason,
a state check that fires before the rule under test)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from gaoxin.common.errors import GaoxinError


@contextmanager
def raises_code(code: str) -> Iterator[pytest.ExceptionInfo[GaoxinError]]:
    """The block raises a `GaoxinError` whose code is `code` (e.g. "not_allowed",
    "housing.bad_transition"); the caught error is `.value` of what the block is given."""
    with pytest.raises(GaoxinError) as caught:
        yield caught
    if caught.value.code != code:
        pytest.fail(f"expected the code {code}, got {caught.value}")
