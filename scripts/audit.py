"""`make audit` (and .ci/run): pip-audit over the pinned, hashed requirements. Exit status 1 when
a pinned version has a known vulnerability (each is listed with the versions that fix it).

    python scripts/audit.py [REQUIREMENTS ...]   (default: requirements/base.txt, dev.txt)

Nothing is installed or resolved (`--disable-pip`): the lock files pin every package with its
hashes. The vulnerability data comes from PyPI's JSON API (the default; PyPI is the one
registry CI can reach) or from OSV (GAOXIN_AUDIT_SERVICE=osv, with GAOXIN_AUDIT_OSV_URL for a
mirror of its API). A package the service has no data for is "not audited" and counted in the
summary; with GAOXIN_AUDIT_STRICT=1 that is a failure too (exit status 2), for a CI that should
insist on a complete audit. docs/reliability.md ("Hostile input") records what this workplace's
registry mirror returns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT = ["requirements/base.txt", "requirements/dev.txt"]


def main(argv: list[str]) -> int:
    files = argv or DEFAULT
    service = os.environ.get("GAOXIN_AUDIT_SERVICE", "pypi")
    pip_audit = Path(sys.executable).with_name("pip-audit")
    with tempfile.TemporaryDirectory(prefix="gaoxin-audit-") as tmp:
        report = Path(tmp) / "audit.json"
        command = [
            str(pip_audit),
            "--disable-pip",
            "--require-hashes",
            "--progress-spinner",
            "off",
            "--vulnerability-service",
            service,
            "--cache-dir",
            str(Path(tmp) / "cache"),
            "--format",
            "json",
            "--output",
            str(report),
        ]
        if os.environ.get("GAOXIN_AUDIT_OSV_URL"):
            command += ["--osv-url", os.environ["GAOXIN_AUDIT_OSV_URL"]]
        for name in files:
            command += ["--requirement", name]
        done = subprocess.run(command, check=False)  # noqa: S603 (our own command line)
        if not report.exists():
            print(f"pip-audit did not run to the end (exit status {done.returncode}).")
            return done.returncode or 1
        dependencies = json.loads(report.read_text())["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = len(dependencies) - len(skipped)
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
            name, version = dependency["name"], dependency["version"]
            print(f"VULNERABLE {name} {version}: {vuln['id']} (fixed in {fixes})")
    print(
        f"pip-audit ({service}): {len(dependencies)} pinned packages, {audited} audited, "
        f"{len(skipped)} without data from the service, "
        f"{sum(len(d['vulns']) for d in vulnerable)} known vulnerabilities."
    )
    if vulnerable:
        return 1
    if skipped:
        print(
            "NOT AUDITED: the vulnerability service had no data for "
            + ", ".join(sorted(d["name"] for d in skipped)[:10])
            + (" …" if len(skipped) > 10 else "")
        )
        if os.environ.get("GAOXIN_AUDIT_STRICT") == "1":
            return 2
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
