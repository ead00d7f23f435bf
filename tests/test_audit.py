"""`make audit` (scripts/audit.py) fails on a pinned version with a known vulnerability.

The real vulnerability feeds (OSV's API, PyPI's per-version JSON) are not reachable from this
workplace, so the audit is pointed at a stand-in for OSV's query API on 127.0.0.1 that knows
one advisory: Django 4.2.0's CVE-2023-31047 (file uploads bypassing validation), fixed in
4.2.1. A deliberately vulnerable pin fails the audit and is named; the project's own pin of
Django passes. The stand-in answers only this test's requests and stops with it."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ADVISORY = {
    "id": "PYSEC-2023-61",
    "aliases": ["CVE-2023-31047", "GHSA-7h4p-27mh-hmrw"],
    "summary": "Django: multiple files in one form field bypass upload validation",
    "published": "2023-05-07T02:15:00Z",
    "affected": [
        {
            "package": {"name": "django", "ecosystem": "PyPI"},
            "ranges": [
                {"type": "ECOSYSTEM", "events": [{"introduced": "4.2"}, {"fixed": "4.2.1"}]}
            ],
        }
    ],
}


class OsvStandIn(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        package, version = query["package"]["name"], query["version"]
        body = {"vulns": [ADVISORY]} if (package, version) == ("django", "4.2") else {}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def osv() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), OsvStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    server.shutdown()
    server.server_close()


def audit(requirements: Path, osv: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "GAOXIN_AUDIT_SERVICE": "osv", "GAOXIN_AUDIT_OSV_URL": osv}
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "audit.py"), str(requirements)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


def pin(tmp_path: Path, version: str) -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text(f"django=={version} \\\n    --hash=sha256:{'0' * 64}\n")
    return path


def test_a_vulnerable_pin_fails_the_audit_and_is_named(tmp_path, osv):
    done = audit(pin(tmp_path, "4.2"), osv)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "VULNERABLE django 4.2: PYSEC-2023-61 (fixed in 4.2.1)" in done.stdout
    assert "1 known vulnerabilities" in done.stdout


def test_the_projects_django_pin_passes(tmp_path, osv):
    lock = (ROOT / "requirements" / "base.txt").read_text()
    version = lock.split("\ndjango==")[1].split()[0]
    done = audit(pin(tmp_path, version), osv)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 audited, 0 without data from the service, 0 known vulnerabilities" in done.stdout
