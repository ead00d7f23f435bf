"""The optional C loops of ``_speedups.c``, or ``None``.

``NATIVE`` is the compiled module when it was built (the Gaoxin install compiles it where a C
compiler and OpenSSL's headers are present) and ``FAIRDRAW_PURE`` is not set in the
environment; otherwise ``None`` and every caller runs its pure-Python code, which computes the
same bytes (the tests compare the two). ``fairdraw.pyz`` is pure Python: it never has it.
"""

from __future__ import annotations

import os
from types import ModuleType


def _load() -> ModuleType | None:
    if os.environ.get("FAIRDRAW_PURE"):
        return None
    try:
        from . import _speedups  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    return _speedups


#: The compiled module, or None (tests set it to None to run the pure-Python code).
NATIVE: ModuleType | None = _load()
