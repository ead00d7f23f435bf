"""A full disk or a read-only database during an agency import: the person who uploaded sees a
clear error in both languages (no traceback, no 500), the run ends failed with that message,
not one row of the file is in the registry, the audit chain still verifies, and the same file
imports once the fault is gone. The faults are real ones (gaoxin/testing/storage.py)."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from gaoxin.common.actors import OPERATOR
from gaoxin.common.audit import verify_chain
from gaoxin.common.models import AuditEvent
from gaoxin.registry import errors, identifiers, services
from gaoxin.registry.imports import runner
from gaoxin.registry.models import ImportRun, InsuranceContribution, Person
from gaoxin.testing.storage import media_full, postgres_disk_full, read_only, sqlite_full

pytestmark = pytest.mark.django_db(transaction=True)
PEOPLE = 3000  # about 60 pages of rows and index: far beyond the headroom left


def people_csv(count: int = PEOPLE) -> bytes:
    lines = ["身份证号,姓名,联系电话"]
    for n in range(count):
        number = identifiers.make_id_number("340104", date(1970 + n % 30, 1 + n % 12, 1), n % 1000)
        lines.append(f"{number},测试{n},139{n:08d}")
    return ("\n".join(lines) + "\n").encode()


def upload(admin: Any, content: bytes, name: str = "people.csv") -> Any:
    """The zone administrator's upload on the imports page; the run happens on commit."""
    file = SimpleUploadedFile(name, content, "text/csv")
    return admin.post("/registry/imports/", {"kind": "person", "file": file})


def last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def chain_holds() -> None:
    assert verify_chain().ok
    call_command("audit_verify")  # exits 1 on a broken chain


