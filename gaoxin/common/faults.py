"""Test-only pause points, so fault tests can kill a process at an exact place (a draw with
its results written but not committed, a worker in the middle of an import).

`pause_point("housing.draw.results_written")` does nothing unless BOTH hold:

- the settings enable pause points (`GAOXIN_PAUSE_POINTS = True`: only the test settings do;
  base and production settings set it False), and
- the environment variable `GAOXIN_TEST_PAUSE_AT` names this point.

Then the process writes `"<point> <pid>\\n"` to the file descriptor named by
`GAOXIN_TEST_PAUSE_FD` (a pipe the test passed to it) and blocks until it is killed. The test
reads the line (no sleeping, no timing), sends SIGKILL, and checks what the database holds.
"""

from __future__ import annotations

import os
import threading

from django.conf import settings

PAUSE_AT = "GAOXIN_TEST_PAUSE_AT"
PAUSE_FD = "GAOXIN_TEST_PAUSE_FD"


def pause_point(name: str) -> None:
    if not getattr(settings, "GAOXIN_PAUSE_POINTS", False):
        return
    if os.environ.get(PAUSE_AT) != name:
        return
    fd = int(os.environ[PAUSE_FD])
    os.write(fd, f"{name} {os.getpid()}\n".encode())
    threading.Event().wait()  # until SIGKILL
