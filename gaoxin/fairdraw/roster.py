"""Roster entries, identity commitments and roster files (spec §3)."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, eq
from pathlib import Path
from typing import Any

from ._compat import SLOTS, pairwise, zip_strict
from .canonical import (
    BLANKS,
    SPEC_VERSION,
    canonical_hex64,
    canonical_pool,
    canonical_registration_number,
    lp,
    lps,
)
from .errors import InputError

IDENTITY_TAG = f"{SPEC_VERSION}/identity"
_POOL_SEPARATORS = re.compile(r"[;, \t]+")

_POOLSETS: dict[frozenset[str], frozenset[str]] = {}
_POOL_TEXT: dict[frozenset[str], str] = {}


def _intern_pools(pools: frozenset[str]) -> frozenset[str]:
    found = _POOLSETS.get(pools)
    if found is None:
        found = _POOLSETS.setdefault(pools, pools)
        _POOL_TEXT[found] = ";".join(sorted(found))
    return found


def pools_text(pools: frozenset[str]) -> str:
    """Canonical text of a pool set: names sorted ascending, joined by ``;``."""
    text = _POOL_TEXT.get(pools)
    if text is None:
        text = ";".join(sorted(pools))
    return text


@dataclass(frozen=True, **SLOTS)
class RosterEntry:
    """One registrant as published: no personal data, only a salted commitment.

    Construction canonicalises and validates every field (spec §3.1): registration
    number upper-cased, pools a non-empty set of pool names, commitment lower-case hex.
    """

    registration_number: str
    pools: frozenset[str]
    identity_commitment: str
    line: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        regno = canonical_registration_number(self.registration_number)
        raw_pools: Any = self.pools
        if isinstance(raw_pools, str):  # spec §3.4: names separated by ; , space or tab
            raw_pools = [name for name in _POOL_SEPARATORS.split(raw_pools) if name]
        pools = frozenset(canonical_pool(p) for p in raw_pools)
        if not pools:
            raise InputError(
                "entry must be eligible for at least one pool",
                "每个登记必须至少属于一个资格池",
                field="pools",
            )
        commitment = canonical_hex64(self.identity_commitment, "identity_commitment")
        object.__setattr__(self, "registration_number", regno)
        object.__setattr__(self, "pools", _intern_pools(pools))
        object.__setattr__(self, "identity_commitment", commitment)
        object.__setattr__(self, "line", f"{regno},{pools_text(self.pools)},{commitment}")

    @classmethod
    def make(
        cls, registration_number: str, pools: Iterable[str] | str, identity_commitment: str
    ) -> RosterEntry:
        """Build an entry from any iterable of pool names (or a ``;``-separated string)."""
        return cls(registration_number, pools, identity_commitment)  # type: ignore[arg-type]

    def canonical(self) -> str:
        """Canonical entry line (spec §3.2): ``regno,pool1;pool2,commitment``."""
        return self.line


def new_salt() -> str:
    """A fresh random salt: 32 lower-case hex characters (128 bits from ``secrets``)."""
    return secrets.token_hex(16)


def identity_commitment(identity: str, salt: str | bytes) -> str:
    """Salted commitment to an applicant's identity (spec §3.3), lower-case hex.

    ``SHA-256(lp("fairdraw/1/identity") || lp(salt) || lp(NFC(identity) as UTF-8))`` where a
    ``str`` salt is taken as its UTF-8 bytes. Keep the salt private with the applicant's
    record; publishing it (to the applicant) lets them check their own entry.
    """
    salt_bytes = salt.encode("utf-8") if isinstance(salt, str) else bytes(salt)
    ident = unicodedata.normalize("NFC", identity).encode("utf-8")
    data = lps(IDENTITY_TAG) + lp(salt_bytes) + lp(ident)
    return hashlib.sha256(data).hexdigest()


def sort_roster(entries: Iterable[RosterEntry]) -> list[RosterEntry]:
    """Entries sorted by registration number (bytewise); duplicates rejected."""
    ordered = sorted(entries, key=attrgetter("registration_number"))
    regnos = [e.registration_number for e in ordered]
    if any(map(eq, regnos, regnos[1:])):
        dup = next(a for a, b in pairwise(regnos) if a == b)
        raise InputError(
            f"duplicate registration number {dup}",
            f"登记号重复 {dup}",
            field="registration_number",
        )
    return ordered


ROSTER_COLUMNS = ("registration_number", "pools", "identity_commitment")


def parse_roster_csv(
    text: str, *, source: str = "roster.csv", known_pools: frozenset[str] | None = None
) -> list[RosterEntry]:
    """Parse a roster CSV exactly as spec §3.4 defines it (header
    ``registration_number,pools,identity_commitment``, columns in any order, others ignored).

    One byte-order mark at the start is ignored; lines end in LF or CRLF (any other CR is
    refused); fields are split at every ``,`` and never quoted (a ``"`` is refused); spaces and
    tabs around a field are removed; a line of empty fields is skipped. Errors name the file,
    the line and the field.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the last line end
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, start=1):
        if line.endswith("\r"):
            line = line[:-1]
        if "\r" in line:
            raise InputError(
                "a CR that does not end a line (line ends are LF or CRLF)",
                "行内出现不作为行尾的 CR（行尾只能是 LF 或 CRLF）",
                source=source,
                line=number,
            )
        if '"' in line:
            raise InputError(
                "a double quote: roster fields are never quoted (none can contain a comma)",
                "出现双引号：名单字段不加引号（任何字段都不含逗号或引号）",
                source=source,
                line=number,
            )
        rows.append((number, [cell.strip(BLANKS) for cell in line.split(",")]))
    if not rows:
        raise InputError("file is empty", "文件为空", source=source, line=1)
    header = rows[0][1]
    for column in ROSTER_COLUMNS:
        count = header.count(column)
        if count != 1:
            raise InputError(
                f"column {column} appears {count} times in the header (once is required)",
                f"表头中列 {column} 出现 {count} 次（须恰好一次）",
                source=source,
                line=1,
                field=column,
            )
    idx = [header.index(c) for c in ROSTER_COLUMNS]
    width = len(header)
    entries: list[RosterEntry] = []
    for number, row in rows[1:]:
        if not any(row):
            continue
        if len(row) != width:
            raise InputError(
                f"expected {width} fields, found {len(row)}",
                f"应有 {width} 个字段，实际 {len(row)} 个",
                source=source,
                line=number,
            )
        entries.append(
            _entry_from_fields(
                row[idx[0]], row[idx[1]], row[idx[2]], known_pools, source=source, line=number
            )
        )
    return entries


