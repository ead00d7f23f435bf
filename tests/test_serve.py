"""`make run`'s `manage.py serve`: the web server and the background worker start together and
both stop on Ctrl-C (issue #12: a demo draw never waits for a worker nobody started)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append((int(entry.name), cmdline))
    return found


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


@pytest.mark.slow
def test_serve_runs_the_web_server_and_the_worker_and_ctrl_c_stops_both(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gaoxin.config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "GAOXIN_VAR_DIR": str(tmp_path),
    }
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=REPO)
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "serve", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                assert time.monotonic() < deadline, "the web server did not answer"
                time.sleep(0.5)
        children = _children(server.pid)
        commands = [command for _pid, command in children]
        assert any("runserver" in c for c in commands), commands
        assert any("db_worker" in c for c in commands), commands
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=60) == 0
        assert all(_gone(pid) for pid, _command in children)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
