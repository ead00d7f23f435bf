"""Values leaving the system in files people open in Excel or WPS.

`neutralise` defuses spreadsheet formula injection (OWASP "CSV injection"): a text cell that
begins with = + - @ (or a tab or carriage return, which some spreadsheets skip before looking
for a formula) is prefixed with an apostrophe, so the program shows it as text instead of
evaluating it (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). Numbers and dates are left alone.

`printable` makes text from an uploaded file or a request safe to store and show: control
characters (NUL, which PostgreSQL refuses in text, among them) and lone UTF-16 surrogates
(which JSON can carry but no database can store) become visible escapes.

The published fairdraw roster and results CSVs are NOT passed through here: they are hashed
byte for byte, and hold only registration numbers, pool names, hex digests and numbers
(a test keeps it so: housing/tests/test_hostile.py)."""

from __future__ import annotations

import re
from typing import TypeVar

# What makes a spreadsheet program take text for a formula (OWASP CSV injection), including the
# full-width forms some programs also accept. One list for CSV (neutralise) and XLSX (xlsx.py).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

T = TypeVar("T")


def neutralise(value: T) -> T:
    """`value` unchanged unless it is text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value  # type: ignore[return-value]
    return value


def printable(text: str) -> str:
    """`text` with control characters (other than tab and line ends) shown as \\xNN, and lone
    surrogates as \\uNNNN."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None
