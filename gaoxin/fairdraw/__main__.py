"""Command line: ``python -m gaoxin.fairdraw`` / ``fairdraw``.

Bad input never gives a traceback: the error names the file, line (or entry) and field in
English and Chinese, and the exit code is 2. ``verify`` exits 1 when the draw does not
verify.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ._compat import zip_strict
from .canonical import HEX64_RE
from .columns import load_roster_columns
from .config import DrawConfig, Quota, RoundSpec, default_config
from .entropy import EntropyDeclaration
from .errors import FairdrawError, InputError
from .merkle import InclusionProof, inclusion_proof, merkle_root, verify_inclusion
from .parallel import available_cores
from .protocol import load_protocol, run_draw
from .rfc3797 import rfc3797_select
from .roster import load_json_text, load_roster, read_text
from .verify import verify_protocol


class _Progress:
    """A one-line progress display on stderr (standard library only, so that fairdraw.pyz
    runs without packages): ``verify  3/7  roster``, redrawn in place; nothing when quiet or
    when stderr is not a terminal."""

    def __init__(self, total: int, quiet: bool, desc: str) -> None:
        self.total, self.desc, self.count, self.note = total, desc, 0, ""
        self.enabled = not quiet and sys.stderr.isatty()
        self._shown = 0.0

    def update(self, step: int = 1, note: str | None = None) -> None:
        self.count += step
        if note is not None:
            self.note = note
        now = time.monotonic()
        if self.enabled and (now - self._shown >= 0.1 or self.count >= self.total):
            self._shown = now
            line = f"{self.desc}  {self.count}/{self.total}  {self.note}"
            sys.stderr.write("\r" + line[:79].ljust(79))
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 79 + "\r")
            sys.stderr.flush()


def _bar(total: int, quiet: bool, desc: str) -> _Progress:
    return _Progress(total, quiet, desc)


def _stage_reporter(bar: _Progress) -> Callable[[str], None]:
    def report(stage: str) -> None:
        bar.update(1, stage)

    return report


def _ticker(bar: _Progress) -> Callable[[], None]:
    def tick() -> None:
        bar.update(1)

    return tick


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return value


def _json_file(path: str) -> Any:
    return load_json_text(read_text(path), path)


def _load_config(args: argparse.Namespace) -> DrawConfig:
    if args.config:
        return DrawConfig.from_dict(_json_file(args.config), source=args.config)
    if args.units:
        return default_config(args.units)
    raise InputError("give --config FILE or --units N", "请提供 --config 文件或 --units 套数")


def cmd_run(args: argparse.Namespace) -> int:
    config = _load_config(args)
    entropy = EntropyDeclaration.from_dict(_json_file(args.entropy), source=args.entropy)
    try:
        entropy.check()
    except InputError as exc:
        raise exc.at(source=args.entropy) from None
    publisher: dict[str, Any] = {}
    if args.publisher:
        data = _json_file(args.publisher)
        if not isinstance(data, dict):
            raise InputError(
                "publisher must be a JSON object",
                "publisher 必须是 JSON 对象",
                source=args.publisher,
            )
        publisher = data
    entries = load_roster_columns(args.roster, known_pools=config.pools, jobs=args.jobs)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    bar = _bar(len(config.rounds) + 4, args.quiet, "draw")
    with (out / "results.csv").open("wb") as sink:
        result = run_draw(
            entries,
            config,
            entropy,
            publisher=publisher,
            results_out=sink,
            progress=_stage_reporter(bar),
            jobs=args.jobs,
        )
    bar.close()
    (out / "protocol.json").write_text(result.protocol_json(), encoding="utf-8")
    s = result.protocol["summary"]
    print(f"seed 种子: {result.seed}")
    print(f"roster root 名单根哈希: {result.protocol['roster']['root']} ({len(entries)} entries)")
    for r in s["rounds"]:
        print(
            f"round 轮次 {r['name']}: {r['winners']}/{r['seats']} seats, "
            f"{r['participants']} participants"
        )
    print(f"unfilled 未分配: {s['unfilled']}, waitlisted 候补: {s['waitlisted']}")
    print(f"wrote 已写入 {out / 'protocol.json'} and {out / 'results.csv'}")
    print(f"protocol digest 协议摘要: {result.protocol['protocol_digest']}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    protocol = load_protocol(args.protocol)
    try:
        config = DrawConfig.from_dict(protocol.get("config"))
    except InputError as exc:
        raise exc.at(source=args.protocol) from None
    known = config.pools
    entries = load_roster_columns(args.roster, known_pools=known, jobs=args.jobs)
    results_path = (
        Path(args.results) if args.results else Path(args.protocol).parent / "results.csv"
    )
    results: Path | None = None
    if args.results or results_path.exists():
        try:
            with results_path.open("rb"):
                results = results_path
        except OSError as exc:
            raise InputError(
                f"cannot read: {exc.strerror}",
                f"无法读取：{exc.strerror}",
                source=str(results_path),
            ) from None
    bar = _bar(len(config.rounds) + 4, args.quiet, "verify")
    try:
        report = verify_protocol(
            protocol,
            entries,
            results,
            progress=_stage_reporter(bar),
            results_source=str(results_path),
            jobs=args.jobs,
        )
    except InputError as exc:
        raise exc.at(source=args.protocol) if exc.source is None else exc from None
    bar.close()
    if args.expect_digest and protocol.get("protocol_digest") != args.expect_digest.lower():
        report.add(
            "protocol_digest",
            f"protocol_digest {protocol.get('protocol_digest')} is not the expected "
            f"{args.expect_digest}",
            "协议摘要与预期不符",
        )
    if results is None:
        print(
            "note 注意: no results file given; only the results digest was checked / "
            "未提供结果文件，仅核对了结果摘要"
        )
    print(report.text())
    return 0 if report.ok else 1


def cmd_root(args: argparse.Namespace) -> int:
    """The roster's size and Merkle root (spec §4), as a notary computes them before confirming
    the frozen roster."""
    entries = load_roster(args.roster)
    print(f"entries 条数 {len(entries)}")
    print(f"root 根哈希 {merkle_root(entries)}")
    return 0


def cmd_prove(args: argparse.Namespace) -> int:
    entries = load_roster(args.roster)
    try:
        proof = inclusion_proof(entries, args.registration_number)
    except KeyError:
        raise InputError(
            f"registration number {args.registration_number} is not in the roster",
            f"名单中没有登记号 {args.registration_number}",
            source=args.roster,
        ) from None
    text = json.dumps(proof.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _published_root(text: str) -> str:
    root = text.strip().lower()
    if not HEX64_RE.fullmatch(root):
        raise InputError(
            f"--root must be 64 hexadecimal characters, got {text!r}",
            f"--root 必须是 64 位十六进制字符，实际为 {text!r}",
            field="--root",
        )
    return root


def cmd_check_proof(args: argparse.Namespace) -> int:
    """Check a proof against a published root AND size (spec §4.1): an audit path valid for
    one (index, size) can be valid for another with the same root (the last leaf of 5 is leaf
    1 of 2), so the size is never taken from the proof when a published root is given."""
    proof = InclusionProof.from_dict(_json_file(args.proof), source=args.proof)
    if args.root is not None and args.size is None:
        raise InputError(
            "--root needs --size: give the published roster size with the root",
            "--root 须与 --size 同时使用：请同时给出公布的名单条数",
            field="--size",
        )
    if args.size is not None and args.root is None:
        raise InputError("--size needs --root", "--size 须与 --root 同时使用", field="--root")
    if args.protocol:
        protocol = load_protocol(args.protocol)
        roster = protocol.get("roster")
        root = roster.get("root") if isinstance(roster, dict) else None
        size = roster.get("size") if isinstance(roster, dict) else None
        if not isinstance(root, str) or isinstance(size, bool) or not isinstance(size, int):
            raise InputError(
                "protocol has no roster root and size",
                "协议中缺少名单根哈希和条数",
                source=args.protocol,
                field="roster",
            )
    elif args.root is not None:
        root, size = _published_root(args.root), args.size
    else:
        root, size = proof.root, proof.tree_size
        print(
            "note 注意: checking against the root and size inside the proof; pass --root and "
            "--size, or --protocol, to check against the published ones / "
            "请用 --root 和 --size 或 --protocol 指定公布的根哈希和条数"
        )
    if proof.tree_size != size:
        print(
            f"FAILED: the proof is for a roster of {proof.tree_size} entries, the published "
            f"roster has {size} / 验证失败：证明的名单条数与公布的不符"
        )
        return 1
    ok = verify_inclusion(proof.entry, proof.leaf_index, size, proof.audit_path, root)
    if ok:
        print(
            f"VERIFIED: entry {proof.registration_number} is leaf {proof.leaf_index} of the "
            f"roster of {size} entries with root {root} / 验证通过：该登记包含在名单中"
        )
        return 0
    print("FAILED: the proof does not lead to the root / 验证失败：证明与根哈希不符")
    return 1


def _parse_groups(text: str) -> dict[str, int]:
    parts = text.split(",")
    if len(parts) != 4 or not all(p.strip().isdigit() for p in parts):
        raise InputError(
            "--groups needs four whole numbers: first_home_only,key_industry_only,both,neither",
            "--groups 需要四个整数：仅刚需,仅重点产业,两者皆是,普通",
            field="groups",
        )
    from .simulate import GROUPS

    return dict(zip_strict(GROUPS, (int(p) for p in parts)))


def cmd_simulate(args: argparse.Namespace) -> int:
    from .simulate import format_table, simulate  # not loaded by run and verify

    fh = Quota.parse(args.first_home)
    ki = Quota.parse(args.key_industry)
    config = DrawConfig(
        units=args.units,
        rounds=(
            RoundSpec("first_home", "first_home", fh),
            RoundSpec("key_industry", "key_industry", ki),
            RoundSpec("general", "general", "remainder"),
        ),
        key_mode=args.key_mode,
    )
    sizes = _parse_groups(args.groups)
    orders = [tuple(o.split(",")) for o in args.order] if args.order else None
    if orders:
        for o in orders:
            if sorted(o) != sorted(r.name for r in config.rounds):
                raise InputError(
                    f"--order {','.join(o)} must list first_home, key_industry, general once each",
                    "--order 必须恰好各列出一次 first_home、key_industry、general",
                    field="order",
                )
    results = simulate(
        config,
        sizes,
        orders=orders,
        trials=args.trials,
        seed=args.seed,
        force_monte_carlo=args.monte_carlo,
    )
    print(
        f"units 套数 {config.units}; "
        f"first_home quota {fh.text()} = {fh.seats(config.units)} seats; "
        f"key_industry quota {ki.text()} = {ki.seats(config.units)} seats"
    )
    print(format_table(results, sizes))
    print()
    print(
        "Expected winners per group; p = winning probability of one applicant of that type "
        "(± one standard error for Monte Carlo). The order in which reserve and general "
        "rounds run changes who wins (Dur, Kominers, Pathak & Sönmez 2018): a reserve drawn "
        "first acts as a floor, drawn last as an extra."
    )
    print(
        "各组预期中签数；p 为该类申请人的中签概率。"
        "保留名额轮次与普通轮次的先后顺序会改变结果：先抽保留名额相当于"
        "保底，后抽则相当于额外名额。"
    )
    return 0


def cmd_selftest(args: argparse.Namespace) -> int:
    from .selftest import run_selftest  # not loaded by run and verify

    bar = _bar(2 * args.draws, args.quiet, "selftest")
    outcomes = run_selftest(
        draws=args.draws,
        alpha=args.alpha,
        label=args.label,
        progress=_ticker(bar),
    )
    bar.close()
    for o in outcomes:
        print(o.text())
    return 0 if all(o.passed for o in outcomes) else 1


def cmd_rfc3797(args: argparse.Namespace) -> int:
    if args.pool:
        names = [line.strip() for line in read_text(args.pool).splitlines() if line.strip()]
    elif args.size:
        names = [str(i) for i in range(1, args.size + 1)]
    else:
        raise InputError("give --pool FILE or --size N", "请提供 --pool 文件或 --size 人数")
    from .entropy import key_string

    try:
        key = key_string(args.source)
    except InputError as exc:
        raise exc.at(field="--source") from None
    print(f"key string 密钥串: {key}")
    count = args.count if args.count is not None else len(names)
    for p in rfc3797_select(names, args.source, count):
        print(f"{p.step + 1:3d}  {p.md5}  #{p.position:<4d} {p.name}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fairdraw",
        description="Publicly verifiable allocation draws (fairdraw/1). 可公开验证的摇号。",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "run",
        help="run a draw, write protocol.json and results.csv / 执行摇号",
        description="Run a draw from a frozen roster, a configuration and revealed entropy.",
    )
    p.add_argument(
        "roster", help="roster CSV (registration_number,pools,identity_commitment) or JSON"
    )
    p.add_argument("--config", help="configuration JSON (units, rounds, key_mode, waitlist_length)")
    p.add_argument("--units", type=int, help="use the Hefei default configuration with N units")
    p.add_argument(
        "--entropy", required=True, help="entropy JSON: declared sources with revealed values"
    )
    p.add_argument("--publisher", help="JSON object stored uninterpreted in the protocol")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--jobs",
        type=_jobs,
        default=available_cores(),
        help="workers hashing at once: threads running the C loops where they are built, else "
        "processes (default: every core, here %(default)s); the result is the same for any "
        "number",
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "verify",
        help="re-derive a draw and compare / 验证摇号",
        description=(
            "Re-derive everything from PROTOCOL and ROSTER; exit 0 if it matches, 1 if not."
        ),
    )
    p.add_argument("protocol")
    p.add_argument("roster")
    p.add_argument("--results", help="published results CSV (default: results.csv beside PROTOCOL)")
    p.add_argument("--expect-digest", help="protocol digest published elsewhere (e.g. notarised)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--jobs",
        type=_jobs,
        default=available_cores(),
        help="workers hashing at once: threads running the C loops where they are built, else "
        "processes (default: every core, here %(default)s); the result is the same for any "
        "number",
    )
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser(
        "root",
        help="the roster's size and Merkle root / 名单条数与根哈希",
        description="Print the number of entries and the Merkle root of a roster (spec §4).",
    )
    p.add_argument("roster")
    p.set_defaults(func=cmd_root)

    p = sub.add_parser(
        "prove",
        help="inclusion proof of one entry / 生成包含证明",
        description="Print the RFC 6962 inclusion proof of one registration number.",
    )
    p.add_argument("roster")
    p.add_argument("registration_number")
    p.add_argument("--out", help="write the proof JSON here instead of stdout")
    p.set_defaults(func=cmd_prove)

    p = sub.add_parser(
        "check-proof",
        help="check an inclusion proof / 核验包含证明",
        description="Check an inclusion proof against the published roster root.",
    )
    p.add_argument("proof")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--root", help="published roster root (hex); needs --size")
    g.add_argument("--protocol", help="take the root and size from this protocol file")
    p.add_argument(
        "--size", type=int, help="published roster size (number of entries), with --root"
    )
    p.set_defaults(func=cmd_check_proof)

    p = sub.add_parser(
        "simulate",
        help="policy simulator / 政策模拟",
        description="Expected winners per applicant group under every precedence order.",
    )
    p.add_argument("--units", type=int, default=100)
    p.add_argument(
        "--first-home", default="30%", help='quota of the first-home round (default "30%%")'
    )
    p.add_argument(
        "--key-industry", default="30%", help='quota of the key-industry round (default "30%%")'
    )
    p.add_argument(
        "--groups",
        default="120,60,30,190",
        help="sizes: first_home_only,key_industry_only,both,neither (default 120,60,30,190)",
    )
    p.add_argument(
        "--order",
        action="append",
        help="a precedence order, e.g. general,first_home,key_industry (repeatable; default: all)",
    )
    p.add_argument(
        "--trials", type=int, default=5000, help="Monte Carlo trials when exact is too large"
    )
    p.add_argument("--monte-carlo", action="store_true", help="always use Monte Carlo")
    p.add_argument(
        "--key-mode",
        choices=["per_round", "shared"],
        default="per_round",
        help="keys per round (default) or one shared key per entry; shared is always simulated",
    )
    p.add_argument("--seed", type=int, default=2026, help="Monte Carlo random seed")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser(
        "selftest",
        help="statistical self-test / 统计自检",
        description="Chi-square tests over many draws of synthetic rosters.",
    )
    p.add_argument("--draws", type=int, default=2000)
    p.add_argument("--alpha", type=float, default=0.001, help="significance level (default 0.001)")
    p.add_argument("--label", default="0", help="varies the synthetic seeds")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_selftest)

    p = sub.add_parser(
        "rfc3797",
        help="RFC 3797 selection / RFC 3797 选择",
        description="Reproduce an RFC 3797 (NomCom) selection exactly.",
    )
    p.add_argument(
        "--source",
        action="append",
        required=True,
        help='one source value, e.g. "2 5 12 8 10" (repeat in declared order)',
    )
    g = p.add_mutually_exclusive_group()
    g.add_argument("--pool", help="file with one name per line, in pool order")
    g.add_argument("--size", type=int, help="pool of 1..N")
    p.add_argument("--count", type=int, help="how many to select (default: all)")
    p.set_defaults(func=cmd_rfc3797)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except FairdrawError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"错误 / error: {exc.filename or ''}: {exc.strerror} / 文件操作失败", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
