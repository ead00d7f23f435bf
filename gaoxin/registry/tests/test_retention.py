"""Retention of uploaded agency files (personal data): `manage.py registry_purge_uploads`
deletes files of finished imports older than the retention period and unreferenced files under
MEDIA_ROOT/registry/, audits each, and keeps the import's record."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from gaoxin.common.actors import OPERATOR
from gaoxin.common.models import AuditEvent
from gaoxin.registry import services
from gaoxin.registry.imports import runner
from gaoxin.registry.models import ImportRun

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    """Files on a real file system, so their age is real."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def purge(django_capture_on_commit_callbacks):
    """The command, with the file deletions it schedules after commit carried out."""

    def run(*args: str) -> str:
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("registry_purge_uploads", *args, stdout=out)
        return out.getvalue()

    return run


BAD = "身份证号,姓名\n11010519491231002Y,张三\n"  # rejected: leaves an error report too


def finished_run(make_user, content: str = BAD, age_days: int = 0) -> ImportRun:
    upload = SimpleUploadedFile("people.csv", content.encode())
    run = services.import_start(actor=make_user("zone_admin"), kind="person", upload=upload)
    run = runner.execute(run.pk)
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    run.refresh_from_db()
    return run


def test_old_files_are_deleted_audited_and_the_record_kept(make_user, settings, purge):
    settings.GAOXIN_REGISTRY_UPLOAD_RETENTION_DAYS = 30
    old = finished_run(make_user, age_days=31)
    recent = finished_run(make_user, age_days=5)
    old_files = [old.file.name, old.error_report.name]
    assert all(default_storage.exists(name) for name in old_files)
    out = purge()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and not old.error_report
    assert not any(default_storage.exists(name) for name in old_files)
    assert old.file_sha256 and old.status == "rejected"  # the record stays
    assert recent.file and default_storage.exists(recent.file.name)
    event = AuditEvent.objects.get(action="registry.import.files_purged")
    assert event.object_id == str(old.pk)
    assert (event.before or {})["files"] == old_files
    assert (event.after or {})["retention_days"] == 30
    assert "2 个文件 files (1 次导入 imports)" in out
    call_command("audit_verify", stdout=io.StringIO())


def test_dry_run_lists_and_deletes_nothing(make_user, purge):
    old = finished_run(make_user, age_days=100)
    assert old.file.name in purge("--days", "30", "--dry-run")
    old.refresh_from_db()
    assert old.file and default_storage.exists(old.file.name)
    assert not AuditEvent.objects.filter(action__startswith="registry.import.files").exists()


def test_running_imports_keep_their_file(make_user, purge):
    upload = SimpleUploadedFile("people.csv", BAD.encode())
    pending = services.import_start(actor=make_user("zone_admin"), kind="person", upload=upload)
    ImportRun.objects.filter(pk=pending.pk).update(created_at=timezone.now() - timedelta(days=99))
    purge("--days", "30")
    pending.refresh_from_db()
    assert pending.file and default_storage.exists(pending.file.name)


def test_unreferenced_old_files_under_registry_are_removed(
    make_user, media, django_capture_on_commit_callbacks
):
    kept = finished_run(make_user)
    stray = default_storage.save("registry/imports/2020/01/left-behind.upload", ContentFile(b"x"))
    fresh = default_storage.save("registry/imports/2020/01/just-now.upload", ContentFile(b"x"))
    long_ago = (timezone.now() - timedelta(days=40)).timestamp()
    os.utime(media / stray, (long_ago, long_ago))
    os.utime(media / kept.file.name, (long_ago, long_ago))  # old file, but a recent import's
    with django_capture_on_commit_callbacks(execute=True):
        purged = services.import_files_purge(actor=OPERATOR, days=30)
    assert purged.files == [stray]
    assert default_storage.exists(fresh)
    assert not default_storage.exists(stray)
    assert default_storage.exists(kept.file.name) and default_storage.exists(kept.error_report.name)
    event = AuditEvent.objects.get(action="registry.import.orphan_files_purged")
    assert stray in (event.after or {})["files"]


def test_a_retention_of_zero_days_is_refused():
    with pytest.raises(CommandError) as error:
        call_command("registry_purge_uploads", "--days", "0", stdout=io.StringIO())
    assert "至少为 1 天" in str(error.value) and "at least 1 day" in str(error.value)
