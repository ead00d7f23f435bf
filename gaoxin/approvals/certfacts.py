"""A certificate's facts and their digest: what the public verification page checks."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def facts_digest(facts: dict[str, Any]) -> str:
    text = json.dumps(facts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
