"""Backup and restore (docs/operations.md), on PostgreSQL: a database holding a drawn batch is
dumped with `pg_dump -Fc`, restored with `pg_restore` into a fresh database on the same cluster,
and on the restored database `manage.py audit_verify --head <the head published before the
backup>` passes, `manage.py draw_export` writes the same files the public pages served, and
`fairdraw verify` accepts them."""

from __future__ import annotations

import subprocess
import uuid

import pytest
from django.db import connection

from gaoxin.common import audit
from gaoxin.housing.tests.builders import drawn_batch
from gaoxin.housing.tests.independent import published_files, verify
from gaoxin.testing.postgres import find_bindir
from gaoxin.testing.processes import TIMEOUT, manage, run

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
]


def _url(name: str) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{name}"


def _tool(name: str, *args: str) -> None:
    bindir = find_bindir()
    assert bindir is not None
    done = subprocess.run(
        [str(bindir / name), *args], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_restored_backup_verifies_its_audit_chain_and_its_draw(make_user, tmp_path):
    batch = drawn_batch(make_user, households=120)
    published = published_files(batch.code, tmp_path / "published")
    head = str(audit.chain_head())  # as shown to auditors before the backup

    dump = tmp_path / "gaoxin.dump"
    _tool("pg_dump", "-Fc", "--no-owner", "-f", str(dump), _url(connection.settings_dict["NAME"]))
    restored = f"gaoxin_restored_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        _tool("pg_restore", "--exit-on-error", "--no-owner", "-d", _url(restored), str(dump))
        on_restored = {"DATABASE_URL": _url(restored)}

        checked = run(
            manage("audit_verify", "--head", head), log=tmp_path / "audit.log", **on_restored
        )
        assert checked.returncode == 0
        assert "audit chain intact" in (tmp_path / "audit.log").read_text()

        out = tmp_path / "restored"
        run(
            manage("draw_export", batch.code, "--out", str(out)),
            log=tmp_path / "export.log",
            **on_restored,
        )
        exported = {name: out / f"{batch.code}-{name}" for name in published}
        for name, path in exported.items():
            assert path.read_bytes() == published[name].read_bytes(), name
        verified = verify(exported)
        assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
