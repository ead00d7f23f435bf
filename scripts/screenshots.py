#!/usr/bin/env python
"""Screenshots of each role's main page, at a phone's width (390 px) and a laptop's (1366 px),
in Chinese and in English, into docs/screenshots/ (README, "For developers").

    .venv/bin/python scripts/screenshots.py              # the demo, as `make run` builds it
    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8000   # a running app
    .venv/bin/python scripts/screenshots.py --page reviewer:/housing/manage/GX26D/review/

Without --base it builds a fresh demo database in a temporary directory (migrate, demo_data),
starts the app on a free port and stops it afterwards. It drives Debian's Chromium through
Playwright (the browser tests' setup) and signs in through the login form with the demo
accounts' passwords. Each picture is the page from its top down to at most MAX_HEIGHT pixels.
--page ROLE:PATH (repeatable) shoots only those pages, into --out (default: a temporary
directory), for looking at one page while working on it. Not part of `make test`."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WIDTHS = {"390": (390, 844), "1366": (1366, 900)}
LANGUAGES = ("zh", "en")
MAX_HEIGHT = 2400
# Each role's main page: its home page, the to-do list of what waits for it. A visitor's is
# the list of sales.
MAIN_PAGES = {
    "anonymous": "/housing/",
    "admin": "/",
    "reviewer": "/",
    "developer": "/",
    "notary": "/",
    "auditor": "/",
    "applicant": "/",
    "counter": "/",
    # The service desk (网格化企业服务): the officer on a phone at an enterprise's door, and so on.
    "officer": "/",
    "gridleader": "/",
    "department": "/",
    "leadership": "/",
    "enterprise": "/",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def demo_app() -> Iterator[str]:
    """The app on a fresh demo database; yields its base URL."""
    var_dir = tempfile.mkdtemp(prefix="gaoxin-shots-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gaoxin.config.settings.local",
        "GAOXIN_VAR_DIR": var_dir,
        "PYTHONPATH": str(REPO),
    }
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=REPO)  # noqa: S603
    subprocess.run([*manage, "demo_data"], env=env, check=True, cwd=REPO, capture_output=True)  # noqa: S603
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(var_dir, ignore_errors=True)


def shoot(base: str, pages: list[tuple[str, str]], out: Path, names: list[str]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        for (role, path), name in zip(pages, names, strict=True):
            for language in LANGUAGES:
                for width_name, (width, height) in WIDTHS.items():
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, locale="zh-CN"
                    )
                    if language == "en":
                        context.add_cookies(
                            [{"name": "gaoxin_language", "value": "en", "url": base}]
                        )
                    page = context.new_page()
                    if role != "anonymous":
                        page.goto(f"{base}/accounts/login/")
                        page.fill("input[name=username]", role)
                        page.fill("input[name=password]", f"demo-{role}-2026")
                        page.click("form:has(input[name=username]) button[type=submit]")
                        page.wait_for_load_state("networkidle")
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    full = page.evaluate("document.documentElement.scrollHeight")
                    target = out / f"{name}-{language}-{width_name}.png"
                    page.screenshot(
                        path=str(target),
                        full_page=True,
                        clip={"x": 0, "y": 0, "width": width, "height": min(full, MAX_HEIGHT)},
                    )
                    written.append(target)
                    context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="a running app's base URL (default: start the demo)")
    parser.add_argument("--out", type=Path, help="where to write (default: docs/screenshots)")
    parser.add_argument("--page", action="append", default=[], help="ROLE:PATH, repeatable")
    args = parser.parse_args()
    if args.page:
        pages = [tuple(p.split(":", 1)) for p in args.page]
        names = [
            f"{role}{path.strip('/').replace('/', '_') and '-' + path.strip('/').replace('/', '_')}"
            for role, path in pages
        ]
        out = args.out or Path(tempfile.mkdtemp(prefix="gaoxin-page-"))
    else:
        pages = list(MAIN_PAGES.items())
        names = [role for role, _path in pages]
        out = args.out or REPO / "docs" / "screenshots"
    if args.base:
        written = shoot(args.base.rstrip("/"), pages, out, names)
    else:
        with demo_app() as base:
            written = shoot(base, pages, out, names)
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
