"""What the approvals desk's tests share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from gaoxin.approvals import clock


@pytest.fixture
def on(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Set the desk's today (clock.today, which every service of the desk reads)."""

    def move_to(day: date) -> None:
        monkeypatch.setattr(clock, "today", lambda: day)

    return move_to
