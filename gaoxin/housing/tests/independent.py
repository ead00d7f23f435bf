"""The draw computed without the app: fairdraw's own command line, in another process, on what
was published (the roster download, the batch's configuration and entropy declaration, the
revealed values and secret). Fault tests compare the app's published protocol with it byte for
byte, and run `fairdraw verify` on the published files."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from django.test import Client

from gaoxin.housing.models import Roster, SaleBatch
from gaoxin.testing.processes import REPO, TIMEOUT, child_env


def fairdraw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gaoxin.fairdraw", *args],
        cwd=REPO,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def independent_draw(
    batch: SaleBatch, values: Sequence[str], secret: str, work: Path
) -> tuple[bytes, bytes]:
    """(protocol.json, results.csv) as `fairdraw run` writes them for this batch."""
    work.mkdir(parents=True, exist_ok=True)
    batch = SaleBatch.objects.get(pk=batch.pk)
    roster = Roster.objects.get(batch=batch)
    (work / "roster.csv").write_bytes(Client().get(f"/housing/{batch.code}/roster.csv").content)
    (work / "config.json").write_text(json.dumps(batch.config["draw"]), encoding="utf-8")
    sources = batch.entropy["sources"]
    entropy = {
        "sources": [
            {"name": s["name"], "declared": s["declared"], "value": v}
            for s, v in zip(sources, values, strict=True)
        ],
        "notary_commitment": batch.entropy.get("notary_commitment"),
        "notary_secret": secret,
    }
    (work / "entropy.json").write_text(json.dumps(entropy, ensure_ascii=False), encoding="utf-8")
    # The checkpoint signed just before the draw, as the public checkpoint list gives it.
    listing = Client().get("/audit/checkpoints.json").json()["checkpoints"]
    (checkpoint,) = [c for c in listing if c["reason"] == f"before-draw:{batch.code}"]
    publisher = {
        "batch": batch.code,
        "roster_audit_head": roster.audit_head,
        "audit_checkpoint": checkpoint,
    }
    (work / "publisher.json").write_text(json.dumps(publisher), encoding="utf-8")
    out = work / "fairdraw"
    done = fairdraw(
        "run",
        str(work / "roster.csv"),
        "--config",
        str(work / "config.json"),
        "--entropy",
        str(work / "entropy.json"),
        "--publisher",
        str(work / "publisher.json"),
        "--out",
        str(out),
        "--quiet",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return (out / "protocol.json").read_bytes(), (out / "results.csv").read_bytes()


def published_files(code: str, work: Path) -> dict[str, Path]:
    """Download roster, protocol and results from the public pages into `work`."""
    work.mkdir(parents=True, exist_ok=True)
    files = {}
    for name in ("roster.csv", "protocol.json", "results.csv"):
        response = Client().get(f"/housing/{code}/{name}")
        assert response.status_code == 200, (name, response.status_code)
        files[name] = work / name
        files[name].write_bytes(response.content)
    return files


def verify(files: dict[str, Path]) -> subprocess.CompletedProcess[str]:
    return fairdraw(
        "verify",
        str(files["protocol.json"]),
        str(files["roster.csv"]),
        "--results",
        str(files["results.csv"]),
        "--quiet",
    )
