"""OCR for tests that check what a rendered document shows: Debian's Tesseract with its
Simplified Chinese data (tesseract-ocr, tesseract-ocr-chi-sim; scripts/system-deps.sh installs
them). Without them the calling test is skipped with a message, unless GAOXIN_REQUIRE_BROWSER=1
(CI), where that is a failure — the same switch as the browser tests."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest


def require_tesseract(lang: str = "chi_sim") -> str:
    """The tesseract executable, or skip (fail under CI) when it or `lang` is missing."""
    executable = shutil.which("tesseract")
    langs = ""
    if executable:
        listed = subprocess.run(
            [executable, "--list-langs"], capture_output=True, text=True, check=False
        )
        langs = listed.stdout + listed.stderr
    if executable is None or lang not in langs.split():
        message = (
            f"Tesseract OCR with '{lang}' is not installed "
            "(apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
        )
        if os.environ.get("GAOXIN_REQUIRE_BROWSER") == "1":
            pytest.fail(message + ", and GAOXIN_REQUIRE_BROWSER=1 requires it")
        pytest.skip(message + ": skipped")
    return executable


def ocr(image: Path, lang: str = "chi_sim") -> str:
    """The text Tesseract reads in `image`, with all white space removed (Tesseract puts
    spaces between Chinese characters)."""
    executable = require_tesseract(lang)
    result = subprocess.run(
        [executable, str(image), "stdout", "-l", lang, "--psm", "4"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    return re.sub(r"\s+", "", result.stdout)
