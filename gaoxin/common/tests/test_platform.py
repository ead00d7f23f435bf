"""Platform guarantees: production settings refuse unsafe configurations, check --deploy is
clean, personal data never reaches the logs, the UI speaks Chinese first and English on
request, and the CSP allows nothing from outside."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from gaoxin.common.logfilters import PersonalDataFilter, mask_text

REPO = Path(__file__).resolve().parents[3]
GOOD_SECRET = "x" * 20 + "-not-a-real-production-secret-but-long-enough-0123456789"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "gaoxin.config.settings.production", **env})
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        env=environment,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "随机" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = run_manage("check", SECRET_KEY=GOOD_SECRET, DEBUG="1")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


@pytest.mark.slow
def test_check_deploy_is_clean():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="gaoxin.example.gov.cn",
        DATABASE_URL="postgres://gaoxin@localhost/gaoxin",
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("applicant 11010519491231002X registered", "applicant 110105********002X registered"),
        ("phone 13812345678 called", "phone 138****5678 called"),
        ("order 1234567890123456789012 stays", "order 1234567890123456789012 stays"),
    ],
)
def test_personal_data_is_masked_in_logs(text, masked):
    assert mask_text(text) == masked


def test_log_filter_masks_arguments():
    record = logging.LogRecord(
        "x", logging.INFO, "f", 1, "lookup %s", ("34010419900101123X",), None
    )
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "lookup 340104********123X"


def test_every_log_handler_masks():
    from django.conf import settings

    logging_config: dict = settings.LOGGING
    for handler in logging_config["handlers"].values():
        assert "mask_personal_data" in handler["filters"]


@pytest.mark.django_db
def test_chinese_by_default_whatever_the_browser_says():
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/accounts/login/")
    assert '<html lang="zh-CN">' in response.content.decode()
    assert "登录" in response.content.decode()


@pytest.mark.django_db
def test_english_on_request():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert (
        '<html lang="en">' in page
        and "Log in" in page
        and "登录" not in page.split("<body")[1].split("中文")[0]
    )


@pytest.mark.django_db
def test_csp_allows_only_this_origin():
    response = Client().get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "http" not in policy.replace("'self'", "")
    page = response.content.decode()
    assert "//cdn" not in page and "https://" not in page


def _po_entries(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a .po file, continuation lines joined; plural forms use [0]."""
    entries: list[tuple[str, str]] = []
    current: dict[str, str] = {}
    key = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#"):
            if "msgid" in current:
                entries.append(
                    (current["msgid"], current.get("msgstr", current.get("msgstr[0]", "")))
                )
                current = {}
            continue
        if line.startswith('"'):
            current[key] += line[1:-1]
            continue
        key, _, value = line.partition(" ")
        current[key] = value[1:-1]
    return entries


def test_every_ui_string_has_a_chinese_translation():
    po = REPO / "gaoxin/locale/zh_Hans/LC_MESSAGES/django.po"
    untranslated = [msgid for msgid, msgstr in _po_entries(po) if msgid and not msgstr]
    assert untranslated == []
    mo = po.with_suffix(".mo")
    assert mo.stat().st_mtime >= po.stat().st_mtime - 1, "run `make messages` to compile"


@pytest.mark.parametrize("name", ["500.html", "503.html"])
def test_the_bare_error_pages_fit_a_phone(name: str) -> None:
    """500 and 503 are rendered without the page shell (the database may be gone), so they
    carry their own viewport: without it a phone shows them zoomed out, unreadable."""
    from django.template.loader import render_to_string

    page = render_to_string(name, {"zh": "稍后再试", "en": "try again"})
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
