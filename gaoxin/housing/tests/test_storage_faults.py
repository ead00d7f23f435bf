"""A full disk or a read-only database while a sales office imports units or registrations on
the batch page: the page says so in the user's language (both languages are in the error
code), no 500, the batch holds exactly what it held before (the old units, no application, the
next registration number unchanged), the audit chain verifies, and the same file imports once
the fault is gone. The faults are real ones (gaoxin/testing/storage.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client

from gaoxin.common.audit import verify_chain
from gaoxin.common.errors import STORAGE_FULL, STORAGE_READ_ONLY
from gaoxin.housing.models import Application, ApplicationMember, SaleBatch, Unit
from gaoxin.housing.registration import SHEET_COLUMNS
from gaoxin.registry.identifiers import make_id_number
from gaoxin.testing.storage import postgres_disk_full, read_only, sqlite_full

from .builders import draft_batch, published_batch
from .factories import staff_of, units_csv

pytestmark = pytest.mark.django_db(transaction=True)
HOUSEHOLDS = 300  # some 80 pages of applications, members and audit events


def registrations_csv(count: int = HOUSEHOLDS) -> bytes:
    lines = [",".join(SHEET_COLUMNS)]
    for n in range(count):
        applicant = make_id_number("340104", date(1980 + n % 20, 1 + n % 12, 3), n % 1000)
        lines.append(f"申请人{n},{applicant},139{n:08d},,,,,是,否")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def desk(make_user: Any) -> tuple[SaleBatch, Client]:
    """A batch in registration and its own sales office, logged in."""
    user = make_user("developer")
    batch = published_batch(code="F2026", units=10)
    staff_of(batch.project.sales_office, user)
    client = Client()
    client.force_login(user)
    return batch, client


@pytest.fixture
def draft(make_user: Any) -> tuple[SaleBatch, Client]:
    user = make_user("zone_admin")
    batch = draft_batch(code="U2026", units=10)
    client = Client()
    client.force_login(user)
    return batch, client


ROUTES = {"units": "units", "applications": "registrations"}


def post_file(
    client: Client,
    batch: SaleBatch,
    action: str,
    content: bytes,
    lang: str = "zh",
    follow: bool = True,
):
    file = SimpleUploadedFile(f"{action}.csv", content, "text/csv")
    return client.post(
        f"/housing/manage/{batch.code}/{ROUTES[action]}/?lang={lang}", {"file": file}, follow=follow
    )


def refused(response: Any, error: Any, where: str, where_en: str, lang: str = "zh") -> None:
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    params = {"where": where, "where_en": where_en}
    assert error.render(lang, **params) in text
    assert "Traceback" not in text


def unchanged(batch: SaleBatch, units: list[Any]) -> None:
    assert not Application.objects.filter(batch=batch).exists()
    assert not ApplicationMember.objects.filter(batch=batch).exists()
    assert SaleBatch.objects.get(pk=batch.pk).next_number == batch.next_number
    assert list(Unit.objects.filter(batch=batch).order_by("pk").values()) == units
    assert verify_chain().ok
    call_command("audit_verify")


def units_of(batch: SaleBatch) -> list[Any]:
    return list(Unit.objects.filter(batch=batch).order_by("pk").values())


def sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PRAGMA max_page_count is SQLite's")


@pytest.mark.slow
def test_sqlite_full_mid_registrations_import(desk):
    sqlite_only()
    batch, client = desk
    units = units_of(batch)
    with sqlite_full(headroom_pages=8):
        response = post_file(client, batch, "applications", registrations_csv())
        refused(response, STORAGE_FULL, "数据库", "the database")
        english = post_file(client, batch, "applications", registrations_csv(), lang="en")
        refused(english, STORAGE_FULL, "数据库", "the database", lang="en")
    unchanged(batch, units)
    response = post_file(client, batch, "applications", registrations_csv(), follow=False)
    assert response.status_code == 302
    assert Application.objects.filter(batch=batch).count() == HOUSEHOLDS


def test_sqlite_full_while_replacing_units_keeps_the_old_units(draft):
    sqlite_only()
    batch, client = draft
    units = units_of(batch)
    with sqlite_full(headroom_pages=2):
        refused(
            post_file(client, batch, "units", units_csv(2000)),
            STORAGE_FULL,
            "数据库",
            "the database",
        )
    unchanged(batch, units)
    assert post_file(client, batch, "units", units_csv(2000), follow=False).status_code == 302
    assert Unit.objects.filter(batch=batch).count() == 2000


@pytest.mark.slow
@pytest.mark.postgres_only
def test_postgres_disk_full_mid_registrations_import(desk):
    batch, client = desk
    units = units_of(batch)
    with postgres_disk_full(ApplicationMember._meta.db_table, after_rows=150):
        response = post_file(client, batch, "applications", registrations_csv())
    refused(response, STORAGE_FULL, "数据库", "the database")
    unchanged(batch, units)
    assert (
        post_file(client, batch, "applications", registrations_csv(), follow=False).status_code
        == 302
    )
    assert Application.objects.filter(batch=batch).count() == HOUSEHOLDS


@pytest.mark.parametrize("action", ["units", "applications"])
def test_read_only_database_refuses_imports_clearly(desk, draft, action):
    batch, client = draft if action == "units" else desk
    content = units_csv(20) if action == "units" else registrations_csv(20)
    units = units_of(batch)
    with read_only():
        refused(
            post_file(client, batch, action, content), STORAGE_READ_ONLY, "数据库", "the database"
        )
        assert client.get(f"/housing/manage/{batch.code}/").status_code == 200  # reading works
    unchanged(batch, units)
    assert post_file(client, batch, action, content, follow=False).status_code == 302