def parse_canonical_roster(text: str) -> list[RosterEntry]:
    """Split a roster file that is in canonical form (as ``roster_csv`` writes it) into
    entries WITHOUT validating the fields: about ten times faster than ``parse_roster_csv``.

    Only for a caller that checks the Merkle root of the result against a root computed from
    validated entries (e.g. the root the roster was frozen and confirmed with): a matching root
    means every line is byte for byte a validated canonical line; any other file gives another
    root. Structural problems (header, field count) raise ``InputError``.
    """
    lines = text.split("\n")
    if lines[0] != ",".join(ROSTER_COLUMNS):
        raise InputError(
            "not a canonical roster header", "不是规范的名单表头", source="roster.csv", line=1
        )
    pool_sets: dict[str, frozenset[str]] = {}
    entries: list[RosterEntry] = []
    new = object.__new__
    assign = object.__setattr__
    for number, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        fields = line.split(",")
        if len(fields) != 3:
            raise InputError(
                f"expected 3 fields, found {len(fields)}",
                f"应有 3 个字段，实际 {len(fields)} 个",
                source="roster.csv",
                line=number,
            )
        regno, pools_field, commitment = fields
        pools = pool_sets.get(pools_field)
        if pools is None:
            pools = pool_sets[pools_field] = _intern_pools(frozenset(pools_field.split(";")))
        entry = new(RosterEntry)
        assign(entry, "registration_number", regno)
        assign(entry, "pools", pools)
        assign(entry, "identity_commitment", commitment)
        assign(entry, "line", line)
        entries.append(entry)
    return entries


def _entry_from_fields(
    regno: Any,
    pools: Any,
    commitment: Any,
    known_pools: frozenset[str] | None,
    *,
    source: str,
    line: int | None = None,
    entry: int | None = None,
) -> RosterEntry:
    for name, value in zip_strict(ROSTER_COLUMNS, (regno, pools, commitment)):
        if name == "pools" and isinstance(value, list):
            if not all(isinstance(p, str) for p in value):
                raise InputError(
                    "pool names must be strings",
                    "资格池名称必须是字符串",
                    source=source,
                    line=line,
                    entry=entry,
                    field=name,
                )
            continue
        if not isinstance(value, str):
            raise InputError(
                f"expected a string, got {json.dumps(value, ensure_ascii=False)}",
                f"应为字符串，实际为 {json.dumps(value, ensure_ascii=False)}",
                source=source,
                line=line,
                entry=entry,
                field=name,
            )
    try:
        result = RosterEntry.make(regno, pools, commitment)
    except InputError as exc:
        raise exc.at(source=source, line=line, entry=entry) from None
    if known_pools is not None:
        for pool in sorted(result.pools):
            if pool not in known_pools:
                raise InputError(
                    f'unknown pool "{pool}" (configured: {", ".join(sorted(known_pools))})',
                    f'未知的资格池 "{pool}"',
                    source=source,
                    line=line,
                    entry=entry,
                    field="pools",
                )
    return result


