"""pytest fixtures for browser tests: Playwright driving Debian's Chromium (never a downloaded
browser). Use `page` with pytest-django's `live_server`, or with `demo_server` (the app as
`make run` serves it: migrated SQLite, demo data, runserver).

Without Chromium the browser tests are skipped with a message, unless GAOXIN_REQUIRE_BROWSER=1
(CI), where that is a failure."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def chromium_path() -> str | None:
    return os.environ.get("GAOXIN_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        message = "Debian's chromium is not installed (apt-get install chromium): skipped"
        if os.environ.get("GAOXIN_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures, assertions) are still synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-gpu",
            ],
        )
        yield instance
        instance.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context; `page.gaoxin_requests` lists every URL the page asked for."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    requested: list[str] = []
    new_page.on("request", lambda request: requested.append(request.url))
    new_page.gaoxin_requests = requested
    yield new_page
    context.close()


def external_requests(urls: list[str]) -> list[str]:
    """The requests that left this machine (anything but loopback or data:/blob: URLs)."""
    outside = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            continue
        if parts.hostname not in LOCAL_HOSTS:
            outside.append(url)
    return outside


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def demo_server() -> Iterator[str]:
    """The app exactly as `make run` brings it up (after its install step): a fresh SQLite
    database in a temporary GAOXIN_VAR_DIR, `migrate`, `demo_data --if-empty`, `runserver`."""
    var_dir = tempfile.mkdtemp(prefix="gaoxin-demo-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gaoxin.config.settings.local",
        "GAOXIN_VAR_DIR": var_dir,
    }
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=REPO)
    subprocess.run(
        [*manage, "demo_data", "--if-empty"], env=env, check=True, cwd=REPO, capture_output=True
    )
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310
                break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the demo server did not start") from None
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(var_dir, ignore_errors=True)
