"""Test-only pause points, so fault tests can kill a process at an exact place (a draw with
its results written but not committed, a worker in the middle of an import).

`pause_point("housing.draw.results_written")` does nothing unless BOTH hold:

- the settings enable pause points (`GAOXIN_PAUSE_POINTS = True`: only the test settings do;
  base and production settings set it False), and
- the environment variable `GAOXIN_TEST_PAUSE_AT` names this point.

Then the process writes `"<point> <pid>\\n"` to the file descriptor named by
`GAOXIN_TEST_PAUSE_FD` (a pipe the test passed to it) and blocks until it is killed. The test
reads the line (no sleeping, no timing), sends SIGKILL, and checks what the database holds.

In the test's own process, `acting_at(point, action)` runs `action` once when the code reaches
the point instead (under the same setting): a test restarts PostgreSQL between a registration's
commit and its answer that way (`housing.registration.committed`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings

PAUSE_AT = "GAOXIN_TEST_PAUSE_AT"
PAUSE_FD = "GAOXIN_TEST_PAUSE_FD"
_actions: dict[str, Callable[[], None]] = {}


@contextmanager
def acting_at(name: str, action: Callable[[], None]) -> Iterator[None]:
    """Run `action` (once, in this process) when the code reaches pause point `name`."""
    _actions[name] = action
    try:
        yield
    finally:
        _actions.pop(name, None)


def pause_point(name: str) -> None:
    if not getattr(settings, "GAOXIN_PAUSE_POINTS", False):
        return
    action = _actions.pop(name, None)
    if action is not None:
        action()
        return
    if os.environ.get(PAUSE_AT) != name:
        return
    fd = int(os.environ[PAUSE_FD])
    os.write(fd, f"{name} {os.getpid()}\n".encode())
    threading.Event().wait()  # until SIGKILL
