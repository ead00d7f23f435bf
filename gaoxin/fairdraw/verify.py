"""Re-deriving a draw from its protocol and roster, naming every discrepancy (spec §11)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._compat import zip_strict
from .canonical import SPEC_VERSION
from .columns import Roster
from .config import DrawConfig
from .entropy import EntropyDeclaration, canonical_source_value, derive_seed
from .errors import InputError
from .protocol import prepare_roster, protocol_digest, summary_of
from .results import RESULTS_COLUMNS, ResultRow, parse_results, write_results
from .roster import RosterEntry

Progress = Callable[[str], None]
MAX_LISTED = 20


@dataclass(frozen=True)
class Problem:
    """One discrepancy: what it concerns (``subject``) and a bilingual message."""

    subject: str
    en: str
    zh: str

    def __str__(self) -> str:
        return f"{self.en} / {self.zh}"


@dataclass
class VerificationReport:
    """Verdict of :func:`verify_protocol`: ``ok`` only when every check passed."""

    problems: list[Problem] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, subject: str, en: str, zh: str) -> None:
        self.problems.append(Problem(subject, en, zh))

    def text(self) -> str:
        lines = [f"  ok  {c}" for c in self.checks]
        lines += [f"  FAIL {p}" for p in self.problems]
        verdict = (
            "VERIFIED: the draw re-derives exactly from the protocol and roster / "
            "验证通过：抽签结果可完全复现"
            if self.ok
            else f"FAILED: {len(self.problems)} problem(s) / "
            f"验证失败：发现 {len(self.problems)} 处问题"
        )
        return "\n".join([*lines, verdict])


def _get(protocol: Mapping[str, Any], path: str) -> Any:
    node: Any = protocol
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise InputError("missing field", "缺少字段", field=path)
        node = node[part]
    return node


def verify_protocol(
    protocol: Mapping[str, Any],
    entries: Iterable[RosterEntry] | Roster,
    results: bytes | Path | None = None,
    *,
    progress: Progress | None = None,
    results_source: str = "results.csv",
    jobs: int = 1,
) -> VerificationReport:
    """Re-derive everything from ``protocol`` and ``entries`` and compare.

    ``results`` is the published results file (optional; its bytes, or its path, which is
    then hashed as it is read and only held in memory to name differing rows): when given, its
    digest must match the protocol and each differing row is named. Malformed protocol fields raise
    :class:`InputError`; every discrepancy is reported as a :class:`Problem`.
    """
    report = VerificationReport()
    spec = _get(protocol, "spec")
    if spec != SPEC_VERSION:
        raise InputError(
            f"unsupported spec version {spec!r} (this verifier implements {SPEC_VERSION})",
            f"不支持的规范版本 {spec!r}（本验证程序实现 {SPEC_VERSION}）",
            field="spec",
        )
    if "protocol_digest" in protocol:
        if protocol_digest(protocol) != protocol.get("protocol_digest"):
            report.add(
                "protocol_digest",
                "protocol_digest does not match the protocol's content: the file was edited after"
                " publication",
                "protocol_digest 与协议内容不符：文件在公布后被修改",
            )
        else:
            report.checks.append(f"protocol digest {protocol['protocol_digest']}")
    config = DrawConfig.from_dict(_get(protocol, "config"))
    config_digest = config.digest()
    if config_digest.hex() != _get(protocol, "config_digest"):
        report.add(
            "config",
            f"configuration changed: its digest is {config_digest.hex()} but the protocol records"
            f" config_digest {protocol['config_digest']} (configuration: {_config_text(config)})",
            f"配置被修改：配置摘要为 {config_digest.hex()}，协议记录为 {protocol['config_digest']}",
        )
    else:
        report.checks.append(f"configuration digest {config_digest.hex()}")
    entropy = EntropyDeclaration.from_dict(_get(protocol, "entropy"))
    try:
        entropy.check()
    except InputError as exc:
        report.add("entropy", f"entropy {exc.field}: {exc.en}", f"随机源 {exc.field}：{exc.zh}")
    published_key = str(_get(protocol, "key_string"))
    components = [c + "/" for c in published_key.split("/")[:-1]]
    for i, src in enumerate(entropy.sources):
        try:
            mine = canonical_source_value(src.value or "")
        except InputError:
            mine = "?"
        theirs = components[i] if i < len(components) else "(missing)"
        if mine != theirs:
            report.add(
                f"entropy.sources[{i}]",
                f'revealed value of entropy source {i + 1} "{src.name}" is {src.value!r}, giving '
                f"{mine!r}, but the key string records {theirs!r}",
                f"随机源 {i + 1}「{src.name}」公布值为 {src.value!r}（规范形式 {mine!r}），"
                f"而密钥串记录为 {theirs!r}",
            )
    if len(components) != len(entropy.sources):
        report.add(
            "key_string",
            f"key string has {len(components)} sources, the declaration {len(entropy.sources)}",
            f"密钥串含 {len(components)} 个随机源，声明为 {len(entropy.sources)} 个",
        )
    key_str = "".join(_safe_canonical(s.value) for s in entropy.sources)
    if key_str == published_key:
        report.checks.append(f"key string {key_str}")

    prepared = prepare_roster(entries, config, jobs=jobs)
    if progress is not None:
        progress("roster")
    root_hex = prepared.root.hex()
    published_rows: dict[str, ResultRow] | None = None
    if root_hex != _get(protocol, "roster.root") or len(prepared) != _get(protocol, "roster.size"):
        report.add(
            "roster",
            f"roster differs from the published one: root {root_hex} size {len(prepared)},"
            f" published root {protocol['roster']['root']} size {protocol['roster']['size']}",
            f"名单与公布的不一致：根哈希 {root_hex}、{len(prepared)} 条，"
            f"公布为 {protocol['roster']['root']}、{protocol['roster']['size']} 条",
        )
        if results is not None:
            published_rows = parse_results(_bytes_of(results), source=results_source)
            _name_roster_changes(report, prepared.lines, published_rows)
    else:
        report.checks.append(f"roster root {root_hex} ({len(prepared)} entries)")

    seed = derive_seed(key_str, entropy.notary_secret, prepared.root, config_digest)
    if seed.hex() != _get(protocol, "seed"):
        report.add(
            "seed",
            f"seed recomputed from key string, notary secret, roster root and configuration is "
            f"{seed.hex()}, the protocol publishes {protocol['seed']}",
            f"由密钥串、公证密钥、名单根哈希和配置重新计算的种子为 {seed.hex()}，协议公布为 "
            f"{protocol['seed']}",
        )
    else:
        report.checks.append(f"seed {seed.hex()}")

    alloc = prepared.allocate(config, seed, progress)
    digest, _ = write_results(prepared.result_chunks(alloc, config))
    published_digest = _get(protocol, "results.digest")
    if digest.hex() != published_digest:
        report.add(
            "results",
            f"recomputed results digest {digest.hex()} differs from the published "
            f"{published_digest}",
            f"重新计算的结果摘要 {digest.hex()} 与公布的 {published_digest} 不符",
        )
    else:
        report.checks.append(f"results digest {digest.hex()}")
    summary = summary_of(alloc)
    published_summary = protocol.get("summary")
    if published_summary is not None and published_summary != summary:
        _name_summary_changes(report, published_summary, summary)
    if results is not None:
        file_digest = _digest_of(results)
        if file_digest != published_digest:
            report.add(
                "results_file",
                f"results file digest {file_digest} differs from the protocol's {published_digest}",
                f"结果文件摘要 {file_digest} 与协议记录的 {published_digest} 不符",
            )
        if file_digest != digest.hex():
            if published_rows is None:
                published_rows = parse_results(_bytes_of(results), source=results_source)
            import io

            buf = io.BytesIO()
            write_results(prepared.result_chunks(alloc, config), buf)
            upstream = any(not p.subject.startswith(("result", "summary")) for p in report.problems)
            _name_row_changes(
                report, published_rows, parse_results(buf.getvalue()), 3 if upstream else MAX_LISTED
            )
        else:
            report.checks.append("published results file matches row for row")
    expected = canonical_protocol(
        protocol.get("publisher"),
        config,
        entropy,
        key_str,
        root_hex,
        len(prepared),
        seed.hex(),
        digest.hex(),
        summary,
    )
    _check_canonical(report, protocol, expected)
    if progress is not None:
        progress("compare")
    return report


def _bytes_of(results: bytes | Path) -> bytes:
    return results.read_bytes() if isinstance(results, Path) else results


def _digest_of(results: bytes | Path) -> str:
    """SHA-256 of the results file, read in pieces when given as a path (a five-million-row
    file is about 900 MB: never held whole just to be hashed)."""
    if not isinstance(results, Path):
        return hashlib.sha256(results).hexdigest()
    hasher = hashlib.sha256()
    with results.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def canonical_protocol(
    publisher: Any,
    config: DrawConfig,
    entropy: EntropyDeclaration,
    key_str: str,
    root_hex: str,
    size: int,
    seed_hex: str,
    results_digest_hex: str,
    summary: dict[str, Any],
) -> dict[str, Any]:
    """The one protocol document (spec §10.1) these recomputed values make."""
    document: dict[str, Any] = {
        "spec": SPEC_VERSION,
        "publisher": publisher,
        "config": config.to_dict(),
        "config_digest": config.digest().hex(),
        "entropy": entropy.to_dict(),
        "key_string": key_str,
        "roster": {"root": root_hex, "size": size},
        "seed": seed_hex,
        "results": {"digest": results_digest_hex, "rows": size},
        "summary": summary,
    }
    document["protocol_digest"] = protocol_digest(document)
    return document


def _first_difference(given: Any, expected: Any, path: str) -> str | None:
    """The path of the first place where `given` is not exactly `expected` (types included:
    "2" is not 2, 2.0 is not 2, true is not 1)."""
    if isinstance(expected, Mapping):
        if not isinstance(given, Mapping):
            return path or "(document)"
        for key in sorted(set(given) | set(expected)):
            where = f"{path}.{key}" if path else str(key)
            if key not in expected or key not in given:
                return where
            found = _first_difference(given[key], expected[key], where)
            if found is not None:
                return found
        return None
    if isinstance(expected, list):
        if not isinstance(given, list) or len(given) != len(expected):
            return path
        for i, (a, b) in enumerate(zip_strict(given, expected)):
            found = _first_difference(a, b, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    if type(given) is not type(expected) or given != expected:
        return path
    return None


def _check_canonical(
    report: VerificationReport, protocol: Mapping[str, Any], expected: dict[str, Any]
) -> None:
    """Spec §11 step 7: the published document must be exactly the canonical one. Otherwise
    the same draw could be published as different documents with different digests."""
    publisher = protocol.get("publisher")
    if not isinstance(publisher, Mapping):
        report.add(
            "publisher",
            "publisher must be a JSON object",
            "publisher 必须是 JSON 对象",
        )
        return
    # the body first: a different body also makes a different digest
    body = {k: v for k, v in protocol.items() if k != "protocol_digest"}
    where = _first_difference(
        body, {k: v for k, v in expected.items() if k != "protocol_digest"}, ""
    )
    if where is None and "protocol_digest" in protocol:
        where = _first_difference(protocol, expected, "")
    if where is None:
        report.checks.append("protocol is the canonical document (spec §10.1)")
        return
    report.add(
        where,
        f"the protocol is not the canonical document of this draw (spec §10.1): {where} differs "
        "from its one allowed spelling (extra or missing members, other types or spellings)",
        f"协议不是本次抽签的规范文档（规范 §10.1）：{where} 与唯一允许的写法不同"
        "（多余或缺少成员、类型或写法不同）",
    )


def _safe_canonical(value: str | None) -> str:
    try:
        return canonical_source_value(value or "")
    except InputError:
        return "?/"


def _config_text(config: DrawConfig) -> str:
    rounds = "; ".join(f"{r.name}: pool {r.pool}, quota {r.rule.text()}" for r in config.rounds)
    return (
        f"units {config.units}, key_mode {config.key_mode}, "
        f"waitlist_length {config.waitlist_length}, rounds [{rounds}]"
    )


def _name_summary_changes(
    report: VerificationReport, published: Any, recomputed: dict[str, Any]
) -> None:
    pub_rounds = published.get("rounds", []) if isinstance(published, Mapping) else []
    for i, mine in enumerate(recomputed["rounds"]):
        theirs = pub_rounds[i] if i < len(pub_rounds) and isinstance(pub_rounds[i], Mapping) else {}
        for key, value in mine.items():
            if theirs.get(key) != value:
                report.add(
                    f"summary.rounds[{i}].{key}",
                    f'round {i + 1} "{mine["name"]}": {key} recomputed {value!r}, published '
                    f"{theirs.get(key)!r}",
                    f"第 {i + 1} 轮「{mine['name']}」：{key} 重新计算为 {value!r}，公布为 "
                    f"{theirs.get(key)!r}",
                )
    for key in ("allocated", "unfilled", "waitlisted"):
        theirs_v = published.get(key) if isinstance(published, Mapping) else None
        if theirs_v != recomputed[key]:
            report.add(
                f"summary.{key}",
                f"{key}: recomputed {recomputed[key]}, published {theirs_v}",
                f"{key}：重新计算为 {recomputed[key]}，公布为 {theirs_v}",
            )


def _name_roster_changes(
    report: VerificationReport, lines: list[str], published: Mapping[str, ResultRow]
) -> None:
    mine = {line.split(",", 1)[0]: line for line in lines}
    found: list[tuple[str, str, str]] = []
    for regno, line in mine.items():
        row = published.get(regno)
        if row is None:
            found.append(
                (
                    regno,
                    f"roster entry {regno} is not in the published results",
                    f"名单中的登记 {regno} 不在公布的结果中",
                )
            )
        elif row.entry_line != line:
            found.append(
                (
                    regno,
                    f"roster entry {regno} differs: roster has {line!r}, "
                    f"published {row.entry_line!r}",
                    f"登记 {regno} 不一致：名单为 {line!r}，公布为 {row.entry_line!r}",
                )
            )
    for regno in published:
        if regno not in mine:
            found.append(
                (
                    regno,
                    f"published entry {regno} is missing from the roster",
                    f"公布的登记 {regno} 不在名单中",
                )
            )
    for regno, en, zh in found[:MAX_LISTED]:
        report.add(f"roster:{regno}", en, zh)
    if len(found) > MAX_LISTED:
        report.add(
            "roster",
            f"... and {len(found) - MAX_LISTED} more roster differences",
            f"……另有 {len(found) - MAX_LISTED} 处名单差异",
        )


def _name_row_changes(
    report: VerificationReport,
    published: Mapping[str, ResultRow],
    recomputed: Mapping[str, ResultRow],
    limit: int = MAX_LISTED,
) -> None:
    found: list[tuple[str, str, str]] = []
    for regno, mine in recomputed.items():
        theirs = published.get(regno)
        if theirs is None:
            found.append(
                (
                    regno,
                    f"result row for registration number {regno} is missing",
                    f"缺少登记号 {regno} 的结果行",
                )
            )
            continue
        if theirs == mine:
            continue
        fields = [
            name
            for name in RESULTS_COLUMNS[1:]  # the registration number matched already
            if getattr(theirs, name) != getattr(mine, name)
        ]
        mine_text = (
            mine.describe() if mine.outcome == "won" else f"not a winner ({mine.describe()})"
        )
        found.append(
            (
                regno,
                f"result row for registration number {regno} differs in {', '.join(fields)}: "
                f"published {theirs.describe()}"
                + (f" key {theirs.key}" if "key" in fields else "")
                + f", recomputed {mine_text}"
                + (f" key {mine.key}" if "key" in fields else ""),
                f"登记号 {regno} 的结果行不一致（{', '.join(fields)}）："
                f"公布为 {theirs.describe()}，"
                f"重新计算为 {mine.describe()}",
            )
        )
    for regno in published:
        if regno not in recomputed:
            found.append(
                (
                    regno,
                    f"published result row {regno} has no roster entry",
                    f"公布的结果行 {regno} 在名单中不存在",
                )
            )
    for regno, en, zh in found[:limit]:
        report.add(f"result:{regno}", en, zh)
    if len(found) > limit:
        report.add(
            "results",
            f"... and {len(found) - limit} more differing result rows",
            f"……另有 {len(found) - limit} 处结果行差异",
        )
