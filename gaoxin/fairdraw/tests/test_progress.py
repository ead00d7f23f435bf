"""The command line's progress line (standard library only, so that fairdraw.pyz runs without
packages): drawn on a terminal's stderr, silent when quiet or not a terminal, and gone after."""

from __future__ import annotations

import io
import sys

import pytest

from gaoxin.fairdraw.__main__ import _bar, _stage_reporter, _ticker


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    bar = _bar(3, False, "verify")
    report = _stage_reporter(bar)
    report("roster")
    bar._shown = 0.0  # redraw now (it redraws at most ten times a second)
    report("seed")
    bar._shown = 0.0
    _ticker(bar)()
    shown = terminal.getvalue()
    assert "verify  1/3  roster" in shown and "verify  2/3  seed" in shown
    assert "verify  3/3  seed" in shown
    bar.close()
    assert terminal.getvalue().endswith("\r" + " " * 79 + "\r")


@pytest.mark.parametrize(("quiet", "stream"), [(True, Terminal()), (False, io.StringIO())])
def test_no_progress_when_quiet_or_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch, quiet: bool, stream: io.StringIO
) -> None:
    monkeypatch.setattr(sys, "stderr", stream)
    bar = _bar(2, quiet, "draw")
    _stage_reporter(bar)("roster")
    bar.close()
    assert stream.getvalue() == ""
