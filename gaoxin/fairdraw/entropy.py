"""Public entropy in RFC 3797 form, the notary secret, and the seed (spec §6)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ._compat import zip_strict
from .canonical import SPEC_VERSION, canonical_hex64, lp, lps
from .errors import EntropyError, InputError

SEED_TAG = f"{SPEC_VERSION}/seed"
_NUMBER_RE = re.compile(r"[0-9]+")


def canonical_source_value(value: str) -> str:
    """RFC 3797 canonical form of one source's value (spec §6.2).

    The value is one or more non-negative decimal integers separated by whitespace or
    commas. Each is written without leading zeros; they are sorted numerically and each is
    followed by ``.``; the source ends with ``/``. ``"2 5 12 8 10"`` gives ``"2.5.8.10.12./"``.
    """
    parts = value.replace(",", " ").split()
    if not parts:
        raise EntropyError("source value is empty", "随机源取值为空", field="value")
    numbers: list[int] = []
    for part in parts:
        if not _NUMBER_RE.fullmatch(part):
            raise EntropyError(
                f"source value {part!r} is not a non-negative whole number (declare sources with "
                "fractions as integers, e.g. index close 3215.67 as 321567)",
                f"随机源取值 {part!r} 不是非负整数"
                "（含小数的随机源应声明为整数，如 3215.67 写作 321567）",
                field="value",
            )
        numbers.append(int(part))
    return "".join(f"{n}." for n in sorted(numbers)) + "/"


def key_string(values: Sequence[str]) -> str:
    """RFC 3797 key string: the canonical values of the sources in declared order."""
    return "".join(canonical_source_value(v) for v in values)


def notary_commitment(secret: str) -> str:
    """Commitment to a notary secret: plain ``SHA-256(UTF-8(secret))`` in hex.

    Plain so a notary can compute it with any tool, e.g. ``printf '%s' SECRET | sha256sum``.
    The secret should carry at least 128 bits of randomness (e.g. 32 hex digits).
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class EntropySource:
    """A public random source declared in advance; ``value`` is filled at the reveal."""

    name: str
    declared: str
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "declared": self.declared, "value": self.value}


@dataclass(frozen=True)
class EntropyDeclaration:
    """Sources (RFC 3797 style) and an optional notary commitment, fixed before the roster
    closes; revealed values and the notary secret are added at the draw."""

    sources: tuple[EntropySource, ...]
    notary_commitment: str | None = None
    notary_secret: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", tuple(self.sources))
        if self.notary_commitment is not None:
            object.__setattr__(
                self,
                "notary_commitment",
                canonical_hex64(self.notary_commitment, "notary_commitment"),
            )

    def reveal(self, values: Sequence[str], notary_secret: str | None = None) -> EntropyDeclaration:
        """The declaration with the sources' values (in declared order) and secret filled in."""
        if len(values) != len(self.sources):
            raise EntropyError(
                f"{len(values)} values revealed for {len(self.sources)} declared sources",
                f"公布了 {len(values)} 个取值，但声明了 {len(self.sources)} 个随机源",
                field="value",
            )
        sources = tuple(replace(s, value=v) for s, v in zip_strict(self.sources, values))
        return replace(self, sources=sources, notary_secret=notary_secret)

    def check(self) -> None:
        """Raise unless every source is revealed and the notary secret matches its commitment."""
        if not self.sources:
            raise EntropyError("no entropy source declared", "未声明任何随机源", field="sources")
        for i, s in enumerate(self.sources):
            if s.value is None:
                raise EntropyError(
                    f"source {i + 1} ({s.name}) has no revealed value",
                    f"随机源 {i + 1}（{s.name}）尚未公布取值",
                    field=f"sources[{i}].value",
                )
            try:
                canonical_source_value(s.value)
            except InputError as exc:
                raise EntropyError(exc.en, exc.zh, field=f"sources[{i}].value") from None
        if self.notary_commitment is not None:
            if self.notary_secret is None:
                raise EntropyError(
                    "a notary commitment was declared but no notary secret was revealed",
                    "已声明公证密钥承诺，但未公布公证密钥",
                    field="notary_secret",
                )
            if notary_commitment(self.notary_secret) != self.notary_commitment:
                raise EntropyError(
                    "the revealed notary secret does not match the declared commitment",
                    "公布的公证密钥与事先声明的承诺不符",
                    field="notary_secret",
                )
        elif self.notary_secret is not None:
            raise EntropyError(
                "a notary secret was revealed but no commitment was declared in advance",
                "公布了公证密钥，但事先未声明其承诺",
                field="notary_secret",
            )

    def key_string(self) -> str:
        self.check()
        return key_string([s.value or "" for s in self.sources])

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": [s.to_dict() for s in self.sources],
            "notary_commitment": self.notary_commitment,
            "notary_secret": self.notary_secret,
        }

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None) -> EntropyDeclaration:
        try:
            return _entropy_from_dict(data)
        except InputError as exc:
            raise exc.at(source=source) from None


def _entropy_from_dict(data: Any) -> EntropyDeclaration:
    if not isinstance(data, dict):
        raise EntropyError("entropy must be a JSON object", "随机源声明必须是 JSON 对象")
    if "sources" not in data:
        raise EntropyError("missing field", "缺少字段", field="sources")
    raw = data["sources"]
    if not isinstance(raw, list):
        raise EntropyError("sources must be a list", "sources 必须是数组", field="sources")
    sources: list[EntropySource] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise EntropyError(
                "source must be an object", "随机源必须是对象", field=f"sources[{i}]"
            )
        for key in ("name", "declared"):
            if not isinstance(item.get(key), str):
                raise EntropyError(
                    "missing or not a string", "缺少字段或不是字符串", field=f"sources[{i}].{key}"
                )
        value = item.get("value")
        if value is not None and not isinstance(value, str):
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            else:
                raise EntropyError(
                    "value must be a string of whole numbers",
                    "取值必须是由整数组成的字符串",
                    field=f"sources[{i}].value",
                )
        sources.append(EntropySource(item["name"], item["declared"], value))
    commitment = data.get("notary_commitment")
    secret = data.get("notary_secret")
    for key, val in (("notary_commitment", commitment), ("notary_secret", secret)):
        if val is not None and not isinstance(val, str):
            raise EntropyError("must be a string or null", "必须是字符串或 null", field=key)
    return EntropyDeclaration(tuple(sources), commitment, secret)


def derive_seed(
    key_str: str, notary_secret: str | None, roster_root: bytes, config_digest: bytes
) -> bytes:
    """``SHA-256(lp("fairdraw/1/seed") || lp(key string) || lp(notary secret or "")
    || lp(roster root) || lp(config digest))`` (spec §6.4)."""
    data = (
        lps(SEED_TAG)
        + lps(key_str)
        + lps(notary_secret or "")
        + lp(roster_root)
        + lp(config_digest)
    )
    return hashlib.sha256(data).digest()
