"""The command line as a notary or journalist would use it."""

import json
from pathlib import Path

import pytest

from gaoxin.fairdraw.__main__ import main
from gaoxin.fairdraw.roster import roster_csv

from .conftest import SECRET, make_roster

ENTROPY = {
    "sources": [
        {
            "name": "SSE Composite close 2026-03-02 (x100)",
            "declared": "2026-02-01",
            "value": "321567",
        },
        {"name": "Welfare lottery 3D 2026-03-02", "declared": "2026-02-01", "value": "4 0 7"},
    ],
    "notary_commitment": "9f3b1b1c3f1a1a40a53f4aeb1ee1b2c6b4fbd3ad1a3ee4f04e1c4bd2e5e4bb14",
    "notary_secret": SECRET,
}


@pytest.fixture
def files(tmp_path: Path) -> Path:
    import hashlib

    ENTROPY["notary_commitment"] = hashlib.sha256(SECRET.encode()).hexdigest()
    (tmp_path / "roster.csv").write_text(roster_csv(make_roster(40)), encoding="utf-8")
    (tmp_path / "entropy.json").write_text(json.dumps(ENTROPY), encoding="utf-8")
    (tmp_path / "config.json").write_text(
        json.dumps(
            {
                "units": 10,
                "waitlist_length": 5,
                "key_mode": "per_round",
                "rounds": [
                    {"name": "first_home", "pool": "first_home", "quota": "30%"},
                    {"name": "key_industry", "pool": "key_industry", "quota": "30%"},
                    {"name": "general", "pool": "general", "quota": "remainder"},
                ],
            }
        ),
        encoding="utf-8",
    )
    return tmp_path


def run(tmp: Path) -> int:
    return main(
        [
            "run",
            str(tmp / "roster.csv"),
            "--config",
            str(tmp / "config.json"),
            "--entropy",
            str(tmp / "entropy.json"),
            "--out",
            str(tmp / "out"),
            "--quiet",
        ]
    )


def test_run_then_verify_then_tamper(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(files) == 0
    assert "seed 种子" in capsys.readouterr().out
    protocol, roster = str(files / "out" / "protocol.json"), str(files / "roster.csv")
    assert main(["verify", protocol, roster, "--quiet"]) == 0
    assert "VERIFIED" in capsys.readouterr().out
    results = files / "out" / "results.csv"
    lines = results.read_text().split("\n")
    lines[3] = (
        lines[3].replace(",lost,", ",won,")
        if ",lost," in lines[3]
        else lines[3].replace(",won,", ",lost,")
    )
    results.write_text("\n".join(lines))
    assert main(["verify", protocol, roster, "--quiet"]) == 1
    out = capsys.readouterr().out
    assert f"result row for registration number {lines[3].split(',')[0]} differs" in out
    assert "FAILED" in out


def test_prove_and_check_proof(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(files) == 0
    capsys.readouterr()
    proof = files / "proof.json"
    assert main(["prove", str(files / "roster.csv"), "H2026-000017", "--out", str(proof)]) == 0
    assert (
        main(["check-proof", str(proof), "--protocol", str(files / "out" / "protocol.json")]) == 0
    )
    assert "VERIFIED" in capsys.readouterr().out
    data = json.loads(proof.read_text())
    data["entry"] = data["entry"].replace("H2026-000017", "H2026-000018")
    data["registration_number"] = "H2026-000018"
    proof.write_text(json.dumps(data))
    assert (
        main(["check-proof", str(proof), "--protocol", str(files / "out" / "protocol.json")]) == 1
    )


def test_bad_csv_line_names_file_line_and_field(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (files / "roster.csv").read_text().split("\n")
    text[6] = text[6].split(",")[0] + ",xyz;general," + text[6].split(",")[2]
    (files / "roster.csv").write_text("\n".join(text))
    assert run(files) == 2
    err = capsys.readouterr().err
    assert 'roster.csv line 7, field "pools": unknown pool "xyz"' in err
    assert '未知的资格池 "xyz"' in err
    assert err.startswith("错误 / error:")
    assert "Traceback" not in err


def test_bad_commitment_and_short_row(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = (files / "roster.csv").read_text().split("\n")
    lines[2] = lines[2][:-3]
    lines[4] = "H2026-X,general"
    (files / "roster.csv").write_text("\n".join(lines))
    assert run(files) == 2
    assert 'line 3, field "identity_commitment": expected 64 hexadecimal' in capsys.readouterr().err


def test_bad_json_and_missing_field(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (files / "config.json").write_text('{"units": 10,\n "rounds": [}')
    assert run(files) == 2
    err = capsys.readouterr().err
    assert "config.json line 2" in err and "invalid JSON" in err and "JSON 格式错误" in err
    (files / "config.json").write_text(
        '{"units": 10, "rounds": [{"name": "general", "pool": "general"}]}'
    )
    assert run(files) == 2
    assert 'field "rounds[0].quota": missing field / 缺少字段' in capsys.readouterr().err
    entropy = dict(ENTROPY, sources=[{"name": "x", "declared": "y", "value": "12.5"}])
    (files / "entropy.json").write_text(json.dumps(entropy))
    (files / "config.json").write_text(
        '{"units": 10, "rounds": [{"name": "general", "pool": "general", "quota": "remainder"}]}'
    )
    assert run(files) == 2
    assert 'entropy.json, field "sources[0].value"' in capsys.readouterr().err


def test_roster_json_errors_name_the_entry(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (files / "roster.json").write_text(
        json.dumps(
            [
                {
                    "registration_number": "H1",
                    "pools": ["general"],
                    "identity_commitment": "a" * 64,
                },
                {"registration_number": "H2", "pools": ["general"]},
            ]
        )
    )
    assert (
        main(
            [
                "run",
                str(files / "roster.json"),
                "--units",
                "10",
                "--entropy",
                str(files / "entropy.json"),
                "--out",
                str(files / "o"),
            ]
        )
        == 2
    )
    assert (
        'roster.json entry 2, field "identity_commitment": missing field' in capsys.readouterr().err
    )


def test_missing_file_is_a_clean_error(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(files / "nope.json"), str(files / "roster.csv")]) == 2
    assert "nope.json: file not found / 文件不存在" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command", ["run", "verify", "prove", "check-proof", "simulate", "selftest", "rfc3797"]
)
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert "usage: fairdraw" in capsys.readouterr().out


def test_simulate_shows_every_precedence_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--units", "20", "--groups", "12,8,4,30"]) == 0
    out = capsys.readouterr().out
    assert out.count(" → ") >= 12  # six orders
    assert "first_home → key_industry → general" in out
    assert "general → first_home → key_industry" in out


def test_selftest_command_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["selftest", "--draws", "100", "--quiet"]) == 0
    assert capsys.readouterr().out.count("PASS") == 2
