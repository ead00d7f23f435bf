"""Character sets the PDF fonts are built for and checked against (pure Python, no Django: the
font build script imports it too).

- `tygf()`: the 8,105 characters of the 通用规范汉字表 (2013), by level, from
  `common/data/tygf_8105.txt` (its header names the source).
- `is_han(ch)`: a CJK unified or compatibility ideograph (URO, Ext A–I, compatibility blocks).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

TYGF_FILE = Path(__file__).resolve().parent / "data" / "tygf_8105.txt"

HAN_RANGES = (
    (0x3400, 0x4DBF),  # Ext A
    (0x4E00, 0x9FFF),  # URO
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x2A6DF),  # Ext B
    (0x2A700, 0x2EE5F),  # Ext C, D, E, F, I
    (0x2F800, 0x2FA1F),  # compatibility supplement
    (0x30000, 0x323AF),  # Ext G, H
)


def is_han(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in HAN_RANGES)


@cache
def tygf_levels() -> tuple[str, str, str]:
    """The table's three levels (3,500, 3,000 and 1,605 characters), each in the table's order."""
    levels: list[list[str]] = []
    for line in TYGF_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## level"):
            levels.append([])
        elif line and not line.startswith("#"):
            levels[-1].append(line)
    first, second, third = ("".join(level) for level in levels)
    return first, second, third


def tygf() -> str:
    """All 8,105 characters of the 通用规范汉字表, in the table's order."""
    return "".join(tygf_levels())
