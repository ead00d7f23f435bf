"""The spec's worked example: every printed value is what the implementation computes, and a
bare re-implementation written from the spec text agrees with it."""

import hashlib
import json
import re
from pathlib import Path

from gaoxin.fairdraw.worked_example import parse_inputs, render

SPEC = Path(__file__).resolve().parents[3] / "docs" / "fairdraw-spec.md"


def example_block() -> list[str]:
    text = SPEC.read_text(encoding="utf-8")
    m = re.search(
        r"<!-- worked-example:begin -->\n```text\n(.*?)\n```\n<!-- worked-example:end -->",
        text,
        re.S,
    )
    assert m, "worked example block missing from the spec"
    return m.group(1).split("\n")


def values() -> dict[str, str]:
    out = {}
    for line in example_block():
        if ": " in line and not line.startswith("#"):
            label, value = line.split(": ", 1)
            out[label] = value
    return out


def test_spec_example_matches_the_implementation_line_by_line() -> None:
    """Every value of the example is recomputed by the reference implementation from the
    inputs the spec's own text gives (not from the module's constants), so neither the inputs
    nor any value can drift (issue 13 item 8)."""
    block = example_block()
    inputs = parse_inputs(block)
    assert len(inputs.people) == 8 and len(inputs.sources) == 2
    assert render(inputs).split("\n") == block
    assert render().split("\n") == block  # and `python -m gaoxin.fairdraw.worked_example` too


def lp(b: bytes) -> bytes:
    return len(b).to_bytes(4, "big") + b


def sha(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def test_independent_reimplementation_from_the_spec_text() -> None:
    v = values()
    # §4: RFC 6962 root over the entry lines, bottom-up
    lines = [v[f"entry[{i}]"] for i in range(8)]
    level = [sha(b"\x00" + x.encode()) for x in lines]
    assert [h.hex() for h in level] == [v[f"leaf[{i}]"] for i in range(8)]
    while len(level) > 1:
        nxt = [sha(b"\x01" + level[i] + level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = nxt + ([level[-1]] if len(level) % 2 else [])
    assert level[0].hex() == v["roster root"]
    # §5.2 config digest from the printed canonical JSON; §2.3 canonical form
    cfg = v["config canonical JSON"]
    assert json.dumps(json.loads(cfg), sort_keys=True, separators=(",", ":")) == cfg
    assert sha(cfg.encode()).hex() == v["config digest"]
    # §6.3 notary commitment, §6.4 seed
    assert sha(v["notary secret"].encode()).hex() == v["notary commitment"]
    seed = sha(
        lp(b"fairdraw/1/seed")
        + lp(v["key string"].encode())
        + lp(v["notary secret"].encode())
        + lp(bytes.fromhex(v["roster root"]))
        + lp(bytes.fromhex(v["config digest"]))
    )
    assert seed.hex() == v["seed"]
    # §7.1 keys and §7.2 ranks
    for rnd in ("first_home", "key_industry", "general"):
        prefix = lp(b"fairdraw/1/key") + lp(seed) + lp(rnd.encode())
        assert prefix.hex() == v[f"key prefix {rnd}"]
        ranked = [
            v[label].split(" ")
            for label in sorted(
                (k for k in v if k.startswith(f"{rnd} rank ")),
                key=lambda k: int(k.rsplit(" ", 1)[1]),
            )
        ]
        keys = [sha(prefix + regno.encode()).hex() for regno, _ in ranked]
        assert keys == [k for _, k in ranked]
        assert keys == sorted(keys)
    # §3.3 every identity commitment, from the applicants' inputs; §3.2 their entry lines
    salt = v["identity salt (applicant i uses salt || registration number)"]
    applicants = [v[f"applicant {i}"] for i in range(1, 9)]
    expected_lines = []
    for text in applicants:
        m = re.fullmatch(r"(\S+), identity (\S+), pools (\S+)", text)
        assert m
        regno, identity, pools = m.groups()
        tag, salted = lp(b"fairdraw/1/identity"), lp((salt + regno).encode())
        commitment = sha(tag + salted + lp(identity.encode())).hex()
        assert v[f'identity_commitment("{identity}", "{salt}{regno}")'] == commitment
        expected_lines.append(f"{regno},{';'.join(sorted(pools.split(';')))},{commitment}")
    assert sorted(expected_lines) == lines
    # §6.2 the key string from the sources' values
    revealed = [v[f"entropy source {i} value"] for i in (1, 2)]
    key_string = "".join(
        "".join(f"{n}." for n in sorted(int(x) for x in value.replace(",", " ").split())) + "/"
        for value in revealed
    )
    assert key_string == v["key string"]
    # §9 results digest over the printed results file
    block = example_block()
    start = block.index("# results file") + 1
    end = block.index("", start)
    results = "\n".join(block[start:end]) + "\n"
    assert sha(results.encode()).hex() == v["results digest"]
    # §10.2 the protocol digest over the printed protocol, which holds the listed values
    body_text = v["protocol without protocol_digest, canonical JSON"]
    assert sha(body_text.encode()).hex() == v["protocol digest"]
    body = json.loads(body_text)
    assert json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False) == body_text
    assert body["config"] == json.loads(v["configuration"])
    assert body["publisher"] == json.loads(v["publisher"])
    assert body["entropy"] == {
        "sources": [
            {
                "name": v[f"entropy source {i} name"],
                "declared": v[f"entropy source {i} declared"],
                "value": v[f"entropy source {i} value"],
            }
            for i in (1, 2)
        ],
        "notary_commitment": v["notary commitment"],
        "notary_secret": v["notary secret"],
    }
    assert (body["config_digest"], body["key_string"], body["seed"]) == (
        v["config digest"],
        v["key string"],
        v["seed"],
    )
    assert body["roster"] == {"root": v["roster root"], "size": 8}
    assert body["results"] == {"digest": v["results digest"], "rows": 8}
