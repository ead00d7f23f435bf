"""Warnings about a row that is imported all the same: a name with a character that no font
bundled for the PDF documents can draw (`gaoxin.common.pdf`; it would print as `〔U+XXXX〕`).
The registry keeps the name as the agency sent it; the officer is told, row and column named,
so that a mistyped or private-use character can be corrected at its source."""

from __future__ import annotations

from typing import Any

from gaoxin.common import pdf
from gaoxin.common.errors import ErrorCode

from .. import errors
from .columns import Spec

NAME_FIELDS = ("name",)


def row_warnings(spec: Spec, record: Any) -> list[tuple[int, ErrorCode, dict[str, str]]]:
    """(column, error, params) for each undrawable character of the row's name fields."""
    found = []
    for column, key in enumerate(spec.keys):
        if key not in NAME_FIELDS:
            continue
        for char in pdf.undrawable(str(getattr(record, key, "") or "")):
            code = f"U+{ord(char):04X}"
            found.append((column, errors.ROW_NAME_UNPRINTABLE, {"char": char, "code": code}))
    return found