def parse_roster_json(
    text: str, *, source: str = "roster.json", known_pools: frozenset[str] | None = None
) -> list[RosterEntry]:
    """Parse a roster JSON: a list of objects, or ``{"entries": [...]}``.

    Each object has ``registration_number`` (string), ``pools`` (list of strings or a
    ``;``-separated string) and ``identity_commitment``. Entries are numbered from 1.
    """
    data = load_json_text(text, source)
    if isinstance(data, dict) and "entries" in data:
        data = data["entries"]
    if not isinstance(data, list):
        raise InputError(
            'expected a JSON array of entries or {"entries": [...]}',
            '应为登记数组或 {"entries": [...]}',
            source=source,
        )
    entries: list[RosterEntry] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise InputError(
                "entry must be a JSON object", "登记必须是 JSON 对象", source=source, entry=number
            )
        for column in ROSTER_COLUMNS:
            if column not in item:
                raise InputError(
                    "missing field", "缺少字段", source=source, entry=number, field=column
                )
        entries.append(
            _entry_from_fields(
                item["registration_number"],
                item["pools"],
                item["identity_commitment"],
                known_pools,
                source=source,
                entry=number,
            )
        )
    return entries


def load_json_text(text: str, source: str) -> Any:
    """``json.loads`` with exact decimals, refusing a member named twice in one object (spec
    §2.3: such a document has no single meaning), and bilingual errors naming line and
    column."""
    from decimal import Decimal

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise InputError(
                    f"member {key!r} appears twice in one object",
                    f"同一对象中成员 {key!r} 出现了两次",
                    source=source,
                )
            seen[key] = value
        return seen

    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=unique)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg} (column {exc.colno})",
            f"JSON 格式错误：{exc.msg}（第 {exc.colno} 列）",
            source=source,
            line=exc.lineno,
        ) from None
    _refuse_lone_surrogates(data, source)
    return data


def _refuse_lone_surrogates(value: Any, source: str) -> None:
    """Spec §2.3: strings are Unicode text. ``"\\ud800"`` parses to a lone surrogate, which
    has no UTF-8 encoding and so no canonical JSON: unreadable input, not a crash."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and not item.isascii():
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(
                    "a string holds a lone surrogate escape (\\ud800-\\udfff not in a pair)",
                    "字符串含有不成对的代理项转义（\\ud800-\\udfff）",
                    source=source,
                ) from None


def read_text(path: str | Path, *, keep_bom: bool = False) -> str:
    """Read a UTF-8 text file, one byte-order mark at its start ignored (unless ``keep_bom``:
    for a parser that ignores it itself); errors are bilingual and name the file."""
    p = Path(path)
    try:
        # bytes decoded as they are: no newline translation (a lone CR must stay visible)
        return p.read_bytes().decode("utf-8" if keep_bom else "utf-8-sig")
    except FileNotFoundError:
        raise InputError("file not found", "文件不存在", source=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (byte {exc.start})",
            f"不是 UTF-8 文本（第 {exc.start} 字节）",
            source=str(path),
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot read: {exc.strerror}", f"无法读取：{exc.strerror}", source=str(path)
        ) from None


def load_roster(
    path: str | Path, *, known_pools: frozenset[str] | None = None
) -> list[RosterEntry]:
    """Load a roster file; ``.json`` files as JSON, anything else as CSV."""
    name = str(path)
    if name.lower().endswith(".json"):
        return parse_roster_json(read_text(path), source=name, known_pools=known_pools)
    return parse_roster_csv(read_text(path, keep_bom=True), source=name, known_pools=known_pools)


def roster_csv(entries: Sequence[RosterEntry]) -> str:
    """Serialise entries as a roster CSV (sorted by registration number, LF line ends)."""
    lines = [",".join(ROSTER_COLUMNS)]
    lines.extend(e.canonical() for e in sort_roster(entries))
    return "\n".join(lines) + "\n"