def shows_failure(admin: Any, run: ImportRun, error: Any) -> None:
    """The run page and the API say what happened, in the user's language and in both."""
    assert (run.status, run.error_code) == ("failed", error.code)
    page = admin.get(f"/registry/imports/{run.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    zh = error.render("zh", **run.error_params)
    assert zh in text and "未写入任何数据" in zh
    english = admin.get(f"/registry/imports/{run.pk}/?lang=en").content.decode()
    assert error.render("en", **run.error_params) in english
    api = admin.get(f"/api/registry/imports/{run.pk}").json()
    assert api["status"] == "failed" and api["error_code"] == error.code
    assert api["error_message_zh"] == zh
    assert api["error_message_en"] == error.render("en", **run.error_params)
    assert "Traceback" not in text


@pytest.fixture
def admin(client_for: Any) -> Any:
    return client_for("zone_admin")


def sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PRAGMA max_page_count is SQLite's")


def test_sqlite_full_mid_import_fails_clearly_and_writes_nothing(admin, caplog):
    sqlite_only()
    events = last_event()
    with sqlite_full(headroom_pages=8), caplog.at_level(logging.ERROR):
        response = upload(admin, people_csv())
    assert response.status_code == 302  # the upload fitted; the rows did not
    run = ImportRun.objects.get()
    shows_failure(admin, run, errors.IMPORT_STORAGE_FULL)
    assert run.error_params["where"] == "数据库"
    assert Person.objects.count() == 0
    actions = list(
        AuditEvent.objects.filter(pk__gt=events).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["registry.import.started", "registry.import.failed"]
    assert "database or disk is full" in caplog.text
    chain_holds()

    upload(admin, people_csv())  # the fault is gone: the same file imports
    again = ImportRun.objects.order_by("pk").last()
    assert again is not None
    assert (again.status, again.inserted) == ("succeeded", PEOPLE)
    assert Person.objects.count() == PEOPLE
    chain_holds()


def stored_files() -> list[str]:
    storage = storages["default"]
    found: list[str] = []

    def walk(path: str) -> None:
        try:
            dirs, files = storage.listdir(path)
        except FileNotFoundError:
            return
        found.extend(f"{path}/{f}" for f in files)
        for d in dirs:
            walk(f"{path}/{d}")

    walk("registry")
    return found


def test_media_full_at_upload_leaves_no_run_and_no_partial_file(admin):
    before = stored_files()
    with media_full(free_bytes=1000) as failed:
        response = upload(admin, people_csv(200))
    assert failed, "the write was attempted"
    assert response.status_code == 200
    text = response.content.decode()
    assert "服务器存储空间已满（文件存储）" in text and "Traceback" not in text
    assert ImportRun.objects.count() == 0
    assert stored_files() == before, "the partial file was removed"
    chain_holds()

    assert upload(admin, people_csv(200)).status_code == 302
    assert ImportRun.objects.get().status == "succeeded"
    assert Person.objects.count() == 200


def test_media_full_when_writing_the_error_report(admin, tmp_path):
    path = tmp_path / "bad.csv"  # one bad row: an error report is due
    path.write_bytes(people_csv(50) + "11010519491231002Y,坏号,\n".encode())
    run = services.import_start_from_path(actor=OPERATOR, kind="person", path=path)
    files_before = stored_files()
    with media_full(free_bytes=100) as failed:
        run = runner.execute(run.pk)
    assert failed, "the report's write was attempted"
    shows_failure(admin, run, errors.IMPORT_STORAGE_FULL)
    assert run.error_params["where"] == "文件存储"
    assert not run.error_report and stored_files() == files_before
    assert Person.objects.count() == 0
    chain_holds()


@pytest.mark.postgres_only
@pytest.mark.parametrize("kind", ["person", "insurance"])
def test_postgres_disk_full_at_the_nth_row(admin, kind, zone_files, caplog):
    """53100 from the server in the middle of the write: INSERT for people, COPY for the
    insurance file (the streaming loader)."""
    for earlier in ("enterprise", "person") if kind == "insurance" else ():
        done = runner.execute(
            services.import_start_from_path(
                actor=OPERATOR, kind=earlier, path=zone_files[earlier]
            ).pk
        )
        assert done.status == "succeeded"
    model = Person if kind == "person" else InsuranceContribution
    table = model._meta.db_table
    path: Path = zone_files[kind]
    before = model.objects.count()
    events = last_event()
    run = services.import_start_from_path(actor=OPERATOR, kind=kind, path=path)
    with postgres_disk_full(table, after_rows=20), caplog.at_level(logging.ERROR):
        run = runner.execute(run.pk)
    shows_failure(admin, run, errors.IMPORT_STORAGE_FULL)
    assert "No space left on device" in caplog.text
    assert model.objects.count() == before
    assert AuditEvent.objects.filter(pk__gt=events).count() == 2  # started, failed
    chain_holds()

    again = runner.execute(services.import_start_from_path(actor=OPERATOR, kind=kind, path=path).pk)
    assert again.status == "succeeded" and again.inserted > 20
    assert model.objects.count() == before + again.inserted
    chain_holds()


def test_read_only_database_at_upload_is_refused_clearly(admin):
    before = stored_files()
    with read_only():
        response = upload(admin, people_csv(100))
        assert response.status_code == 200
        text = response.content.decode()
        assert "数据库当前为只读" in text and "Traceback" not in text
        english = admin.get("/registry/imports/?lang=en")
        assert english.status_code == 200  # pages that only read still work
    assert ImportRun.objects.count() == 0
    assert stored_files() == before
    chain_holds()
    assert upload(admin, people_csv(100)).status_code == 302
    assert ImportRun.objects.get().status == "succeeded"
    assert Person.objects.count() == 100


def test_read_only_database_before_the_worker_runs_it(tmp_path, caplog):
    """The run was recorded, then the database went read-only: the worker can write neither
    rows nor a status. Nothing is written, the log says why, the run is still pending, and
    it runs to success once the database is writable again."""
    path = tmp_path / "people.csv"
    path.write_bytes(people_csv(100))
    run = services.import_start_from_path(actor=OPERATOR, kind="person", path=path)
    with read_only(), caplog.at_level(logging.ERROR):
        left = runner.execute(run.pk)
    assert left.status == "pending"
    assert "could not be marked failed" in caplog.text and "read-only" in caplog.text
    assert Person.objects.count() == 0
    chain_holds()
    done = runner.execute(run.pk)
    assert (done.status, done.inserted) == ("succeeded", 100)
    chain_holds()
