"""Canonical encodings shared by every digest in fairdraw/1 (spec §2)."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from .errors import InputError

SPEC_VERSION = "fairdraw/1"

REGNO_RE = re.compile(r"[0-9A-Z][0-9A-Z._-]{0,63}")
POOL_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")
HEX64_RE = re.compile(r"[0-9a-f]{64}")
#: The white space trimmed from input fields (spec §2.1, §3.4): space and tab, nothing else.
BLANKS = " \t"

#: Round names that may not be used for allocation rounds (they name derived orders).
RESERVED_ROUND_NAMES = frozenset({"waitlist", "choice"})
#: Key name used by every allocation round and the waitlist in ``shared`` key mode.
SHARED_KEY_NAME = "*"


def lp(data: bytes) -> bytes:
    """Length-prefix ``data``: 4-byte unsigned big-endian length, then the bytes."""
    return len(data).to_bytes(4, "big") + data


def lps(text: str) -> bytes:
    """Length-prefixed UTF-8 encoding of ``text``."""
    return lp(text.encode("utf-8"))


def canonical_registration_number(value: str) -> str:
    """Canonical registration number: surrounding spaces and tabs removed, ASCII upper case.

    Must then match ``[0-9A-Z][0-9A-Z._-]{0,63}``.
    """
    text = value.strip(BLANKS).upper() if value.isascii() else value
    if not REGNO_RE.fullmatch(text):
        raise InputError(
            f"invalid registration number {value!r} (allowed: A-Z 0-9 . _ -, 1-64 characters, "
            "starting with a letter or digit)",
            f"无效的登记号 {value!r}（仅允许 A-Z 0-9 . _ -，1 至 64 个字符，以字母或数字开头）",
            field="registration_number",
        )
    return text


def canonical_pool(value: str) -> str:
    """A pool name: ``[a-z][a-z0-9_]{0,31}`` (already canonical; no case folding)."""
    text = value.strip(BLANKS)
    if not POOL_RE.fullmatch(text):
        raise InputError(
            f"invalid pool name {value!r} (allowed: a-z 0-9 _, starting with a letter)",
            f"无效的资格池名称 {value!r}（仅允许 a-z 0-9 _，以字母开头）",
            field="pools",
        )
    return text


def canonical_hex64(value: str, field: str) -> str:
    """A SHA-256 digest in lower-case hex (64 characters); input may use upper case."""
    text = value.strip(BLANKS).lower()
    if not HEX64_RE.fullmatch(text):
        raise InputError(
            f"expected 64 hexadecimal characters, got {value!r}",
            f"应为 64 位十六进制字符，实际为 {value!r}",
            field=field,
        )
    return text


def canonical_json(value: Any) -> bytes:
    """Canonical JSON (spec §2.3): UTF-8, keys sorted, no insignificant whitespace.

    Only objects with string keys, arrays, strings, integers, booleans and null are
    allowed; floats are rejected so that no number has two spellings.
    """
    _reject_floats(value)
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            "a string holds a lone surrogate (U+D800-U+DFFF), which is not Unicode text",
            "字符串含有不成对的代理项（U+D800-U+DFFF），不是 Unicode 文本",
        ) from None


def _reject_floats(value: Any) -> None:
    if isinstance(value, (float, Decimal)):
        raise InputError(
            f"non-integer number {value!r} not allowed in canonical JSON; write it as a string",
            f"规范 JSON 中不允许非整数数字 {value!r}，请写成字符串",
        )
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError("object keys must be strings", "对象的键必须是字符串")
            _reject_floats(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _reject_floats(item)


def parse_decimal(value: str | int | Decimal, field: str) -> Fraction:
    """Parse a non-negative finite decimal exactly (no binary floating point)."""
    if isinstance(value, bool):
        raise InputError(
            f"expected a number, got {value!r}", f"应为数字，实际为 {value!r}", field=field
        )
    try:
        dec = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise InputError(
            f"expected a decimal number, got {value!r}",
            f"应为十进制数，实际为 {value!r}",
            field=field,
        ) from None
    if not dec.is_finite() or dec < 0:
        raise InputError(
            f"expected a non-negative decimal number, got {value!r}",
            f"应为非负十进制数，实际为 {value!r}",
            field=field,
        )
    return Fraction(dec)


def decimal_string(value: Fraction) -> str:
    """Canonical decimal spelling of a terminating decimal fraction: ``30``, ``12.5``."""
    dec = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(dec) != value:
        raise ValueError("not a terminating decimal")
    if dec == dec.to_integral_value():
        return str(int(dec))
    return format(dec.normalize(), "f")


def ceil_div(numerator: int, denominator: int) -> int:
    """Exact ceiling of ``numerator / denominator`` for positive denominators."""
    return -((-numerator) // denominator)
