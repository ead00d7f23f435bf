"""Issue #21: the verifier in everyone's hands. `fairdraw.pyz`, downloaded from a drawn batch's
page, verifies that batch's published files in a virtual environment without pip and without
site packages (`python -I`: no user site, no PYTHON* variables, no current directory on the
path), and the SHA-256 on the pages is the downloaded file's. The package it is built from
passes mypy for Python 3.9 (only Python 3.11 is installed here: that check is the 3.9
evidence)."""

from __future__ import annotations

import ast
import hashlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gaoxin.fairdraw import build_pyz
from gaoxin.housing.models import DrawResult

from .builders import drawn_batch

REPO = Path(__file__).resolve().parents[3]


def _venv_python(tmp_path: Path) -> Path:
    env = tmp_path / "clean-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    site = subprocess.run(
        [
            str(python),
            "-I",
            "-c",
            "import sys; print([p for p in sys.path if 'site-packages' in p])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(env) in site and ".venv" not in site  # the clean one's own, empty site-packages
    assert not list((env / "lib").glob("python3*/site-packages/*"))  # nothing installed
    return python


@pytest.mark.django_db
def test_downloaded_pyz_verifies_the_draw_in_a_clean_environment(make_user, client, tmp_path):
    batch = drawn_batch(make_user)
    page = client.get(f"/housing/{batch.code}/results/").content.decode()
    shown = re.search(r'data-testid="fairdraw-pyz-sha256">([0-9a-f]{64})<', page)
    assert shown is not None
    command = f"python3 fairdraw.pyz verify {batch.code}-protocol.json {batch.code}-roster.csv"
    assert command in page
    assert f'href="/housing/{batch.code}/fairdraw.pyz"' in page
    response = client.get(f"/housing/{batch.code}/fairdraw.pyz")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == shown.group(1) == response["X-Content-SHA256"]
    files = {"fairdraw.pyz": data}
    for name in ("roster.csv", "protocol.json", "results.csv"):
        files[f"{batch.code}-{name}"] = client.get(f"/housing/{batch.code}/{name}").content
    work = tmp_path / "download"
    work.mkdir()
    for name, content in files.items():
        (work / name).write_bytes(content)
    python = _venv_python(tmp_path)
    args = [str(python), "-I", "fairdraw.pyz", *command.split()[2:]]
    args += ["--results", f"{batch.code}-results.csv"]
    done = subprocess.run(args, cwd=work, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "VERIFIED" in done.stdout or "验证通过" in done.stdout

    # one changed result row is caught and named by the same file
    loser = DrawResult.objects.filter(draw=batch.draw, outcome="lost").order_by("number")[0]
    results = (work / f"{batch.code}-results.csv").read_bytes().decode()
    line = next(x for x in results.splitlines() if x.startswith(loser.number + ","))
    (work / f"{batch.code}-results.csv").write_text(
        results.replace(line, line.replace(",lost,", ",won,")), encoding="utf-8"
    )
    done = subprocess.run(args, cwd=work, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and loser.number in done.stdout


@pytest.mark.django_db
def test_the_other_pages_link_the_same_file(make_user, client):
    batch = drawn_batch(make_user)
    digest = hashlib.sha256(build_pyz.archive_bytes()).hexdigest()
    for path in ("", "notice/"):
        page = client.get(f"/housing/{batch.code}/{path}").content.decode()
        assert digest in page and f"/housing/{batch.code}/fairdraw.pyz" in page, path
    spec = client.get(f"/housing/{batch.code}/fairdraw-spec.md")
    assert spec.status_code == 200 and b"# fairdraw/1" in spec.content
    assert client.get("/housing/NOSUCH/fairdraw.pyz").status_code == 404


@pytest.mark.django_db
def test_an_unusable_published_dir_serves_the_same_file_from_memory(
    make_user, client, settings, tmp_path
):
    batch = drawn_batch(make_user)
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    settings.PUBLISHED_DIR = blocked  # mkdir fails: as on a full or read-only disk
    page = client.get(f"/housing/{batch.code}/results/")
    assert page.status_code == 200
    expected = hashlib.sha256(build_pyz.archive_bytes()).hexdigest()
    assert expected in page.content.decode()
    response = client.get(f"/housing/{batch.code}/fairdraw.pyz")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == expected


def test_the_build_is_reproducible_and_holds_only_the_package(tmp_path):
    first, second = tmp_path / "a.pyz", tmp_path / "b.pyz"
    assert build_pyz.build(first) == build_pyz.build(second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "__main__.py" in names and "fairdraw/verify.py" in names
    assert not [n for n in names if "tests" in n or n.endswith("build_pyz.py")]
    imports: set[str] = set()
    with zipfile.ZipFile(first) as archive:
        for name in names:
            for node in ast.walk(ast.parse(archive.read(name))):
                if isinstance(node, ast.Import):
                    imports |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    imports.add(node.module.split(".")[0])
    assert "fairdraw" in imports and "argparse" in imports
    assert imports - {"fairdraw"} <= set(sys.stdlib_module_names)


def test_the_package_type_checks_for_python_39():
    """No 3.10+ call in gaoxin/fairdraw (zip(strict=), itertools.pairwise, dataclass(slots=),
    X | Y at run time): mypy checks the package as Python 3.9 would run it."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            "/dev/null",
            "--python-version",
            "3.9",
            "--ignore-missing-imports",
            "--no-incremental",
            "--exclude",
            "/tests/",
            "-p",
            "gaoxin.fairdraw",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
