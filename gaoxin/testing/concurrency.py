"""Two (or more) things at the same moment, for the tests that show a lock holds."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection

from gaoxin.common.errors import GaoxinError


def together(calls: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run the calls at the same moment, each in its own thread on its own database
    connection; their outcomes in order (a refusal, ``GaoxinError``, is an outcome)."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def go(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[index] = call()
        except GaoxinError as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
