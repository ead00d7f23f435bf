"""fairdraw's errors told in the words of a sale, in each language (issue #14, item 7).

fairdraw is a library without Django (it names a field as `sources[0].value` and carries an
English and a Chinese message); at the boundary, housing turns its error into a GaoxinError
whose Chinese says "第 1 个随机源（上证综指收盘点位）的取值 3215.67 不是非负整数……" and
whose English says "the value of source 1 (…)", never `field "sources[0].value": …`."""

from __future__ import annotations

import re
from typing import Any

from gaoxin import fairdraw
from gaoxin.common.errors import ErrorCode, GaoxinError

_INDEXED = re.compile(r"^(?P<list>sources|rounds)\[(?P<i>\d+)\](?:\.(?P<key>\w+))?$")

SOURCE_PARTS = {
    None: ("", ""),
    "value": ("的取值", "the value of "),
    "name": ("的名称", "the name of "),
    "declared": ("的公布方式", "where and when it is published, of "),
}
ROUND_PARTS = {
    None: ("", ""),
    "quota": ("的配额", "the quota of "),
    "name": ("的名称", "the name of "),
    "pool": ("的资格类别", "the pool of "),
}
FIELDS = {
    "sources": ("随机源声明", "the declared random sources"),
    "value": ("公开随机值", "the public random values"),
    "notary_secret": ("公证员的秘密值", "the notary's secret"),
    "notary_commitment": ("公证员的承诺值", "the notary's commitment"),
    "rounds": ("摇号轮次", "the draw's rounds"),
    "units": ("房源套数", "the number of units"),
    "waitlist_length": ("候补名额", "the waitlist length"),
    "key_mode": ("排序密钥方式", "the key mode"),
    "quota": ("配额", "the quota"),
}
# Messages fairdraw words for programmers, said again for the people of a sale.
PLAIN = [
    (
        re.compile(r"is not a non-negative whole number"),
        "不是非负整数：随机值只能由数字组成，"
        "带小数的数值去掉小数点后声明（例如收盘点位 3215.67 记为 321567）",
        "is not a whole number of 0 or more: write values with decimals without the point "
        "(an index close of 3215.67 as 321567)",
    ),
]


def where(field: str | None, sources: list[str] | None = None) -> tuple[str, str]:
    """The field fairdraw names, as a sale's people call it (Chinese, English)."""
    if not field:
        return "", ""
    match = _INDEXED.match(field)
    if match:
        n = int(match["i"]) + 1
        key = match["key"]
        if match["list"] == "sources":
            zh_part, en_part = SOURCE_PARTS.get(key, SOURCE_PARTS[None])
            name = sources[n - 1] if sources and n <= len(sources) else ""
            zh = f"第 {n} 个随机源{f'（{name}）' if name else ''}{zh_part}"
            en = f"{en_part}source {n}{f' ({name})' if name else ''}"
            return zh, en
        zh_part, en_part = ROUND_PARTS.get(key, ROUND_PARTS[None])
        return f"第 {n} 轮{zh_part}", f"{en_part}round {n}"
    return FIELDS.get(field, (field, field))


def _plain(error: fairdraw.FairdrawError) -> tuple[str, str]:
    location = getattr(error, "location", "")
    en = error.en.split(": ", 1)[1] if location and ": " in error.en else error.en
    zh = error.zh
    for pattern, plain_zh, plain_en in PLAIN:
        if pattern.search(en):
            value = re.search(r"'([^']*)'", en)
            shown = f" {value.group(1)}" if value else ""
            return f"{shown.strip()} {plain_zh}".strip(), f"{shown.strip()} {plain_en}".strip()
    return zh.replace("'", "“", 1).replace("'", "”", 1), en


def as_gaoxin_error(
    error: fairdraw.FairdrawError, code: ErrorCode, *, sources: list[str] | None = None
) -> GaoxinError:
    """`code`'s templates read `{detail}` (Chinese) and `{detail_en}` (English)."""
    where_zh, where_en = where(getattr(error, "field", None), sources)
    zh, en = _plain(error)
    params: dict[str, Any] = {
        "detail": f"{where_zh}：{zh}" if where_zh else zh,
        "detail_en": f"{where_en[:1].upper()}{where_en[1:]}: {en}" if where_en else en,
    }
    return GaoxinError(code, **params)
