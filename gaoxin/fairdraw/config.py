"""Draw configuration: units, rounds in precedence order, quota rules (spec §5)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from .canonical import (
    POOL_RE,
    RESERVED_ROUND_NAMES,
    canonical_json,
    ceil_div,
    decimal_string,
    parse_decimal,
)
from .errors import ConfigError, InputError

KeyMode = Literal["per_round", "shared"]
KEY_MODES: tuple[KeyMode, ...] = ("per_round", "shared")

#: Spec §5.1's grammar, ASCII only: count = "0" / [1-9][0-9]*; percent = count ["." [0-9]*[1-9]] "%"
_COUNT_RE = re.compile(r"0|[1-9][0-9]*", re.ASCII)
_PERCENT_RE = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]*[1-9])?%", re.ASCII)


@dataclass(frozen=True)
class Quota:
    """A round's quota rule.

    ``kind`` is ``"percent"`` (at least ``value`` percent of units, rounded up exactly),
    ``"count"`` (exactly ``value`` units, at most the units left) or ``"remainder"`` (every
    unit not reserved by the other rounds, plus reserve seats left unfilled).
    """

    kind: Literal["percent", "count", "remainder"]
    value: Fraction = Fraction(0)

    @classmethod
    def parse(cls, text: object) -> Quota:
        """Parse a quota in its one spelling (spec §5.1): ``"remainder"``, a count such as
        ``"40"`` or a percentage such as ``"30%"`` or ``"12.5%"``, ASCII digits, no leading
        zeros, no trailing fractional zeros, no sign, exponent, separator or white space.
        A JSON number (``3``) is not a quota: it would say neither count nor percent."""
        if not isinstance(text, str):
            shown = str(text) if isinstance(text, Decimal) else repr(text)
            raise ConfigError(
                f'quota must be a string such as "30%", "40" or "remainder", got {shown}',
                f'配额必须是字符串，如 "30%"、"40" 或 "remainder"，实际为 {shown}',
                field="quota",
            )
        if text == "remainder":
            return cls("remainder")
        if _COUNT_RE.fullmatch(text):
            return cls("count", Fraction(int(text)))
        if _PERCENT_RE.fullmatch(text):
            p = parse_decimal(text[:-1], "quota")
            if p > 100:
                raise ConfigError(
                    f"percentage above 100: {text!r}", f"百分比超过 100：{text!r}", field="quota"
                )
            return cls("percent", p)
        raise ConfigError(
            f'invalid quota {text!r} (spellings: "30%", "12.5%", "40", "remainder"; no '
            "leading or trailing zeros, signs, exponents, separators or spaces)",
            f'无效的配额 {text!r}（写法："30%"、"12.5%"、"40"、"remainder"；'
            "不得有多余的零、正负号、指数、分隔符或空格）",
            field="quota",
        )

    def text(self) -> str:
        """Canonical spelling: ``30%``, ``12.5%``, ``40``, ``remainder``."""
        if self.kind == "remainder":
            return "remainder"
        if self.kind == "count":
            return str(int(self.value))
        return decimal_string(self.value) + "%"

    def seats(self, units: int) -> int:
        """Reserved seats: ``ceil(p * units / 100)`` exactly, or the count; 0 for remainder."""
        if self.kind == "percent":
            return ceil_div(self.value.numerator * units, self.value.denominator * 100)
        if self.kind == "count":
            return int(self.value)
        return 0


@dataclass(frozen=True)
class RoundSpec:
    """One round: its name (used in keys), the pool it draws from and its quota."""

    name: str
    pool: str
    quota: Quota | str = "remainder"

    def __post_init__(self) -> None:
        if not isinstance(self.quota, Quota):
            object.__setattr__(self, "quota", Quota.parse(self.quota))
        if not isinstance(self.name, str) or not POOL_RE.fullmatch(self.name):
            raise ConfigError(
                f"invalid round name {self.name!r} (a-z 0-9 _, starting with a letter)",
                f"无效的轮次名称 {self.name!r}（仅允许 a-z 0-9 _，以字母开头）",
                field="name",
            )
        if self.name in RESERVED_ROUND_NAMES:
            raise ConfigError(
                f"round name {self.name!r} is reserved",
                f"轮次名称 {self.name!r} 为保留名称",
                field="name",
            )
        if not isinstance(self.pool, str) or not POOL_RE.fullmatch(self.pool):
            raise ConfigError(
                f"invalid pool name {self.pool!r}", f"无效的资格池名称 {self.pool!r}", field="pool"
            )

    @property
    def rule(self) -> Quota:
        if not isinstance(self.quota, Quota):  # __post_init__ parses strings into a Quota
            raise TypeError(f"round {self.name!r}: quota was not parsed")
        return self.quota

    @property
    def is_remainder(self) -> bool:
        return self.rule.kind == "remainder"


@dataclass(frozen=True)
class DrawConfig:
    """Units, rounds in precedence order, key mode and waitlist length (spec §5)."""

    units: int
    rounds: tuple[RoundSpec, ...]
    key_mode: KeyMode = "per_round"
    waitlist_length: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "rounds", tuple(self.rounds))
        if isinstance(self.units, bool) or not isinstance(self.units, int) or self.units < 1:
            raise ConfigError(
                f"units must be a positive whole number, got {self.units!r}",
                f"房源套数必须是正整数，实际为 {self.units!r}",
                field="units",
            )
        if (
            isinstance(self.waitlist_length, bool)
            or not isinstance(self.waitlist_length, int)
            or self.waitlist_length < 0
        ):
            raise ConfigError(
                f"waitlist_length must be a whole number >= 0, got {self.waitlist_length!r}",
                f"候补人数必须是非负整数，实际为 {self.waitlist_length!r}",
                field="waitlist_length",
            )
        if self.key_mode not in KEY_MODES:
            raise ConfigError(
                f"key_mode must be one of {', '.join(KEY_MODES)}, got {self.key_mode!r}",
                f"key_mode 必须是 {'、'.join(KEY_MODES)} 之一，实际为 {self.key_mode!r}",
                field="key_mode",
            )
        if not self.rounds:
            raise ConfigError("at least one round is required", "至少需要一个轮次", field="rounds")
        names = [r.name for r in self.rounds]
        for i, n in enumerate(names):
            if n in names[:i]:
                raise ConfigError(
                    f"duplicate round name {n!r}", f"轮次名称重复 {n!r}", field=f"rounds[{i}].name"
                )
        remainder = [i for i, r in enumerate(self.rounds) if r.is_remainder]
        if len(remainder) > 1:
            raise ConfigError(
                'at most one round may have quota "remainder"',
                '最多只能有一个轮次的配额为 "remainder"',
                field=f"rounds[{remainder[1]}].quota",
            )
        reserved = sum(self.reserved_seats(i) for i in range(len(self.rounds)))
        if reserved > self.units:
            raise ConfigError(
                f"reserved seats ({reserved}) exceed units ({self.units})",
                f"保留名额合计（{reserved}）超过房源套数（{self.units}）",
                field="rounds",
            )

    @property
    def pools(self) -> frozenset[str]:
        return frozenset(r.pool for r in self.rounds)

    @property
    def remainder_index(self) -> int | None:
        return next((i for i, r in enumerate(self.rounds) if r.is_remainder), None)

    def reserved_seats(self, index: int) -> int:
        """Seats round ``index`` reserves (0 for the remainder round)."""
        return self.rounds[index].rule.seats(self.units)

    def seats(self, index: int, allocated: int) -> int:
        """Seats offered in round ``index`` when ``allocated`` units are already taken.

        Reserve round: ``min(reserved, units - allocated)``. Remainder round:
        ``units - allocated - (seats reserved by later rounds)``.
        """
        left = self.units - allocated
        if self.rounds[index].is_remainder:
            later = sum(self.reserved_seats(j) for j in range(index + 1, len(self.rounds)))
            return max(0, left - later)
        return max(0, min(self.reserved_seats(index), left))

    def to_dict(self) -> dict[str, Any]:
        """Canonical JSON object of the configuration (spec §5.1)."""
        return {
            "units": self.units,
            "key_mode": self.key_mode,
            "waitlist_length": self.waitlist_length,
            "rounds": [
                {"name": r.name, "pool": r.pool, "quota": r.rule.text()} for r in self.rounds
            ],
        }

    def digest(self) -> bytes:
        """``SHA-256(canonical_json(to_dict()))``."""
        return hashlib.sha256(canonical_json(self.to_dict())).digest()

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None) -> DrawConfig:
        """Build from a parsed JSON object; errors name the field (e.g. ``rounds[1].quota``)."""
        try:
            return _config_from_dict(data)
        except InputError as exc:
            raise exc.at(source=source) from None


_CONFIG_KEYS = {"units", "key_mode", "waitlist_length", "rounds"}


def _config_from_dict(data: Any) -> DrawConfig:
    if not isinstance(data, dict):
        raise ConfigError("configuration must be a JSON object", "配置必须是 JSON 对象")
    unknown = sorted(set(data) - _CONFIG_KEYS)
    if unknown:
        raise ConfigError(
            f"unknown configuration field {unknown[0]!r}",
            f"未知的配置字段 {unknown[0]!r}",
            field=unknown[0],
        )
    for key in ("units", "rounds"):
        if key not in data:
            raise ConfigError("missing field", "缺少字段", field=key)
    units = data["units"]
    if isinstance(units, Decimal) or not isinstance(units, int) or isinstance(units, bool):
        raise ConfigError(
            f"units must be a whole number, got {units!r}",
            f"房源套数必须是整数，实际为 {units!r}",
            field="units",
        )
    rounds_data = data["rounds"]
    if not isinstance(rounds_data, list):
        raise ConfigError("rounds must be a list", "rounds 必须是数组", field="rounds")
    rounds: list[RoundSpec] = []
    for i, item in enumerate(rounds_data):
        if not isinstance(item, dict):
            raise ConfigError("round must be an object", "轮次必须是对象", field=f"rounds[{i}]")
        for key in ("name", "pool", "quota"):
            if key not in item:
                raise ConfigError("missing field", "缺少字段", field=f"rounds[{i}].{key}")
        extra = sorted(set(item) - {"name", "pool", "quota"})
        if extra:
            raise ConfigError(
                f"unknown field {extra[0]!r}",
                f"未知字段 {extra[0]!r}",
                field=f"rounds[{i}].{extra[0]}",
            )
        try:
            rounds.append(RoundSpec(name=item["name"], pool=item["pool"], quota=item["quota"]))
        except InputError as exc:
            raise exc.at(field=f"rounds[{i}].{exc.field or 'name'}") from None
    waitlist = data.get("waitlist_length", 0)
    if isinstance(waitlist, Decimal):
        raise ConfigError(
            "waitlist_length must be a whole number", "候补人数必须是整数", field="waitlist_length"
        )
    return DrawConfig(
        units=units,
        rounds=tuple(rounds),
        key_mode=data.get("key_mode", "per_round"),
        waitlist_length=waitlist,
    )


def default_config(
    units: int,
    *,
    waitlist_length: int | None = None,
    key_mode: KeyMode = "per_round",
    first_home_percent: str = "30",
    key_industry_percent: str = "30",
) -> DrawConfig:
    """The Hefei 职住平衡 pilot: 刚需 >= 30%, then key industry >= 30%, then the remainder.

    Pools: ``first_home``, ``key_industry``, ``general`` (every eligible registrant is in
    ``general``). The waitlist defaults to as many places as there are units.
    """
    return DrawConfig(
        units=units,
        rounds=(
            RoundSpec("first_home", "first_home", f"{first_home_percent}%"),
            RoundSpec("key_industry", "key_industry", f"{key_industry_percent}%"),
            RoundSpec("general", "general", "remainder"),
        ),
        key_mode=key_mode,
        waitlist_length=units if waitlist_length is None else waitlist_length,
    )


def reorder(config: DrawConfig, order: Sequence[str]) -> DrawConfig:
    """The same configuration with the rounds in another precedence order."""
    by_name = {r.name: r for r in config.rounds}
    return DrawConfig(
        units=config.units,
        rounds=tuple(by_name[n] for n in order),
        key_mode=config.key_mode,
        waitlist_length=config.waitlist_length,
    )
