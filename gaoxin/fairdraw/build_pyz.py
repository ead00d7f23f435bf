"""Build ``fairdraw.pyz``: the package as one file, runnable with ``python3 fairdraw.pyz``.

Reproducible: the same sources give the same bytes (entries sorted, every timestamp
1980-01-01 00:00, fixed permissions, stored uncompressed), so anyone can rebuild the file from
the published sources and compare its SHA-256 with the one the housing pages show. Only the
package's modules go in (no tests, not this builder); they import nothing outside the standard
library of Python 3.9 (docs/fairdraw-spec.md, "How to verify").

    python3 -m gaoxin.fairdraw.build_pyz dist/fairdraw.pyz     (or: make fairdraw.pyz)
"""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SHEBANG = b"#!/usr/bin/env python3\n"
EPOCH = (1980, 1, 1, 0, 0, 0)
ENTRY = b"""# fairdraw.pyz: python3 fairdraw.pyz --help
import sys

from fairdraw.__main__ import main

sys.exit(main())
"""
SKIPPED = {"build_pyz.py"}


def sources(package_dir: Path = PACKAGE_DIR) -> list[tuple[str, bytes]]:
    """(name in the archive, bytes) of every module that goes into the archive, sorted."""
    files = [
        (f"fairdraw/{path.name}", path.read_bytes())
        for path in package_dir.glob("*.py")
        if path.name not in SKIPPED
    ]
    files.append(("__main__.py", ENTRY))
    return sorted(files)


def source_digest(package_dir: Path = PACKAGE_DIR) -> str:
    """SHA-256 over the archive's inputs: a cache key that changes when any module changes."""
    digest = hashlib.sha256()
    for name, data in sources(package_dir):
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def archive_bytes(package_dir: Path = PACKAGE_DIR) -> bytes:
    """The archive: the shebang line, then a zip whose bytes depend only on the sources."""
    buffer = io.BytesIO()
    buffer.write(SHEBANG)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in sources(package_dir):
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def build(out: Path, package_dir: Path = PACKAGE_DIR) -> str:
    """Write the archive to `out` (executable); return its SHA-256 in hex."""
    data = archive_bytes(package_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    out.chmod(0o755)
    return hashlib.sha256(data).hexdigest()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "dist/fairdraw.pyz")
    digest = build(out)
    print(f"{digest}  {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
